/** Partners for admins on Node: the admin API, usage and its CSV, CORS, the documents, the CLI. */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { runPartnerCli } from '../../src/partners/cli.js';
import { KEY_PATTERN } from '../../src/partners/keys.js';
import { adminHeaders, createTestApp, createTestDeps, type TestDeps } from '../support/deps.js';
import { addArticle } from '../support/fixtures.js';

let deps: TestDeps;
let app: ReturnType<typeof createTestApp>;
beforeEach(async () => {
  deps = createTestDeps({ now: '2026-11-29T08:00:00Z' });
  app = createTestApp(deps);
  await addArticle(deps, { title: 'مقال أول' });
  await addArticle(deps, { title: 'مقال ثان', publishedAt: '2026-11-29T07:00:00Z' });
  deps.clock.advance(5_000);
});
afterEach(() => {
  vi.restoreAllMocks();
  return deps.close();
});

const admin = (path: string, method = 'GET', body?: unknown) =>
  app.request(`/api/admin/partners${path}`, { method, headers: adminHeaders, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });

type Created = { partner: Record<string, unknown> & { id: string }; key: { id: string; value: string; hint: string; status: string } };

async function create(body: Record<string, unknown>): Promise<Created> {
  const res = await admin('', 'POST', body);
  expect(res.status, await res.clone().text()).toBe(201);
  return (await res.json()) as Created;
}

describe('admin partner API', () => {
  it('needs the admin token', async () => {
    expect((await app.request('/api/admin/partners')).status).toBe(401);
    expect((await app.request('/api/admin/partners', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' })).status).toBe(401);
  });

  it('creates a partner with defaults and shows its key once', async () => {
    const res = await admin('', 'POST', { name: 'Al Yaoum 24' });
    expect(res.status).toBe(201);
    expect(res.headers.get('cache-control')).toBe('no-store');
    const { partner, key } = (await res.json()) as Created;
    expect(res.headers.get('location')).toBe(`/api/admin/partners/${partner.id}`);
    expect(partner).toMatchObject({
      slug: 'al-yaoum-24',
      name: 'Al Yaoum 24',
      content: 'full',
      sections: [],
      embargoMinutes: 0,
      includeImages: true,
      attributionText: null,
      origins: [],
      rateLimitPerMinute: 60,
    });
    expect(key.value).toMatch(KEY_PATTERN);
    expect(key).toMatchObject({ status: 'active', hint: `${key.value.slice(0, 10)}…` });
    const shown = await (await admin(`/${partner.id}`)).text();
    const listed = await (await admin('')).text();
    for (const text of [shown, listed]) {
      expect(text).not.toContain(key.value);
      expect(text).toContain(key.hint);
    }
    expect(JSON.parse(await (await admin('/al-yaoum-24')).text())).toEqual(JSON.parse(shown));
  });

  it('refuses what it cannot keep: taken slugs, unknown sections, bad origins, Arabic names without a slug', async () => {
    await create({ name: 'One', slug: 'one' });
    expect((await admin('', 'POST', { name: 'Two', slug: 'one' })).status).toBe(409);
    const unknown = await admin('', 'POST', { name: 'Two', sections: ['opinion', 'nowhere'] });
    expect(unknown.status).toBe(400);
    expect(await unknown.json()).toMatchObject({ error: { message: expect.stringContaining('"nowhere"') } });
    expect((await admin('', 'POST', { name: 'Two', origins: ['https://a.example/path'] })).status).toBe(400);
    expect((await admin('', 'POST', { name: 'اليوم' })).status).toBe(400);
    expect((await admin('', 'POST', { name: 'اليوم', slug: 'alyaoum' })).status).toBe(201);
    expect((await admin('/one', 'PATCH', { slug: 'other' })).status).toBe(400);
    expect((await admin('/nobody', 'PATCH', { name: 'x' })).status).toBe(404);
    expect((await admin('/one/keys/NOKEY', 'DELETE')).status).toBe(404);
  });

  it('rotates with a default overlap of a day', async () => {
    const { partner, key } = await create({ name: 'One', slug: 'one' });
    const res = await admin(`/${partner.id}/keys/rotate`, 'POST');
    expect(res.status).toBe(201);
    const { key: fresh } = (await res.json()) as { key: { id: string; value: string } };
    expect(fresh.value).toMatch(KEY_PATTERN);
    const view = (await (await admin(`/${partner.id}`)).json()) as { keys: { id: string; status: string; expiresAt: string | null }[] };
    expect(view.keys.find((k) => k.id === key.id)).toMatchObject({ status: 'expiring', expiresAt: '2026-11-30T08:00:05.000Z' });
    expect(view.keys.find((k) => k.id === fresh.id)).toMatchObject({ status: 'active', expiresAt: null });
    expect((await admin(`/${partner.id}/keys/rotate`, 'POST', { oldKeysValidUntil: '2027-06-01T00:00:00Z' })).status).toBe(400);
  });
});

describe('partner usage', () => {
  it('counts requests, items and bytes per day, and exports them as CSV', async () => {
    const { partner, key } = await create({ name: 'One', slug: 'one' });
    const auth = { authorization: `Bearer ${key.value}` };
    const feed = await app.request('/partners/feed.json', { headers: auth });
    const feedBytes = (await feed.arrayBuffer()).byteLength;
    await app.request('/partners/feed.json', { headers: { ...auth, 'if-none-match': feed.headers.get('etag') as string } });
    const list = await app.request('/api/partner/v1/articles?limit=1', { headers: auth });
    const listBytes = (await list.arrayBuffer()).byteLength;
    await app.request('/api/partner/v1/articles/NOSUCHARTICLE', { headers: auth });
    await app.request('/partners/feed.json', { headers: { authorization: 'Bearer nsk_nope' } }); // not the partner's: not counted
    deps.clock.set('2026-11-30T10:00:00Z');
    await app.request('/partners/feed.rss', { headers: auth });
    await Promise.all(deps.deferred);

    const res = await admin(`/${partner.id}/usage?from=2026-11-28&to=2026-11-30`);
    expect(res.status).toBe(200);
    const report = (await res.json()) as { days: { day: string; requests: number; items: number; bytes: number }[]; totals: { requests: number } };
    expect(report.days[0]).toEqual({ day: '2026-11-28', requests: 0, items: 0, bytes: 0 });
    expect(report.days[1]).toEqual({ day: '2026-11-29', requests: 4, items: 3, bytes: feedBytes + listBytes });
    expect(report.days[2]).toMatchObject({ day: '2026-11-30', requests: 1, items: 2 });
    expect(report.totals.requests).toBe(5);

    const csv = await admin(`/${partner.id}/usage.csv?from=2026-11-29&to=2026-11-30`);
    expect(csv.headers.get('content-type')).toMatch(/^text\/csv/);
    expect(csv.headers.get('content-disposition')).toBe('attachment; filename="usage-one-2026-11-29-2026-11-30.csv"');
    expect(await csv.text()).toBe(`day,requests,items,bytes\r\n2026-11-29,4,3,${feedBytes + listBytes}\r\n2026-11-30,1,2,${report.days[2]?.bytes}\r\n`);

    const defaults = (await (await admin(`/${partner.id}/usage`)).json()) as { from: string; to: string; days: unknown[] };
    expect(defaults).toMatchObject({ from: '2026-11-01', to: '2026-11-30' });
    expect(defaults.days).toHaveLength(30);
    expect((await admin(`/${partner.id}/usage?from=2026-12-01&to=2026-11-30`)).status).toBe(400);
    expect((await admin(`/${partner.id}/usage?from=2024-01-01&to=2026-11-30`)).status).toBe(400);
    expect((await admin(`/${partner.id}/usage?from=yesterday`)).status).toBe(400);
  });
});

describe('partner CORS', () => {
  it('answers preflights for listed origins, and lets each partner’s origins alone read its answers', async () => {
    const { key } = await create({ name: 'One', slug: 'one', origins: ['https://One.Example'] });
    await create({ name: 'Two', slug: 'two', origins: ['https://two.example'] });
    const preflight = (origin: string, path = '/api/partner/v1/articles') =>
      app.request(path, { method: 'OPTIONS', headers: { origin, 'access-control-request-method': 'GET', 'access-control-request-headers': 'authorization' } });
    const ok = await preflight('https://one.example');
    expect(ok.status).toBe(204);
    expect(ok.headers.get('access-control-allow-origin')).toBe('https://one.example');
    expect(ok.headers.get('access-control-allow-headers')).toMatch(/Authorization/);
    expect((await preflight('https://one.example', '/partners/feed.json')).status).toBe(204);
    expect((await preflight('https://evil.example')).status).toBe(403);

    const call = (origin: string) => app.request('/api/partner/v1/articles', { headers: { origin, authorization: `Bearer ${key.value}` } });
    const own = await call('https://one.example');
    expect(own.headers.get('access-control-allow-origin')).toBe('https://one.example');
    expect(own.headers.get('access-control-expose-headers')).toMatch(/Retry-After/);
    expect(own.headers.get('vary')).toMatch(/Origin/);
    expect((await call('https://two.example')).headers.get('access-control-allow-origin')).toBeNull();
  });
});

describe('partner documents', () => {
  it('serves an OpenAPI 3.1 document with every path, generated from the schemas', async () => {
    const res = await app.request('/api/partner/openapi.json');
    expect(res.status).toBe(200);
    const doc = JSON.parse(await res.text()) as { openapi: string; paths: Record<string, unknown>; components: { schemas: Record<string, { properties?: Record<string, unknown> }> } };
    expect(doc.openapi).toBe('3.1.0');
    expect(Object.keys(doc.paths).sort()).toEqual(
      ['/api/partner/v1/articles', '/api/partner/v1/articles/{id}', ...['rss', 'atom', 'json'].flatMap((f) => [`/partners/feed.${f}`, `/partners/{key}/feed.${f}`])].sort(),
    );
    expect(Object.keys(doc.components.schemas).sort()).toEqual(['Article', 'ArticlePage', 'Error', 'Tombstone']);
    expect(Object.keys(doc.components.schemas.Article?.properties ?? {})).toContain('canonicalUrl');
    const refs = [...JSON.stringify(doc).matchAll(/"\$ref":"#\/components\/schemas\/(\w+)"/g)].map((m) => m[1] as string);
    expect(refs.length).toBeGreaterThan(3);
    for (const ref of refs) expect(doc.components.schemas, ref).toHaveProperty(ref);
  });

  it('serves the guide as an Arabic right-to-left page', async () => {
    const res = await app.request('/partners/docs');
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain('<html lang="ar" dir="rtl">');
    expect(html).toContain('دليل الشركاء');
    expect(html).toContain('/api/partner/openapi.json');
    expect(html).toContain('https://nashra.test/partners/feed.rss');
  });
});

describe('nashra partner (command line)', () => {
  const runtime = () => ({ deps, close: async () => {} });

  it('creates a partner and prints a key that works', async () => {
    const out: string[] = [];
    vi.spyOn(console, 'log').mockImplementation((...a: unknown[]) => void out.push(a.join(' ')));
    const code = await runPartnerCli(['create', 'Al Akhbar', '--sections', 'opinion', '--summary-only', '--embargo', '15', '--no-images', '--origins', 'https://akhbar.example'], runtime);
    expect(code).toBe(0);
    const key = /nsk_\S+/.exec(out.join('\n'))?.[0] as string;
    expect(key).toMatch(KEY_PATTERN);
    const view = (await (await admin('/al-akhbar')).json()) as Record<string, unknown>;
    expect(view).toMatchObject({ content: 'summary', sections: ['opinion'], embargoMinutes: 15, includeImages: false, origins: ['https://akhbar.example'] });
    expect((await app.request('/partners/feed.rss', { headers: { authorization: `Bearer ${key}` } })).status).toBe(200);

    out.length = 0;
    expect(await runPartnerCli(['list'], runtime)).toBe(0);
    expect(out.join('\n')).toContain('al-akhbar');
    expect(out.join('\n')).not.toContain(key);
    out.length = 0;
    expect(await runPartnerCli(['rotate', 'al-akhbar', '--overlap-hours', '0'], runtime)).toBe(0);
    expect((await app.request('/partners/feed.rss', { headers: { authorization: `Bearer ${key}` } })).status).toBe(401);
    const fresh = /nsk_\S+/.exec(out.join('\n'))?.[0] as string;
    expect((await app.request('/partners/feed.rss', { headers: { authorization: `Bearer ${fresh}` } })).status).toBe(200);
  });

  it('explains wrong arguments (2) and refusals (1) without opening anything it need not', async () => {
    const errors: string[] = [];
    vi.spyOn(console, 'error').mockImplementation((...a: unknown[]) => void errors.push(a.join(' ')));
    const open = vi.fn(runtime);
    expect(await runPartnerCli([], open)).toBe(2);
    expect(await runPartnerCli(['create'], open)).toBe(2);
    expect(await runPartnerCli(['create', 'X', '--embargo', 'soon'], open)).toBe(2);
    expect(await runPartnerCli(['create', 'X', '--bogus'], open)).toBe(2);
    expect(open).not.toHaveBeenCalled();
    expect(errors.join('\n')).toContain('partner create <name>');
    expect(await runPartnerCli(['create', 'X', '--sections', 'nowhere'], open)).toBe(1);
    expect(errors.join('\n')).toContain('No section with slug "nowhere"');
  });
});
