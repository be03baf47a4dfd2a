/**
 * The Nashra HTTP app. It imports nothing runtime-specific: each entry hands it a way to get
 * the `Deps` for a request (`node.ts` builds them once; `worker.ts` from the env bindings).
 */
import { Hono, type Context } from 'hono';
import type { Deps } from './deps.js';
import { renderError } from './http/errors.js';
import { registerAdminArticleRoutes } from './routes/admin-articles.js';
import { registerAdminStatsRoutes } from './routes/admin-stats.js';
import { registerFeedDirectoryRoutes } from './routes/feed-directory.js';
import { registerFeedStylesheetRoute } from './routes/feed-stylesheet.js';
import { registerFeedRoutes } from './routes/feeds.js';
import { registerHomeRoutes } from './routes/home.js';
import { registerSampleImageRoutes } from './routes/sample-images.js';
import { registerSubscriptionRoutes } from './routes/subscriptions.js';

export type AppEnv = { Variables: { deps: Deps }; Bindings: Record<string, unknown> };
export type App = Hono<AppEnv>;

export function createApp(getDeps: (c: Context<AppEnv>) => Deps | Promise<Deps>): App {
  const app = new Hono<AppEnv>();
  app.use('*', async (c, next) => {
    c.set('deps', await getDeps(c));
    await next();
  });
  app.onError((err, c) => renderError(c, err));
  app.notFound((c) => renderError(c, null));
  registerHomeRoutes(app);
  registerSampleImageRoutes(app);
  registerFeedStylesheetRoute(app);
  registerFeedRoutes(app);
  registerFeedDirectoryRoutes(app);
  registerSubscriptionRoutes(app);
  registerAdminArticleRoutes(app);
  registerAdminStatsRoutes(app);
  return app;
}
