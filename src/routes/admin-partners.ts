/**
 * Admin: partners, their keys, terms and usage, under `/api/admin/partners` (behind the admin
 * token, like every `/api/admin/*` route). A key is in the answer of the request that makes
 * it, and never again.
 */
import type { Context } from 'hono';
import { z } from 'zod';
import type { App, AppEnv } from '../app.js';
import { readJson } from '../http/body.js';
import { keyRotationSchema, partnerCreateSchema, partnerUpdateSchema } from '../partners/schemas.js';
import { createPartner, getPartnerView, listPartners, revokePartnerKey, rotatePartnerKey, updatePartner } from '../partners/service.js';
import { partnerUsageReport, usageCsv } from '../partners/usage.js';
import { parseOrThrow } from '../validation.js';

const BASE = '/api/admin/partners';

const usageQuery = z.object({ from: z.iso.date().optional(), to: z.iso.date().optional() });

/** A JSON body, or `{}` when the body is empty (every field of it is optional). */
async function optionalJson(c: Context<AppEnv>): Promise<unknown> {
  // Hono keeps the text it read, so readJson can read it again.
  return (await c.req.text()).trim() === '' ? {} : readJson(c);
}

export function registerAdminPartnerRoutes(app: App): void {
  app.post(BASE, async (c) => {
    const created = await createPartner(c.get('deps'), parseOrThrow(partnerCreateSchema, await readJson(c)));
    c.header('Location', `${BASE}/${created.partner.id}`);
    c.header('Cache-Control', 'no-store'); // the answer holds the key
    return c.json(created, 201);
  });

  app.get(BASE, async (c) => c.json({ items: await listPartners(c.get('deps')) }));

  app.get(`${BASE}/:id`, async (c) => c.json(await getPartnerView(c.get('deps'), c.req.param('id'))));

  app.patch(`${BASE}/:id`, async (c) => {
    const input = parseOrThrow(partnerUpdateSchema, await readJson(c));
    return c.json(await updatePartner(c.get('deps'), c.req.param('id'), input));
  });

  app.post(`${BASE}/:id/keys/rotate`, async (c) => {
    const { oldKeysValidUntil } = parseOrThrow(keyRotationSchema, await optionalJson(c));
    const key = await rotatePartnerKey(c.get('deps'), c.req.param('id'), oldKeysValidUntil ? new Date(oldKeysValidUntil) : undefined);
    c.header('Cache-Control', 'no-store');
    return c.json({ key }, 201);
  });

  app.delete(`${BASE}/:id/keys/:keyId`, async (c) => {
    await revokePartnerKey(c.get('deps'), c.req.param('id'), c.req.param('keyId'));
    return c.body(null, 204);
  });

  app.get(`${BASE}/:id/usage`, async (c) => c.json(await partnerUsageReport(c.get('deps'), c.req.param('id'), parseOrThrow(usageQuery, c.req.query()))));

  app.get(`${BASE}/:id/usage.csv`, async (c) => {
    const report = await partnerUsageReport(c.get('deps'), c.req.param('id'), parseOrThrow(usageQuery, c.req.query()));
    c.header('Content-Type', 'text/csv; charset=utf-8; header=present');
    c.header('Content-Disposition', `attachment; filename="usage-${report.partner.slug}-${report.from}-${report.to}.csv"`);
    return c.body(usageCsv(report));
  });
}
