/** Site-wide feeds with conditional GET. */
import type { App } from '../app.js';
import { FEED_CONTENT_TYPES, type FeedFormat } from '../feeds/build.js';
import { renderSiteFeed } from '../feeds/service.js';
import { isNotModified, strongEtag } from '../http/caching.js';

const FORMATS: [string, FeedFormat][] = [
  ['/feed.rss', 'rss'],
  ['/feed.atom', 'atom'],
  ['/feed.json', 'json'],
];

export function registerFeedRoutes(app: App): void {
  for (const [path, format] of FORMATS) {
    app.get(path, async (c) => {
      const feed = await renderSiteFeed(c.get('deps'), format);
      const etag = await strongEtag(feed.body);
      c.header('ETag', etag);
      c.header('Last-Modified', feed.updated.toUTCString());
      c.header('Cache-Control', 'public, max-age=300, stale-while-revalidate=600');
      c.header('Vary', 'Accept-Encoding');
      const conditional = { ifNoneMatch: c.req.header('if-none-match'), ifModifiedSince: c.req.header('if-modified-since') };
      if (isNotModified(conditional, etag, feed.updated)) return c.body(null, 304);
      c.header('Content-Type', FEED_CONTENT_TYPES[format]);
      return c.body(feed.body, 200);
    });
  }
}
