/** Which articles a feed holds, rendered, with what HTTP caching needs to know. */
import type { Deps } from '../deps.js';
import { latestPublished } from '../storage/articles.js';
import { buildFeed, type FeedFormat } from './build.js';

export type RenderedFeed = { body: string; updated: Date };

export async function renderSiteFeed(deps: Pick<Deps, 'db' | 'config'>, format: FeedFormat): Promise<RenderedFeed> {
  const { db, config } = deps;
  const items = await latestPublished(db, config.FEED_ITEMS);
  const scope = { title: config.SITE_NAME, description: config.SITE_DESCRIPTION, path: '', homeUrl: config.SITE_URL };
  const body = buildFeed(config, scope, items, format);
  return { body, updated: new Date(Math.max(0, ...items.map((a) => a.updatedAt.getTime()))) };
}
