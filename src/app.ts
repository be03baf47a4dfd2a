/**
 * The Nashra HTTP app. It imports nothing runtime-specific: each entry hands it a way to get
 * the `Deps` for a request (`node.ts` builds them once; `worker.ts` from the env bindings).
 */
import { Hono, type Context } from 'hono';
import type { Deps } from './deps.js';
import { renderError } from './http/errors.js';
import { registerTokenGuards } from './http/rate-limit.js';
import { registerAdminArticleRoutes } from './routes/admin-articles.js';
import { registerAdminEditionRoutes } from './routes/admin-editions.js';
import { registerAdminPartnerRoutes } from './routes/admin-partners.js';
import { registerAdminStatsRoutes } from './routes/admin-stats.js';
import { registerAdminSubscriberRoutes } from './routes/admin-subscribers.js';
import { registerAdminSuppressionRoutes } from './routes/admin-suppressions.js';
import { registerSubscriberApiRoutes } from './routes/api-subscribers.js';
import { registerFeedDirectoryRoutes } from './routes/feed-directory.js';
import { registerFeedStylesheetRoute } from './routes/feed-stylesheet.js';
import { registerFeedRoutes } from './routes/feeds.js';
import { registerHomeRoutes } from './routes/home.js';
import { registerNewsletterRoutes } from './routes/newsletter.js';
import { registerPartnerRoutes } from './routes/partners.js';
import { registerSampleImageRoutes } from './routes/sample-images.js';
import { registerSubscriptionRoutes } from './routes/subscriptions.js';
import { registerWebhookRoutes } from './routes/webhooks.js';

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
  registerPartnerRoutes(app);
  registerNewsletterRoutes(app);
  // Before the routes they guard: Hono runs middleware in the order it was registered.
  registerTokenGuards(app);
  registerSubscriptionRoutes(app);
  registerSubscriberApiRoutes(app);
  registerWebhookRoutes(app);
  registerAdminArticleRoutes(app);
  registerAdminStatsRoutes(app);
  registerAdminSubscriberRoutes(app);
  registerAdminSuppressionRoutes(app);
  registerAdminPartnerRoutes(app);
  registerAdminEditionRoutes(app);
  return app;
}
