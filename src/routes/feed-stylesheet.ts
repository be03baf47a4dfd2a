/**
 * What a browser shows for an RSS or Atom feed: GET /feed.xsl, the stylesheet the feeds point
 * to (templates/feed.xsl, bundled at build time).
 */
import type { App } from '../app.js';
import { feedStylesheet, feedStylesheetEtag } from '../feeds/compiled/stylesheet.js';
import { etagMatches } from '../http/caching.js';

// Feeds name the stylesheet by a fixed URL, so it cannot be cached forever: a week, then a
// revalidation that costs a 304 while the bytes are the same.
const CACHE_CONTROL = 'public, max-age=604800, stale-while-revalidate=86400';

/** Registers GET /feed.xsl (the feed routes label feeds so that browsers apply it). */
export function registerFeedStylesheetRoute(app: App): void {
  app.get('/feed.xsl', (c) => {
    c.header('ETag', feedStylesheetEtag);
    c.header('Cache-Control', CACHE_CONTROL);
    if (etagMatches(c.req.header('if-none-match'), feedStylesheetEtag)) return c.body(null, 304);
    c.header('Content-Type', 'text/xsl; charset=utf-8');
    return c.body(feedStylesheet, 200);
  });
}
