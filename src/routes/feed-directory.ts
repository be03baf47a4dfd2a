/** The list of every feed: `/feeds` for people, `/feeds.opml` for feed readers. */
import type { App } from '../app.js';
import { feedGroups, feedsOpml, urlsOf } from '../feeds/directory.js';
import { feedsPage } from '../pages/feeds.js';

export function registerFeedDirectoryRoutes(app: App): void {
  app.get('/feeds', async (c) => {
    const { config } = c.get('deps');
    return c.html(feedsPage(config.SITE_NAME, await feedGroups(c.get('deps')), (s) => urlsOf(config, s)));
  });

  app.get('/feeds.opml', async (c) => {
    const deps = c.get('deps');
    c.header('Content-Type', 'text/x-opml; charset=utf-8');
    c.header('Cache-Control', `public, max-age=${deps.config.FEED_MAX_AGE}`);
    return c.body(feedsOpml(deps.config, await feedGroups(deps)));
  });
}
