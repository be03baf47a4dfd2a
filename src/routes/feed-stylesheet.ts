/**
 * What a browser shows for an RSS or Atom feed: GET /feed.xsl, the stylesheet the feeds point
 * to (templates/feed.xsl, bundled at build time), and the media type that lets it apply.
 */
import type { App } from '../app.js';
import { feedStylesheet, feedStylesheetEtag } from '../feeds/compiled/stylesheet.js';
import { etagMatches } from '../http/caching.js';

// Feeds name the stylesheet by a fixed URL, so it cannot be cached forever: a week, then a
// revalidation that costs a 304 while the bytes are the same.
const CACHE_CONTROL = 'public, max-age=604800, stale-while-revalidate=86400';

const XML_FEED_TYPE = /^application\/(rss|atom)\+xml\b/i;

/**
 * Registers GET /feed.xsl and the browser relabelling below. Register it before the feed
 * routes: the relabelling is a middleware that must wrap them.
 */
export function registerFeedStylesheetRoute(app: App): void {
  // Chromium shows application/rss+xml and application/atom+xml as plain text and never runs
  // their stylesheet; as application/xml it does. Browsers navigating ask for text/html and
  // feed readers do not, so only browsers get the generic type (which readers accept too).
  app.use('*', async (c, next) => {
    await next();
    if (!XML_FEED_TYPE.test(c.res.headers.get('content-type') ?? '')) return;
    c.header('Vary', 'Accept', { append: true });
    if ((c.req.header('accept') ?? '').includes('text/html')) c.header('Content-Type', 'application/xml; charset=utf-8');
  });

  app.get('/feed.xsl', (c) => {
    c.header('ETag', feedStylesheetEtag);
    c.header('Cache-Control', CACHE_CONTROL);
    if (etagMatches(c.req.header('if-none-match'), feedStylesheetEtag)) return c.body(null, 304);
    c.header('Content-Type', 'text/xsl; charset=utf-8');
    return c.body(feedStylesheet, 200);
  });
}
