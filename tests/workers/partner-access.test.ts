/**
 * Partner keys, rate limits, usage and documents inside workerd, against D1: the same rules as
 * on Node, with the platform's clock and background work (waitUntil).
 */
import { env } from 'cloudflare:workers';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { admin, call, createArticle } from './support/api.js';

type Created = { partner: { id: string; slug: string }; key: { id: string; value: string } };

async function createPartner(body: Record<string, unknown>): Promise<Created> {
  const res = await admin('/api/admin/partners', 'POST', { name: 'Partner', ...body });
  if (res.status !== 201) throw new Error(`create partner: ${res.status} ${await res.text()}`);
  return res.json<Created>();
}

const bearer = (key: string, headers: Record<string, string> = {}) => ({ headers: { authorization: `Bearer ${key}`, ...headers } });

async function expect401(res: Response) {
  expect(res.status).toBe(401);
  expect(res.headers.get('www-authenticate')).toMatch(/^Bearer/);
}

/** Waits out the end of the clock's minute when it is close, so a per-minute budget is not reset mid-test. */
async function awayFromMinuteEnd(): Promise<void> {
  const left = 60_000 - (Date.now() % 60_000);
  if (left < 8_000) await scheduler.wait(left + 50);
}

afterEach(() => vi.restoreAllMocks());

describe('partner keys in workerd', () => {
  it('refuse missing, malformed, unknown and revoked keys with 401; the other key of the partner still works', async () => {
    await createArticle({ title: 'مقال للشركاء' });
    const { partner, key } = await createPartner({ slug: 'alpha' });
    for (const path of ['/partners/feed.rss', '/partners/feed.atom', '/partners/feed.json', '/api/partner/v1/articles']) {
      expect((await call(path, bearer(key.value))).status).toBe(200);
      await expect401(await call(path));
      await expect401(await call(path, bearer(`${key.value.slice(0, -1)}${key.value.endsWith('A') ? 'B' : 'A'}`)));
      await expect401(await call(path, bearer('nsk_0123456789abcdefghijABCDEFGHIJ01_000000')));
    }
    const rotated = await admin(`/api/admin/partners/${partner.id}/keys/rotate`, 'POST', { oldKeysValidUntil: new Date(Date.now() + 3_600_000).toISOString() });
    const fresh = (await rotated.json<{ key: { value: string } }>()).key.value;
    expect((await admin(`/api/admin/partners/${partner.id}/keys/${key.id}`, 'DELETE')).status).toBe(204);
    await expect401(await call('/partners/feed.json', bearer(key.value)));
    expect((await call('/partners/feed.json', bearer(fresh))).status).toBe(200);
  });

  it('keep an old key working through the rotation overlap, and not after it', async () => {
    const { partner, key } = await createPartner({ slug: 'alpha' });
    const until = Date.now() + 1_500;
    const rotated = await admin(`/api/admin/partners/${partner.id}/keys/rotate`, 'POST', { oldKeysValidUntil: new Date(until).toISOString() });
    expect(rotated.status).toBe(201);
    const fresh = (await rotated.json<{ key: { value: string } }>()).key.value;
    expect((await call('/api/partner/v1/articles', bearer(key.value))).status).toBe(200);
    await scheduler.wait(until - Date.now() + 50);
    await expect401(await call('/api/partner/v1/articles', bearer(key.value)));
    expect((await call('/api/partner/v1/articles', bearer(fresh))).status).toBe(200);
  });

  it('take the key in the path, answer with no-referrer, and never log that path', async () => {
    await createArticle({ title: 'مقال للشركاء' });
    const { key } = await createPartner({ slug: 'alpha' });
    const lines: string[] = [];
    for (const method of ['log', 'info', 'warn', 'error', 'debug'] as const) {
      vi.spyOn(console, method).mockImplementation((...args: unknown[]) => void lines.push(args.map(String).join(' ')));
    }
    const ok = await call(`/partners/${key.value}/feed.atom`);
    expect(ok.status).toBe(200);
    expect(ok.headers.get('referrer-policy')).toBe('no-referrer');
    expect(await ok.text()).not.toContain(key.value);
    await env.DB.exec('ALTER TABLE articles RENAME TO articles_gone'); // every feed query now fails
    const failed = await call(`/partners/${key.value}/feed.rss`);
    expect(failed.status).toBe(500);
    expect(lines.some((l) => l.includes('unhandled error') && l.includes('/partners/feed.rss'))).toBe(true);
    expect(lines.join('\n')).not.toContain(key.value.slice(4, 36));
  });
});

describe('partner limits and usage in workerd', () => {
  it('answer 429 with Retry-After past a key’s budget, and leave another partner alone', async () => {
    const limited = await createPartner({ slug: 'alpha', rateLimitPerMinute: 2 });
    const other = await createPartner({ slug: 'beta', rateLimitPerMinute: 2 });
    await awayFromMinuteEnd();
    expect((await call('/api/partner/v1/articles', bearer(limited.key.value))).status).toBe(200);
    expect((await call('/partners/feed.rss', bearer(limited.key.value))).status).toBe(200);
    const refused = await call('/api/partner/v1/articles', bearer(limited.key.value));
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(await refused.json()).toMatchObject({ error: { code: 'rate_limited', message: expect.any(String) } });
    expect((await call('/api/partner/v1/articles', bearer(other.key.value))).status).toBe(200);
  });

  it('count requests, items and bytes per day, as JSON and CSV', async () => {
    await createArticle({ title: 'أول' });
    await createArticle({ title: 'ثان' });
    const { partner, key } = await createPartner({ slug: 'alpha' });
    const feed = await call('/partners/feed.json', bearer(key.value));
    const bytes = (await feed.arrayBuffer()).byteLength;
    const again = await call('/partners/feed.json', bearer(key.value, { 'if-none-match': feed.headers.get('etag') as string }));
    expect(again.status).toBe(304);
    const today = new Date().toISOString().slice(0, 10);
    const report = await (await admin(`/api/admin/partners/${partner.id}/usage?from=${today}&to=${today}`)).json<{ days: unknown[] }>();
    expect(report.days).toEqual([{ day: today, requests: 2, items: 2, bytes }]);
    const csv = await admin(`/api/admin/partners/${partner.id}/usage.csv?from=${today}&to=${today}`);
    expect(await csv.text()).toBe(`day,requests,items,bytes\r\n${today},2,2,${bytes}\r\n`);
    const view = await (await admin(`/api/admin/partners/${partner.id}`)).json<{ keys: { lastUsedAt: string | null }[] }>();
    expect(view.keys[0]?.lastUsedAt).not.toBeNull();
  });

  it('serve the OpenAPI document and the guide', async () => {
    const doc = await (await call('/api/partner/openapi.json')).json<{ openapi: string; paths: Record<string, unknown> }>();
    expect(doc.openapi).toBe('3.1.0');
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/api/partner/v1/articles', '/api/partner/v1/articles/{id}', '/partners/feed.rss', '/partners/{key}/feed.json']));
    const guide = await call('/partners/docs');
    expect(guide.status).toBe(200);
    expect(await guide.text()).toContain('dir="rtl"');
  });
});
