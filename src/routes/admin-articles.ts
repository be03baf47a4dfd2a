/** Admin article API: `/api/admin/articles`, behind the admin token. */
import { z } from 'zod';
import type { App } from '../app.js';
import { articleInputSchema } from '../articles/input.js';
import { articleToJson, createArticle, deleteArticle, getArticle, listArticles, updateArticle } from '../articles/service.js';
import { requireAdmin } from '../http/auth.js';
import { limitBody, readJson } from '../http/body.js';
import { parseOrThrow } from '../validation.js';

const listQuery = z.object({
  limit: z.coerce.number().int().min(1).max(100).default(20),
  cursor: z.string().max(200).optional(),
  status: z.enum(['draft', 'published']).optional(),
});

export function registerAdminArticleRoutes(app: App): void {
  app.use('/api/admin/*', requireAdmin, limitBody);

  app.post('/api/admin/articles', async (c) => {
    const input = parseOrThrow(articleInputSchema, await readJson(c));
    const article = await createArticle(c.get('deps'), input);
    c.header('Location', `/api/admin/articles/${article.id}`);
    return c.json(articleToJson(article), 201);
  });

  app.get('/api/admin/articles', async (c) => {
    const q = parseOrThrow(listQuery, c.req.query());
    const page = await listArticles(c.get('deps'), q);
    return c.json({ items: page.items.map(articleToJson), nextCursor: page.nextCursor });
  });

  app.get('/api/admin/articles/:id', async (c) => c.json(articleToJson(await getArticle(c.get('deps'), c.req.param('id')))));

  app.put('/api/admin/articles/:id', async (c) => {
    const input = parseOrThrow(articleInputSchema, await readJson(c));
    return c.json(articleToJson(await updateArticle(c.get('deps'), c.req.param('id'), input)));
  });

  app.delete('/api/admin/articles/:id', async (c) => {
    await deleteArticle(c.get('deps'), c.req.param('id'));
    return c.body(null, 204);
  });
}
