/** The partner change stream on Node: complete pages under concurrent writes, tombstones, cursors. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { articlePageSchema, type ArticlePageJson } from '../../src/partners/schemas.js';
import { adminHeaders, articleBody, createTestApp, createTestDeps, type TestDeps } from '../support/deps.js';
import { addArticle } from '../support/fixtures.js';

let deps: TestDeps;
let app: ReturnType<typeof createTestApp>;
beforeEach(() => {
  deps = createTestDeps({ now: '2026-11-29T08:00:00Z' });
  app = createTestApp(deps);
});
afterEach(() => deps.close());

async function partnerKey(body: Record<string, unknown>): Promise<string> {
  const res = await app.request('/api/admin/partners', { method: 'POST', headers: adminHeaders, body: JSON.stringify(body) });
  expect(res.status, await res.clone().text()).toBe(201);
  return ((await res.json()) as { key: { value: string } }).key.value;
}

async function pull(key: string, query: string): Promise<ArticlePageJson> {
  const res = await app.request(`/api/partner/v1/articles?${query}`, { headers: { authorization: `Bearer ${key}` } });
  expect(res.status, await res.clone().text()).toBe(200);
  return articlePageSchema.parse(await res.json());
}

/** Pulls pages from `cursor` until no more are ready; returns the entries and where to resume. */
async function drain(key: string, cursor: string | null, limit: number) {
  const entries: ArticlePageJson['items'] = [];
  for (;;) {
    const page = await pull(key, `limit=${limit}${cursor ? `&cursor=${cursor}` : ''}`);
    entries.push(...page.items);
    cursor = page.nextCursor ?? cursor;
    if (!page.hasMore) return { entries, cursor };
  }
}

const at = (iso: string) => deps.clock.set(iso);

describe('partner change stream', () => {
  it('misses nothing and repeats nothing while articles are published between page requests', async () => {
    const key = await partnerKey({ name: 'Sync Co', slug: 'sync', rateLimitPerMinute: 10_000 });
    const published: string[] = [];
    // Three at the very same millisecond: the id breaks the tie, across page boundaries too.
    for (let i = 0; i < 3; i++) published.push((await addArticle(deps, { title: `أول ${i}` })).id);
    deps.clock.advance(1_000);
    for (let i = 0; i < 4; i++) {
      published.push((await addArticle(deps, { title: `ثان ${i}` })).id);
      deps.clock.advance(300);
    }
    deps.clock.advance(3_000);

    const seen: string[] = [];
    let cursor: string | null = null;
    for (let round = 0; round < 8; round++) {
      // Committed half a second before the request: newer than any safe cursor may reach.
      deps.clock.advance(500);
      published.push((await addArticle(deps, { title: `جديد ${round}` })).id);
      deps.clock.advance(500);
      const requestTime = deps.clock.now().getTime();
      const page = await pull(key, `limit=4${cursor ? `&cursor=${cursor}` : ''}`); // catches up after a few rounds
      seen.push(...page.items.map((i) => i.id));
      cursor = page.nextCursor ?? cursor;
      // A write that took its time before the request and committed after it.
      at(new Date(requestTime - 1_000).toISOString());
      published.push((await addArticle(deps, { title: `متأخر ${round}` })).id);
      at(new Date(requestTime + 300).toISOString());
    }
    deps.clock.advance(3_000);
    const rest = await drain(key, cursor, 3);
    seen.push(...rest.entries.map((i) => i.id));

    expect(seen.length).toBe(new Set(seen).size);
    expect([...seen].sort()).toEqual([...published].sort());
    const later = await pull(key, `cursor=${rest.cursor}`);
    expect(later).toEqual({ items: [], nextCursor: rest.cursor, hasMore: false });
  });

  it('brings edits again, and tombstones for articles deleted, unpublished, moved out or rescheduled', async () => {
    const opinionKey = await partnerKey({ name: 'Opinion Co', slug: 'opinion-co', sections: [] });
    const a = await addArticle(deps, { title: 'سيحذف' });
    const b = await addArticle(deps, { title: 'سيسحب' });
    const c = await addArticle(deps, { title: 'خبر سيحذف', section: { name: 'أخبار', slug: 'news' } });
    const d = await addArticle(deps, { title: 'سينقل' });
    const e = await addArticle(deps, { title: 'سيؤجل' });
    const f = await addArticle(deps, { title: 'سيعدل' });
    const sectionKey = await partnerKey({ name: 'Only Opinion', slug: 'only-opinion', sections: ['opinion'] });
    const allKey = opinionKey;
    deps.clock.advance(3_000);
    const first = { only: await drain(sectionKey, null, 100), all: await drain(allKey, null, 100) };
    expect(first.only.entries.map((i) => i.id)).toEqual([a.id, b.id, d.id, e.id, f.id]);
    expect(first.all.entries.map((i) => i.id)).toEqual([a.id, b.id, c.id, d.id, e.id, f.id]);

    const put = (id: string, body: Record<string, unknown>) => app.request(`/api/admin/articles/${id}`, { method: 'PUT', headers: adminHeaders, body: JSON.stringify(articleBody(body)) });
    deps.clock.advance(1_000);
    expect((await app.request(`/api/admin/articles/${a.id}`, { method: 'DELETE', headers: adminHeaders })).status).toBe(204);
    expect((await put(b.id, { title: 'سيسحب', status: 'draft', publishedAt: undefined })).status).toBe(200);
    expect((await app.request(`/api/admin/articles/${c.id}`, { method: 'DELETE', headers: adminHeaders })).status).toBe(204);
    expect((await put(d.id, { title: 'سينقل', section: { name: 'أخبار', slug: 'news' } })).status).toBe(200);
    expect((await put(e.id, { title: 'سيؤجل', publishedAt: '2026-12-01T00:00:00Z' })).status).toBe(200);
    expect((await put(f.id, { title: 'عدل' })).status).toBe(200);
    const changedAt = deps.clock.now().toISOString();
    deps.clock.advance(3_000);

    const only = await drain(sectionKey, first.only.cursor, 2);
    expect(only.entries).toEqual([
      { id: a.id, deleted: true, deletedAt: changedAt },
      { id: b.id, deleted: true, deletedAt: changedAt },
      { id: d.id, deleted: true, deletedAt: changedAt },
      { id: e.id, deleted: true, deletedAt: changedAt },
      expect.objectContaining({ id: f.id, deleted: false, title: 'عدل', changedAt }),
    ]);
    const all = await drain(allKey, first.all.cursor, 100);
    expect(all.entries.map((i) => [i.id, i.deleted])).toEqual([
      [a.id, true],
      [b.id, true],
      [c.id, true],
      [d.id, false], // moved to a section this partner takes: an edit, not a removal
      [e.id, true],
      [f.id, false],
    ]);

    // Published again: the article comes back after its tombstone.
    deps.clock.advance(1_000);
    expect((await put(b.id, { title: 'عاد' })).status).toBe(200);
    deps.clock.advance(3_000);
    const back = await drain(sectionKey, only.cursor, 100);
    expect(back.entries).toEqual([expect.objectContaining({ id: b.id, deleted: false, title: 'عاد' })]);
    // From the start, each article is in the stream once, in its latest state.
    const fresh = await drain(sectionKey, null, 100);
    expect(fresh.entries.map((i) => [i.id, i.deleted])).toEqual([
      [a.id, true],
      [d.id, true],
      [e.id, true],
      [f.id, false],
      [b.id, false],
    ]);
  });

  it('refuses, with 410, a cursor from before a change of terms; other changes keep it', async () => {
    const key = await partnerKey({ name: 'Terms Co', slug: 'terms', embargoMinutes: 60 });
    await addArticle(deps, { title: 'قبل ساعتين', publishedAt: '2026-11-29T06:00:00Z' });
    await addArticle(deps, { title: 'قبل نصف ساعة', publishedAt: '2026-11-29T07:30:00Z' });
    deps.clock.advance(5_000);
    const { entries, cursor } = await drain(key, null, 10);
    expect(entries.map((e) => e.deleted || e.title)).toEqual(['قبل ساعتين']);
    expect((await app.request('/api/admin/partners/terms', { method: 'PATCH', headers: adminHeaders, body: JSON.stringify({ name: 'Terms & Co', rateLimitPerMinute: 100 }) })).status).toBe(200);
    expect((await pull(key, `cursor=${cursor}`)).items).toEqual([]);
    // A shorter embargo puts the article before the cursor: the cursor no longer marks a place.
    expect((await app.request('/api/admin/partners/terms', { method: 'PATCH', headers: adminHeaders, body: JSON.stringify({ embargoMinutes: 15 }) })).status).toBe(200);
    const stale = await app.request(`/api/partner/v1/articles?cursor=${cursor}`, { headers: { authorization: `Bearer ${key}` } });
    expect(stale.status).toBe(410);
    expect(await stale.json()).toMatchObject({ error: { code: 'gone', message: expect.stringContaining('from the start') } });
    expect((await drain(key, null, 10)).entries.map((e) => e.deleted || e.title)).toEqual(['قبل ساعتين', 'قبل نصف ساعة']);
  });

  it('starts from `since` (inclusive), refuses a cursor it did not issue, and answers 304 to a known ETag', async () => {
    const key = await partnerKey({ name: 'Since Co', slug: 'since' });
    await addArticle(deps, { title: 'قديم' });
    at('2026-11-29T09:00:00Z');
    const newer = await addArticle(deps, { title: 'أحدث' });
    at('2026-11-29T09:10:00Z');
    const page = await pull(key, 'since=2026-11-29T09:00:00Z');
    expect(page.items.map((i) => i.id)).toEqual([newer.id]);
    expect((await pull(key, 'since=2026-11-29T09:00:00.001Z')).items).toEqual([]);

    for (const cursor of ['nope', btoa('c1:abc:X'), btoa('c1:f:1'), btoa('c2:f:1:X'), btoa('c1:f:1:X:Y')]) {
      const res = await app.request(`/api/partner/v1/articles?cursor=${encodeURIComponent(cursor)}`, { headers: { authorization: `Bearer ${key}` } });
      expect(res.status).toBe(400);
      expect(await res.json()).toMatchObject({ error: { code: 'invalid_request' } });
    }
    expect((await app.request('/api/partner/v1/articles?limit=101', { headers: { authorization: `Bearer ${key}` } })).status).toBe(400);

    const first = await app.request('/api/partner/v1/articles', { headers: { authorization: `Bearer ${key}` } });
    const etag = first.headers.get('etag') as string;
    expect(etag).toMatch(/^"[0-9a-f]{32}"$/);
    expect(first.headers.get('cache-control')).toBe('private, no-cache');
    const again = await app.request('/api/partner/v1/articles', { headers: { authorization: `Bearer ${key}`, 'if-none-match': etag } });
    expect(again.status).toBe(304);
    expect(await again.text()).toBe('');
    const feed = await app.request('/partners/feed.rss', { headers: { authorization: `Bearer ${key}` } });
    expect(feed.headers.get('cache-control')).toMatch(/^private, max-age=\d+$/);
    const feedAgain = await app.request('/partners/feed.rss', { headers: { authorization: `Bearer ${key}`, 'if-none-match': feed.headers.get('etag') as string } });
    expect(feedAgain.status).toBe(304);
  });
});
