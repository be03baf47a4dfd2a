/**
 * Admin statistics: `/api/admin/stats/*`. The admin token is checked by the `/api/admin/*`
 * middleware that `registerAdminArticleRoutes` installs, so register these routes after it.
 */
import { z } from 'zod';
import type { App } from '../app.js';
import { feedStats } from '../feeds/analytics.js';
import { parseOrThrow } from '../validation.js';

const feedStatsQuery = z.object({
  days: z.coerce.number().int().min(1).max(90).default(7),
});

export function registerAdminStatsRoutes(app: App): void {
  app.get('/api/admin/stats/feeds', async (c) => {
    const q = parseOrThrow(feedStatsQuery, c.req.query());
    return c.json(await feedStats(c.get('deps'), q));
  });
}
