/** Partner keys over HTTP on Node: who gets in, for how long, how often, and what is logged. */
import { sql } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Log } from '../../src/deps.js';
import { generateKey } from '../../src/partners/keys.js';
import { adminHeaders, createTestApp, createTestDeps, type TestDeps } from '../support/deps.js';
import { addArticle } from '../support/fixtures.js';

let deps: TestDeps;
let app: ReturnType<typeof createTestApp>;
beforeEach(async () => {
  deps = createTestDeps();
  app = createTestApp(deps);
  await addArticle(deps, { title: 'مقال للشركاء' });
});
afterEach(() => deps.close());

type Created = { partner: { id: string; slug: string }; key: { id: string; value: string } };

async function createPartner(body: Record<string, unknown> = {}): Promise<Created> {
  const res = await app.request('/api/admin/partners', { method: 'POST', headers: adminHeaders, body: JSON.stringify({ name: 'Partner', ...body }) });
  expect(res.status, await res.clone().text()).toBe(201);
  return (await res.json()) as Created;
}

const withKey = (key: string, headers: Record<string, string> = {}) => ({ headers: { authorization: `Bearer ${key}`, ...headers } });
const settle = () => Promise.all(deps.deferred);

async function expect401(res: Response) {
  expect(res.status).toBe(401);
  expect(res.headers.get('www-authenticate')).toMatch(/^Bearer/);
}

describe('partner keys over HTTP', () => {
  it('let a partner in by the Authorization header and refuse missing, malformed and unknown keys with 401', async () => {
    const { key } = await createPartner({ slug: 'alpha' });
    expect((await app.request('/partners/feed.rss', withKey(key.value))).status).toBe(200);
    expect((await app.request('/api/partner/v1/articles', withKey(key.value))).status).toBe(200);

    const typo = `${key.value.slice(0, 12)}${key.value[12] === 'A' ? 'B' : 'A'}${key.value.slice(13)}`;
    for (const path of ['/partners/feed.rss', '/partners/feed.atom', '/partners/feed.json', '/api/partner/v1/articles']) {
      await expect401(await app.request(path));
      await expect401(await app.request(path, withKey(typo)));
      await expect401(await app.request(path, withKey(generateKey()))); // well formed, never issued
      await expect401(await app.request(path, { headers: { authorization: `Basic ${btoa(`x:${key.value}`)}` } }));
    }
    const body = (await (await app.request('/api/partner/v1/articles', withKey(typo))).json()) as { error: { code: string; message: string } };
    expect(body.error).toMatchObject({ code: 'unauthorized', message: expect.stringMatching(/copied whole/) });
  });

  it('stop a revoked key at once, and leave the partner’s other keys working', async () => {
    const { partner, key } = await createPartner({ slug: 'alpha' });
    const rotated = await app.request(`/api/admin/partners/${partner.id}/keys/rotate`, { method: 'POST', headers: adminHeaders, body: '{}' });
    const second = ((await rotated.json()) as { key: { value: string } }).key.value;
    const del = await app.request(`/api/admin/partners/${partner.id}/keys/${key.id}`, { method: 'DELETE', headers: adminHeaders });
    expect(del.status).toBe(204);
    await expect401(await app.request('/partners/feed.json', withKey(key.value)));
    expect((await app.request('/partners/feed.json', withKey(second))).status).toBe(200);
  });

  it('keep the old key working through the rotation overlap, and not a moment after', async () => {
    const { partner, key } = await createPartner({ slug: 'alpha' });
    const until = new Date(deps.clock.now().getTime() + 3_600_000).toISOString();
    const res = await app.request(`/api/admin/partners/${partner.id}/keys/rotate`, { method: 'POST', headers: adminHeaders, body: JSON.stringify({ oldKeysValidUntil: until }) });
    expect(res.status).toBe(201);
    const fresh = ((await res.json()) as { key: { value: string } }).key.value;
    deps.clock.advance(3_600_000 - 1);
    expect((await app.request('/partners/feed.atom', withKey(key.value))).status).toBe(200);
    expect((await app.request('/partners/feed.atom', withKey(fresh))).status).toBe(200);
    deps.clock.advance(1);
    await expect401(await app.request('/partners/feed.atom', withKey(key.value)));
    expect((await app.request('/partners/feed.atom', withKey(fresh))).status).toBe(200);
    const view = (await (await app.request(`/api/admin/partners/${partner.id}`, { headers: adminHeaders })).json()) as { keys: { id: string; status: string; hint: string }[] };
    expect(view.keys.map((k) => [k.id === key.id ? 'old' : 'new', k.status])).toEqual([['new', 'active'], ['old', 'expired']]);
    expect(JSON.stringify(view)).not.toContain(key.value.slice(12));
  });

  it('accept the key in the path for readers without headers, with no Referer and no indexing', async () => {
    const { key } = await createPartner({ slug: 'alpha' });
    for (const format of ['rss', 'atom', 'json']) {
      const res = await app.request(`/partners/${key.value}/feed.${format}`);
      expect(res.status).toBe(200);
      expect(res.headers.get('referrer-policy')).toBe('no-referrer');
      expect(res.headers.get('x-robots-tag')).toBe('noindex');
      expect(res.headers.get('cache-control')).toMatch(/^private/);
      const text = await res.text();
      expect(text).toContain('مقال للشركاء');
      expect(text).not.toContain(key.value); // self links name the keyless address
    }
    await expect401(await app.request(`/partners/${generateKey()}/feed.rss`));
  });

  it('never write a key from a path into the log, even when the request fails inside', async () => {
    const { key } = await createPartner({ slug: 'alpha' });
    const lines: string[] = [];
    const capture = (level: string) => (msg: string, fields?: Record<string, unknown>) => void lines.push(JSON.stringify({ level, msg, ...fields }));
    deps.log = { debug: capture('debug'), info: capture('info'), warn: capture('warn'), error: capture('error') } satisfies Log;
    await app.request(`/partners/${key.value}/feed.rss`);
    deps.db.run(sql`alter table articles rename to articles_gone`); // every feed query now fails
    const res = await app.request(`/partners/${key.value}/feed.rss?x=1`);
    expect(res.status).toBe(500);
    expect(res.headers.get('referrer-policy')).toBe('no-referrer');
    await settle();
    expect(lines.some((l) => l.includes('unhandled error') && l.includes('/partners/feed.rss'))).toBe(true);
    expect(lines.join('\n')).not.toContain(key.value);
    expect(lines.join('\n')).not.toContain(key.value.slice(4, 36));
  });

  it('refuse a path key that is not shaped like a key with 401, never a 500 that would log it', async () => {
    const { key } = await createPartner({ slug: 'alpha' });
    const lines: string[] = [];
    const capture = (level: string) => (msg: string, fields?: Record<string, unknown>) => void lines.push(JSON.stringify({ level, msg, ...fields }));
    deps.log = { debug: capture('debug'), info: capture('info'), warn: capture('warn'), error: capture('error') } satisfies Log;
    for (const bad of [`${key.value}%E2%80%8B`, 'abc%0Adef', '%E2%80%A8', `${key.value}%0D%0AX-Evil:%201`]) {
      const res = await app.request(`/partners/${bad}/feed.rss`);
      expect(res.status, bad).toBe(401);
      expect(res.headers.get('referrer-policy'), bad).toBe('no-referrer');
    }
    await settle();
    expect(lines.join('\n')).not.toContain(key.value.slice(4, 36));
  });

  it('record a key’s last use at most once a minute', async () => {
    const { partner, key } = await createPartner({ slug: 'alpha' });
    const lastUsed = async () => ((await (await app.request(`/api/admin/partners/${partner.id}`, { headers: adminHeaders })).json()) as { keys: { lastUsedAt: string | null }[] }).keys[0]?.lastUsedAt;
    expect(await lastUsed()).toBeNull();
    const start = deps.clock.now().toISOString();
    await app.request('/partners/feed.rss', withKey(key.value));
    await settle();
    expect(await lastUsed()).toBe(start);
    deps.clock.advance(59_000);
    await app.request('/partners/feed.rss', withKey(key.value));
    await settle();
    expect(await lastUsed()).toBe(start);
    deps.clock.advance(1_000);
    await app.request('/partners/feed.rss', withKey(key.value));
    await settle();
    expect(await lastUsed()).toBe(deps.clock.now().toISOString());
  });
});

describe('partner rate limits', () => {
  it('answer 429 with Retry-After and a JSON error past the key’s budget, and leave other partners alone', async () => {
    const { key: limited } = await createPartner({ slug: 'alpha', rateLimitPerMinute: 3 });
    const { key: other } = await createPartner({ slug: 'beta', rateLimitPerMinute: 3 });
    deps.clock.set('2026-11-29T08:00:10Z');
    for (let i = 0; i < 3; i++) expect((await app.request('/api/partner/v1/articles', withKey(limited.value))).status).toBe(200);
    const refused = await app.request('/api/partner/v1/articles', withKey(limited.value));
    expect(refused.status).toBe(429);
    expect(refused.headers.get('retry-after')).toBe('50');
    expect(await refused.json()).toMatchObject({ error: { code: 'rate_limited', message: expect.any(String), retryAfter: 50 } });
    const feed = await app.request('/partners/feed.rss', withKey(limited.value));
    expect(feed.status).toBe(429);
    expect(feed.headers.get('retry-after')).toBe('50');
    expect((await app.request('/api/partner/v1/articles', withKey(other.value))).status).toBe(200);
    deps.clock.set('2026-11-29T08:01:00Z'); // the next minute
    expect((await app.request('/api/partner/v1/articles', withKey(limited.value))).status).toBe(200);
  });
});
