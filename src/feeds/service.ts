/**
 * Serving a feed document: look up the feed's state (one primary-key read), answer from the
 * render cache when that version was rendered before, otherwise query, render and cache it.
 */
import type { Deps } from '../deps.js';
import { AppError } from '../errors.js';
import { strongEtag } from '../http/caching.js';
import { countPublished, latestPublished, nextScheduled, publishedPageFromOldest } from '../storage/articles.js';
import { getFeedState } from '../storage/feed-state.js';
import { buildFeed } from './build.js';
import type { CachedFeed } from './cache.js';
import { FEED_FORMATS, type FeedFormat } from './formats.js';
import { feedLinks, type FeedLinks } from './links.js';
import type { FeedScope } from './scope.js';

/** Bump when the rendered output changes, so caches that outlive a deploy are not served stale. */
const RENDER_REVISION = 1;

export type FeedDeps = Pick<Deps, 'db' | 'config' | 'feedCache' | 'clock'>;

function cacheKey(deps: FeedDeps, scope: FeedScope, format: FeedFormat, archive: number | undefined, version: number): string {
  const c = deps.config;
  const settings = [c.PUBLIC_URL, c.SITE_URL, c.SITE_NAME, c.SITE_DESCRIPTION, c.FEED_ITEMS, c.WEBSUB_HUB_URL ?? ''].join('\u0000');
  return `feed:r${RENDER_REVISION}:${scope.key}:${format}:${archive ?? 'current'}:v${version}:${settings}`;
}

/**
 * The document for `scope` in `format`: the current feed, or archive page `archive`
 * (1 = oldest). Throws `not_found` for an archive page that does not exist (yet).
 */
export async function getFeed(deps: FeedDeps, scope: FeedScope, format: FeedFormat, archive?: number): Promise<CachedFeed> {
  const state = await getFeedState(deps.db, scope.key);
  const key = cacheKey(deps, scope, format, archive, state.version);
  const now = deps.clock.now();
  const cached = await deps.feedCache.get(key);
  if (cached && (cached.validUntil === undefined || now.getTime() < cached.validUntil)) return cached;
  const rendered = await renderFeed(deps, scope, format, archive, state.changedAt, now);
  await deps.feedCache.put(key, rendered);
  return rendered;
}

const newestOf = (items: { updatedAt: Date; publishedAt: Date | null }[]) =>
  Math.max(0, ...items.map((a) => Math.max(a.updatedAt.getTime(), a.publishedAt?.getTime() ?? 0)));

async function renderFeed(deps: FeedDeps, scope: FeedScope, format: FeedFormat, archive: number | undefined, changedAt: Date, now: Date): Promise<CachedFeed> {
  const { db, config } = deps;
  const size = config.FEED_ITEMS;
  // Articles scheduled for later stay out until their time; the render is valid until then.
  const filter = { ...scope.filter, until: now };
  const completePages = Math.floor((await countPublished(db, filter)) / size);
  if (archive !== undefined && (archive < 1 || archive > completePages)) {
    throw new AppError('not_found', `This feed has no archive page ${archive}`);
  }
  const items = archive ? await publishedPageFromOldest(db, filter, archive, size) : await latestPublished(db, size, filter);
  // The current feed changed when the feed last changed (deletions included) or an item was
  // published, whichever is later. An archive page changed when its newest item did, so new
  // articles leave its bytes alone.
  const newestItem = newestOf(items);
  const updated = new Date(archive ? newestItem : Math.max(changedAt.getTime(), newestItem));
  // An archive page gains a next-archive link when the next page fills: its bytes change then,
  // so its Last-Modified moves too (its <updated> stays that of its own items).
  const nextPage = archive !== undefined && archive < completePages ? await publishedPageFromOldest(db, filter, archive + 1, size) : [];
  const lastModified = new Date(Math.max(updated.getTime(), newestOf(nextPage)));
  const links = Object.fromEntries(FEED_FORMATS.map((f) => [f, feedLinks(config, scope, f, archive, completePages)])) as Record<FeedFormat, FeedLinks>;
  const body = new TextEncoder().encode(buildFeed(config, { scope, items, updated, links }, format));
  const validUntil = (await nextScheduled(db, scope.filter, now))?.getTime();
  return { body, etag: await strongEtag(body), lastModified: lastModified.toUTCString(), ...(validUntil ? { validUntil } : {}) };
}
