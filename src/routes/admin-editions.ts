/** Admin: digest editions (list, counts, preview, test send, pause, resume, cancel, review). */
import type { App } from '../app.js';
import {
  cancelEdition,
  editionArticlesSchema,
  editionListSchema,
  getEdition,
  listEditions,
  pauseEdition,
  reorderEditionArticles,
  resumeEdition,
} from '../digests/admin.js';
import { editionDetailToJson, editionToJson } from '../digests/edition-json.js';
import { previewEdition, sendTestEdition, testSendSchema } from '../digests/edition-preview.js';
import { requireAdmin } from '../http/auth.js';
import { readJson } from '../http/body.js';
import { parseOrThrow } from '../validation.js';

/** The preview shows only what the digest template holds: no script, nothing fetched but its images. */
const PREVIEW_CSP = "default-src 'none'; img-src https: http: data:; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'";

export function registerAdminEditionRoutes(app: App): void {
  // Also matches `/api/admin/editions` itself. The shared `/api/admin/*` guard (admin-articles.ts)
  // limits bodies too; the token is checked here again so these routes never depend on its order.
  app.use('/api/admin/editions/*', requireAdmin, async (c, next) => {
    c.header('Cache-Control', 'no-store');
    await next();
  });

  app.get('/api/admin/editions', async (c) => {
    const page = await listEditions(c.get('deps'), parseOrThrow(editionListSchema, c.req.query()));
    return c.json({ items: page.items.map(editionToJson), nextCursor: page.nextCursor });
  });

  app.get('/api/admin/editions/:id', async (c) => c.json(editionDetailToJson(await getEdition(c.get('deps'), c.req.param('id')))));

  app.get('/api/admin/editions/:id/preview.html', async (c) => {
    const { html } = await previewEdition(c.get('deps'), c.req.param('id'));
    return c.body(html, 200, { 'Content-Type': 'text/html; charset=utf-8', 'Content-Security-Policy': PREVIEW_CSP });
  });

  app.get('/api/admin/editions/:id/preview.txt', async (c) => {
    const { text } = await previewEdition(c.get('deps'), c.req.param('id'));
    return c.body(text, 200, { 'Content-Type': 'text/plain; charset=utf-8' });
  });

  app.post('/api/admin/editions/:id/test', async (c) => {
    const { email } = parseOrThrow(testSendSchema, await readJson(c));
    return c.json(await sendTestEdition(c.get('deps'), c.req.param('id'), email));
  });

  app.post('/api/admin/editions/:id/pause', async (c) => c.json(editionDetailToJson(await pauseEdition(c.get('deps'), c.req.param('id')))));
  app.post('/api/admin/editions/:id/resume', async (c) => c.json(editionDetailToJson(await resumeEdition(c.get('deps'), c.req.param('id')))));
  app.post('/api/admin/editions/:id/cancel', async (c) => c.json(editionDetailToJson(await cancelEdition(c.get('deps'), c.req.param('id')))));

  app.put('/api/admin/editions/:id/articles', async (c) => {
    const { articleIds } = parseOrThrow(editionArticlesSchema, await readJson(c));
    return c.json(editionDetailToJson(await reorderEditionArticles(c.get('deps'), c.req.param('id'), articleIds)));
  });
}
