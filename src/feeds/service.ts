/**
 * Serving a feed document: look up the feed's state (one primary-key read), answer from the
 * render cache when that version was rendered before, otherwise query, render and cache it.
 *
 * Archive pages (RFC 5005) have fixed bounds, kept in `feed_archive_pages`: a page is added
 * when the articles after the last page fill one (`FEED_ITEMS`), found while rendering the
 * current feed, and never moves after that. Deleting or backdating an article changes only the
 * page it is on, and the current feed never counts the whole feed.
 */
import type { Deps } from '../deps.js';
import { AppError } from '../errors.js';
import { strongEtag } from '../http/caching.js';
import { latestPublished, nextScheduled, pageBoundsAfter, publishedBetween, type ArticleRecord, type PublishedFilter } from '../storage/articles.js';
import { addArchivePages, getArchivePages, type ArchivePage, type FeedPosition } from '../storage/feed-archive.js';
import { getFeedState } from '../storage/feed-state.js';
import { buildFeedParts, encodeParts } from './build.js';
import type { CachedFeed } from './cache.js';
import { FEED_FORMATS, type FeedFormat } from './formats.js';
import { feedLinks, type FeedLinks } from './links.js';
import type { FeedScope } from './scope.js';

/** Bump when the rendered output changes, so caches that outlive a deploy are not served stale. */
const RENDER_REVISION = 2;

export type FeedDeps = Pick<Deps, 'db' | 'config' | 'feedCache' | 'clock'>;

function cacheKey(deps: FeedDeps, scope: FeedScope, format: FeedFormat, document: string): string {
  const c = deps.config;
  const settings = [c.PUBLIC_URL, c.SITE_URL, c.SITE_NAME, c.SITE_DESCRIPTION, c.FEED_ITEMS, c.WEBSUB_HUB_URL ?? ''].join('\u0000');
  return `feed:r${RENDER_REVISION}:${scope.key}:${format}:${document}:${settings}`;
}

/**
 * The document for `scope` in `format`: the current feed, or archive page `archive`
 * (1 = oldest). Throws `not_found` for an archive page that does not exist (yet).
 */
export async function getFeed(deps: FeedDeps, scope: FeedScope, format: FeedFormat, archive?: number): Promise<CachedFeed> {
  return archive === undefined ? getCurrentFeed(deps, scope, format) : getArchivePage(deps, scope, format, archive);
}

async function cached(deps: FeedDeps, key: string, now: Date): Promise<CachedFeed | undefined> {
  const hit = await deps.feedCache.get(key);
  return hit && (hit.validUntil === undefined || now.getTime() < hit.validUntil) ? hit : undefined;
}

const positionOf = (page: ArchivePage): FeedPosition => ({ publishedAt: page.lastPublishedAt, id: page.lastId });
const isAfter = (a: FeedPosition, b: FeedPosition) => a.publishedAt.getTime() > b.publishedAt.getTime() || (a.publishedAt.getTime() === b.publishedAt.getTime() && a.id > b.id);
const newestOf = (items: ArticleRecord[]) => Math.max(0, ...items.map((a) => Math.max(a.updatedAt.getTime(), a.publishedAt?.getTime() ?? 0)));

async function getCurrentFeed(deps: FeedDeps, scope: FeedScope, format: FeedFormat): Promise<CachedFeed> {
  const { db, config } = deps;
  const state = await getFeedState(db, scope.key);
  const now = deps.clock.now();
  const hit = await cached(deps, cacheKey(deps, scope, format, `current:v${state.version}:p${state.archivePages}`), now);
  if (hit) return hit;

  // Articles scheduled for later stay out until their time; the render is valid until then.
  const filter: PublishedFilter = { ...scope.filter, until: now };
  const size = config.FEED_ITEMS;
  const items = await latestPublished(db, size, filter);
  let pages = state.archivePages;
  let lastPage = state.lastPage;
  // The articles after the last archive page fill a new one exactly when the oldest of the
  // newest `size` is after that page's end: only then is there anything to add.
  const oldest = items[size - 1];
  if (oldest?.publishedAt && (!lastPage || isAfter({ publishedAt: oldest.publishedAt, id: oldest.id }, positionOf(lastPage)))) {
    pages = await addPages(deps, scope, filter, pages, lastPage, now);
    lastPage = (await getArchivePages(db, scope.key, [pages])).get(pages);
  }

  // The current feed changed when the feed last changed (deletions included) or an item was
  // published, whichever is later. A new archive page changes its prev-archive link, so
  // Last-Modified also moves when one is added.
  const updated = new Date(Math.max(state.changedAt.getTime(), newestOf(items)));
  const lastModified = new Date(Math.max(updated.getTime(), lastPage?.changedAt.getTime() ?? 0));
  const validUntil = (await nextScheduled(db, scope.filter, now))?.getTime();
  const rendered = await render(deps, scope, format, items, updated, lastModified, undefined, pages, validUntil);
  await deps.feedCache.put(cacheKey(deps, scope, format, `current:v${state.version}:p${pages}`), rendered);
  return rendered;
}

/** Adds the archive pages the articles after page `pages` fill; returns the new page count. */
async function addPages(deps: FeedDeps, scope: FeedScope, filter: PublishedFilter, pages: number, lastPage: ArchivePage | undefined, now: Date): Promise<number> {
  const bounds = await pageBoundsAfter(deps.db, filter, lastPage && positionOf(lastPage), deps.config.FEED_ITEMS);
  await addArchivePages(deps.db, scope.key, pages + 1, bounds, now);
  return pages + bounds.length;
}

async function getArchivePage(deps: FeedDeps, scope: FeedScope, format: FeedFormat, page: number): Promise<CachedFeed> {
  const { db } = deps;
  const now = deps.clock.now();
  const state = await getFeedState(db, scope.key);
  let pages = state.archivePages;
  if (page >= pages) {
    // Pages are added as the current feed is rendered. Nobody may have read it since enough
    // new articles came for another page: the newest page would then lack its next-archive
    // link, and a newer page would be missing. So the newest page and beyond look first.
    pages = await addPages(deps, scope, { ...scope.filter, until: now }, pages, state.lastPage, now);
    if (page > pages) throw new AppError('not_found', `This feed has no archive page ${page}`);
  }
  const rows = await getArchivePages(db, scope.key, [page - 1, page]);
  const own = rows.get(page);
  if (!own) throw new AppError('not_found', `This feed has no archive page ${page}`);
  const previous = rows.get(page - 1);
  const key = cacheKey(deps, scope, format, `archive:${page}:v${own.version}:${page < pages ? 'next' : 'last'}`);
  const hit = await cached(deps, key, now);
  if (hit) return hit;

  const items = await publishedBetween(db, { ...scope.filter, until: now }, previous && positionOf(previous), positionOf(own));
  // An archive page changed when its newest item did, so new articles leave its bytes alone;
  // the page's own change time (an edit or deletion on it, or a newer page that adds a
  // next-archive link) moves its Last-Modified.
  const updated = new Date(newestOf(items) || own.changedAt.getTime());
  const lastModified = new Date(Math.max(updated.getTime(), own.changedAt.getTime()));
  const rendered = await render(deps, scope, format, items, updated, lastModified, page, pages, undefined);
  await deps.feedCache.put(key, rendered);
  return rendered;
}

async function render(
  deps: FeedDeps,
  scope: FeedScope,
  format: FeedFormat,
  items: ArticleRecord[],
  updated: Date,
  lastModified: Date,
  page: number | undefined,
  pages: number,
  validUntil: number | undefined,
): Promise<CachedFeed> {
  const links = Object.fromEntries(FEED_FORMATS.map((f) => [f, feedLinks(deps.config, scope, f, page, pages)])) as Record<FeedFormat, FeedLinks>;
  const body = encodeParts(buildFeedParts(deps.config, { scope, items, updated, links }, format));
  return { body, etag: await strongEtag(body), lastModified: lastModified.toUTCString(), ...(validUntil ? { validUntil } : {}) };
}
