import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { adminHeaders, articleBody, createTestApp, createTestDeps, type TestDeps } from '../support/deps.js';

let deps: TestDeps;
let app: ReturnType<typeof createTestApp>;
beforeEach(() => {
  deps = createTestDeps();
  app = createTestApp(deps);
});
afterEach(() => deps.close());

const post = (body: unknown, headers: Record<string, string> = adminHeaders) =>
  app.request('/api/admin/articles', { method: 'POST', headers, body: typeof body === 'string' ? body : JSON.stringify(body) });

describe('admin article API on Node', () => {
  it('creates an article, its section, author and tags, and reads it back', async () => {
    const res = await post(articleBody({ tags: ['إصلاح', { name: 'المغرب', slug: 'morocco' }] }));
    expect(res.status).toBe(201);
    const a = (await res.json()) as Record<string, any>;
    expect(res.headers.get('location')).toBe(`/api/admin/articles/${a.id}`);
    expect(a).toMatchObject({
      slug: 'الإصلاح-التدريجي-وحدود-الاستقرار',
      language: 'ar',
      status: 'published',
      section: { slug: 'opinion', name: 'رأي', commentary: true },
      author: { slug: 'said-idrissi' },
      tags: [{ slug: 'إصلاح', name: 'إصلاح' }, { slug: 'morocco', name: 'المغرب' }],
      image: { url: 'https://site.test/images/a.jpg', type: 'image/jpeg', length: 12345, alt: 'صورة' },
      publishedAt: '2026-11-29T06:00:00.000Z',
      canonicalUrl: `https://site.test/articles/${encodeURIComponent('الإصلاح-التدريجي-وحدود-الاستقرار')}`,
    });
    const again = await app.request(`/api/admin/articles/${a.id}`, { headers: adminHeaders });
    expect(await again.json()).toEqual(a);
  });

  it('reuses sections and authors by name or slug', async () => {
    await post(articleBody());
    const res = await post(articleBody({ title: 'ثانٍ', section: 'رأي', author: { name: 'اسم آخر', slug: 'said-idrissi' } }));
    const a = (await res.json()) as Record<string, any>;
    expect(a.section.slug).toBe('opinion');
    expect(a.author).toEqual({ slug: 'said-idrissi', name: 'سعيد الإدريسي' });
  });

  it('derives a free slug from the title, and refuses a taken explicit slug with 409', async () => {
    const first = (await (await post(articleBody())).json()) as { slug: string };
    const second = (await (await post(articleBody())).json()) as { slug: string };
    expect(second.slug).toBe(`${first.slug}-2`);
    const dup = await post(articleBody({ slug: first.slug }));
    expect(dup.status).toBe(409);
    expect(await dup.json()).toMatchObject({ error: { code: 'conflict' } });
  });

  it('paginates with a cursor, newest first, without gaps or repeats', async () => {
    for (let i = 0; i < 7; i++) await post(articleBody({ title: `مقال ${i}` }));
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const res = await app.request(`/api/admin/articles?limit=3${cursor ? `&cursor=${cursor}` : ''}`, { headers: adminHeaders });
      const page = (await res.json()) as { items: { title: string }[]; nextCursor: string | null };
      seen.push(...page.items.map((i) => i.title));
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen).toEqual(['مقال 6', 'مقال 5', 'مقال 4', 'مقال 3', 'مقال 2', 'مقال 1', 'مقال 0']);
  });

  it('replaces and deletes', async () => {
    const a = (await (await post(articleBody())).json()) as { id: string };
    const put = await app.request(`/api/admin/articles/${a.id}`, { method: 'PUT', headers: adminHeaders, body: JSON.stringify(articleBody({ title: 'عنوان جديد', tags: [] })) });
    expect(await put.json()).toMatchObject({ id: a.id, title: 'عنوان جديد', tags: [] });
    expect((await app.request(`/api/admin/articles/${a.id}`, { method: 'DELETE', headers: adminHeaders })).status).toBe(204);
    expect((await app.request(`/api/admin/articles/${a.id}`, { headers: adminHeaders })).status).toBe(404);
  });

  it.each([
    ['no token', { 'content-type': 'application/json' }, 401, 'unauthorized'],
    ['a wrong token', { ...adminHeaders, authorization: 'Bearer wrong-token-0123456789' }, 401, 'unauthorized'],
    ['a form body', { ...adminHeaders, 'content-type': 'application/x-www-form-urlencoded' }, 415, 'unsupported_media_type'],
  ])('answers %s with %i', async (_, headers, status, code) => {
    const res = await post(articleBody(), headers as Record<string, string>);
    expect(res.status).toBe(status);
    expect(await res.json()).toMatchObject({ error: { code, message: expect.any(String) } });
  });

  it('answers invalid bodies with 400 and the fields at fault', async () => {
    const broken = await post('{"title":');
    expect(broken.status).toBe(400);
    const res = await post(articleBody({ title: '', status: 'live', image: { url: 'javascript:x', type: 'text/html', length: -1 } }));
    expect(res.status).toBe(400);
    const body = (await res.json()) as { error: { code: string; details: { fields: { path: string }[] } } };
    expect(body.error.code).toBe('invalid_request');
    expect(body.error.details.fields.map((f) => f.path)).toEqual(expect.arrayContaining(['title', 'status', 'image.url', 'image.type', 'image.length']));
  });

  it('answers an oversized body with 413 and a bad cursor with 400, never 500', async () => {
    const big = await post(articleBody({ contentHtml: 'x'.repeat(1_100_000) }));
    expect(big.status).toBe(413);
    const cursor = await app.request('/api/admin/articles?cursor=zzz', { headers: adminHeaders });
    expect(cursor.status).toBe(400);
    expect((await app.request('/api/admin/articles/nope', { headers: adminHeaders })).status).toBe(404);
  });
});
