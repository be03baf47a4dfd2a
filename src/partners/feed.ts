/**
 * A partner's feed: the site's latest articles that the partner may see, with its terms
 * applied, built by the same code as the public feeds. Its links name the header-authenticated
 * address, never one with a key in it, so a document passed around gives no key away.
 */
import type { Config } from '../config.js';
import type { Deps } from '../deps.js';
import { buildFeedParts, encodeParts } from '../feeds/build.js';
import { FEED_FORMATS, type FeedFormat } from '../feeds/formats.js';
import type { FeedLinks } from '../feeds/links.js';
import { strongEtag } from '../http/caching.js';
import { latestPublished, type PublishedFilter } from '../storage/articles.js';
import { getFeedState } from '../storage/feed-state.js';
import { applyTerms, type Partner } from './terms.js';

export type PartnerDocument = { body: Uint8Array<ArrayBuffer>; etag: string; lastModified: Date; items: number };

/** Where a partner reads its feed in `format` (with its key in the Authorization header). */
export function partnerFeedUrl(config: Pick<Config, 'PUBLIC_URL'>, format: FeedFormat): string {
  return `${config.PUBLIC_URL}/partners/feed.${format}`;
}

/**
 * The partner's feed in `format`: the newest `FEED_ITEMS` articles in its sections whose
 * embargo is over at the clock's now. The same data gives the same bytes: its update time is
 * the latest of the partner's terms, the feeds it draws on, and its items' arrival.
 */
export async function partnerFeed(deps: Pick<Deps, 'db' | 'config' | 'clock'>, partner: Partner, format: FeedFormat): Promise<PartnerDocument> {
  const { db, config } = deps;
  const embargoMs = partner.embargoMinutes * 60_000;
  const filter: PublishedFilter = { until: new Date(deps.clock.now().getTime() - embargoMs) };
  if (partner.sectionIds.length) filter.sectionIds = partner.sectionIds;
  const feedKeys = partner.sectionIds.length ? partner.sectionIds.map((id) => `section:${id}`) : ['all'];
  const [records, states] = await Promise.all([latestPublished(db, config.FEED_ITEMS, filter), Promise.all(feedKeys.map((key) => getFeedState(db, key)))]);
  const arrived = records.map((a) => Math.max(a.updatedAt.getTime(), (a.publishedAt?.getTime() ?? 0) + embargoMs));
  const updated = new Date(Math.max(partner.updatedAt.getTime(), ...states.map((s) => s.changedAt.getTime()), ...arrived));
  const links = Object.fromEntries(
    FEED_FORMATS.map((f): [FeedFormat, FeedLinks] => [f, { self: partnerFeedUrl(config, f), current: partnerFeedUrl(config, f), archive: false }]),
  ) as Record<FeedFormat, FeedLinks>;
  const items = records.map((a) => applyTerms(config, partner, a));
  const scope = { title: config.SITE_NAME, description: config.SITE_DESCRIPTION, homeUrl: config.SITE_URL };
  const body = encodeParts(buildFeedParts(config, { scope, items, updated, links }, format));
  return { body, etag: await strongEtag(body), lastModified: updated, items: items.length };
}
