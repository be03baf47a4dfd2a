/** Admin subscriber API: `/api/admin/subscribers` (list, search, export, erase), behind the admin token. */
import type { App } from '../app.js';
import { requireAdmin } from '../http/auth.js';
import {
  eraseSubscriber,
  getSubscriber,
  listSubscribers,
  subscriberFilterSchema,
  subscriberListSchema,
  subscriberToJson,
} from '../subscribers/admin.js';
import { exportSubscribersCsv } from '../subscribers/export.js';
import { parseOrThrow } from '../validation.js';

export function registerAdminSubscriberRoutes(app: App): void {
  // Also matches `/api/admin/subscribers` itself.
  app.use('/api/admin/subscribers/*', requireAdmin, async (c, next) => {
    c.header('Cache-Control', 'no-store'); // personal data: no cache keeps a copy
    await next();
  });

  app.get('/api/admin/subscribers', async (c) => {
    const page = await listSubscribers(c.get('deps'), parseOrThrow(subscriberListSchema, c.req.query()));
    return c.json({ items: page.items.map(subscriberToJson), nextCursor: page.nextCursor });
  });

  // Before `/:id`, which would take "export" for an id.
  app.get('/api/admin/subscribers/export', async (c) => {
    const deps = c.get('deps');
    const filter = parseOrThrow(subscriberFilterSchema, c.req.query());
    const day = deps.clock.now().toISOString().slice(0, 10);
    return c.body(exportSubscribersCsv(deps, filter), 200, {
      'Content-Type': 'text/csv; charset=utf-8',
      'Content-Disposition': `attachment; filename="subscribers-${day}.csv"`,
    });
  });

  app.get('/api/admin/subscribers/:id', async (c) => c.json(subscriberToJson(await getSubscriber(c.get('deps'), c.req.param('id')))));

  // Erasure: personal data goes, the row and its deliveries stay for the counts. Idempotent.
  app.delete('/api/admin/subscribers/:id', async (c) => {
    await eraseSubscriber(c.get('deps'), c.req.param('id'));
    return c.body(null, 204);
  });
}
