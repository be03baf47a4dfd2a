/**
 * Admin: the suppression list, behind the admin token.
 * - `GET /api/admin/suppressions` lists entries, newest first, a page at a time (`limit`,
 *   `cursor`); the list keeps no addresses, so rows show reason, source, detail and date.
 *   `?email=` checks one address instead.
 * - `POST /api/admin/suppressions` `{ email, detail? }` adds an address by hand (201; 200 when
 *   it was on the list already, whose first entry stands).
 * - `DELETE /api/admin/suppressions?email=` lifts it (204; 404 when it was not suppressed).
 *   The reader is not subscribed again by this.
 */
import { z } from 'zod';
import type { App } from '../app.js';
import { AppError } from '../errors.js';
import { requireAdmin } from '../http/auth.js';
import { limitBody, readJson } from '../http/body.js';
import type { SuppressionRow } from '../storage/schema.js';
import { liftSuppression, listSuppressions, suppressAddress, suppressionFor } from '../subscribers/suppression.js';
import { parseOrThrow } from '../validation.js';

const PATH = '/api/admin/suppressions';

const listQuery = z.object({
  limit: z.coerce.number().int().min(1).max(100).default(50),
  cursor: z.string().max(200).optional(),
  email: z.string().min(3).max(320).optional(),
});

const emailQuery = z.object({ email: z.string().min(3).max(320) });

const addBody = z.object({
  email: z.string().min(3).max(320),
  detail: z.string().max(500).optional(),
});

/** An entry as the admin API shows it. */
function entryToJson(row: SuppressionRow) {
  return { addressKey: row.addressKey, reason: row.reason, source: row.source, detail: row.detail, createdAt: row.createdAt.toISOString() };
}

export function registerAdminSuppressionRoutes(app: App): void {
  app.use(PATH, requireAdmin, limitBody);

  app.get(PATH, async (c) => {
    const deps = c.get('deps');
    const q = parseOrThrow(listQuery, c.req.query());
    if (q.email !== undefined) {
      const entry = await suppressionFor(deps, q.email);
      return c.json({ email: q.email, suppressed: entry !== undefined, entry: entry ? entryToJson(entry) : null });
    }
    const page = await listSuppressions(deps, { limit: q.limit, cursor: q.cursor });
    return c.json({ items: page.items.map(entryToJson), nextCursor: page.nextCursor });
  });

  app.post(PATH, async (c) => {
    const input = parseOrThrow(addBody, await readJson(c));
    const { entry, created } = await suppressAddress(c.get('deps'), input.email, { reason: 'manual', source: 'admin', detail: input.detail });
    return c.json(entryToJson(entry), created ? 201 : 200);
  });

  app.delete(PATH, async (c) => {
    const { email } = parseOrThrow(emailQuery, c.req.query());
    if (!(await liftSuppression(c.get('deps'), email))) throw new AppError('not_found', 'That address is not on the suppression list');
    return c.body(null, 204);
  });
}
