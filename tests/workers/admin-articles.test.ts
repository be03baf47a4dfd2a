/** The admin article API inside workerd, against D1: CRUD, pagination, taxonomy and errors. */
import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { admin, articleInput, call, createArticle, type ArticleJson, type ErrorJson } from './support/api.js';

const ARTICLES = '/api/admin/articles';

async function expectError(res: Response, status: number, code: string): Promise<ErrorJson> {
  expect(res.status).toBe(status);
  expect(res.headers.get('content-type')).toMatch(/^application\/json/);
  const body = await res.json<ErrorJson>();
  expect(body.error.code).toBe(code);
  expect(body.error.message).toEqual(expect.any(String));
  return body;
}

describe('POST /api/admin/articles', () => {
  it('answers 201 with the stored article and a Location header', async () => {
    const res = await admin(ARTICLES, 'POST', articleInput({ title: 'الدبلوماسية الشعبية', slug: 'public-diplomacy', tags: ['المغرب'] }));
    expect(res.status).toBe(201);
    const a = await res.json<ArticleJson>();
    expect(a).toMatchObject({
      slug: 'public-diplomacy', title: 'الدبلوماسية الشعبية', status: 'published',
      section: { slug: 'opinion', name: 'رأي', commentary: true },
      author: { slug: 'layla-benali', name: 'ليلى بنعلي' },
      tags: [{ name: 'المغرب', slug: 'المغرب' }],
      canonicalUrl: 'https://site.test/articles/public-diplomacy',
    });
    expect(a.id).toMatch(/^[0-9A-Z]{26}$/);
    expect(a.publishedAt).not.toBeNull();
    expect(res.headers.get('location')).toBe(`${ARTICLES}/${a.id}`);
  });

  it('creates a section, author or tag on first use and finds it again by name or by slug', async () => {
    const first = await createArticle({ section: { name: 'تحليل', slug: 'analysis' }, tags: [{ name: 'إصلاح', slug: 'reform' }] });
    const byName = await createArticle({ section: 'تحليل', tags: ['إصلاح'] });
    const bySlug = await createArticle({ section: { name: 'Analysis', slug: 'analysis' }, tags: [{ name: 'Reform', slug: 'reform' }] });
    for (const a of [first, byName, bySlug]) {
      expect(a.section).toMatchObject({ slug: 'analysis', name: 'تحليل' });
      expect(a.tags).toEqual([{ slug: 'reform', name: 'إصلاح' }]);
    }
    const count = (table: string) => env.DB.prepare(`SELECT count(*) AS n FROM ${table}`).first<number>('n');
    expect(await count('sections')).toBe(1);
    expect(await count('tags')).toBe(1);
    expect(await count('authors')).toBe(1);
  });

  it('derives a free slug from the title when none is given', async () => {
    const a = await createArticle({ title: 'Same Title' });
    const b = await createArticle({ title: 'Same Title' });
    expect([a.slug, b.slug]).toEqual(['same-title', 'same-title-2']);
  });
});

describe('HTML sanitizing on the way in', () => {
  it('drops active content and makes relative URLs absolute against SITE_URL', async () => {
    const dirty = [
      '<p onclick="steal()" dir="rtl">نص <a href="/articles/x" onmouseover="x()">رابط</a></p>',
      '<script>alert(1)</script><style>p{}</style><iframe src="https://evil.test"></iframe>',
      '<object data="x.swf"></object><embed src="x.swf"><form action="/x"><input name="q"></form>',
      '<meta http-equiv="refresh" content="0;url=https://evil.test">',
      '<a href="javascript:alert(1)">ج</a><a href="java&#10;script:alert(2)">د</a>',
      '<img src="data:image/png;base64,AAAA" alt="بيانات"><img src="images/a.jpg" alt="صورة" onerror="x()">',
    ].join('');
    const a = await createArticle({ contentHtml: dirty });
    const html = a.contentHtml;
    for (const gone of ['<script', 'alert(1)', '<style', '<iframe', '<object', '<embed', '<form', '<input', '<meta', 'refresh', 'onclick', 'onmouseover', 'onerror', 'javascript:', 'data:']) {
      expect(html).not.toContain(gone);
    }
    expect(html).toContain('<p dir="rtl">نص <a href="https://site.test/articles/x">رابط</a></p>');
    expect(html).toContain('<a>ج</a><a>د</a>');
    expect(html).toContain('<img alt="بيانات"><img src="https://site.test/images/a.jpg" alt="صورة">');
    // What is stored is what was returned: nothing raw is kept.
    const stored = await env.DB.prepare('SELECT content_html FROM articles WHERE id = ?').bind(a.id).first<string>('content_html');
    expect(stored).toBe(html);
  });
});

describe('GET /api/admin/articles', () => {
  it('walks every article exactly once through the cursor, newest first', async () => {
    const created: string[] = [];
    for (let i = 0; i < 7; i++) created.push((await createArticle()).id);
    const seen: string[] = [];
    const pageSizes: number[] = [];
    let cursor: string | null = '';
    while (cursor !== null) {
      const res = await admin(`${ARTICLES}?limit=3${cursor ? `&cursor=${cursor}` : ''}`);
      expect(res.status).toBe(200);
      const page: { items: ArticleJson[]; nextCursor: string | null } = await res.json();
      pageSizes.push(page.items.length);
      seen.push(...page.items.map((a) => a.id));
      cursor = page.nextCursor;
    }
    expect(pageSizes).toEqual([3, 3, 1]);
    expect(seen).toEqual([...created].sort().reverse());
  });

  it('filters by status and rejects a forged cursor', async () => {
    const draft = await createArticle({ status: 'draft' });
    await createArticle();
    const res = await admin(`${ARTICLES}?status=draft`);
    const page: { items: ArticleJson[] } = await res.json();
    expect(page.items.map((a) => a.id)).toEqual([draft.id]);
    await expectError(await admin(`${ARTICLES}?cursor=not-a-cursor`), 400, 'invalid_request');
  });
});

describe('GET, PUT and DELETE /api/admin/articles/:id', () => {
  it('reads, replaces and deletes one article', async () => {
    const a = await createArticle({ slug: 'first-slug' });
    const got = await admin(`${ARTICLES}/${a.id}`);
    expect(got.status).toBe(200);
    expect(await got.json()).toEqual(a);

    const put = await admin(`${ARTICLES}/${a.id}`, 'PUT', articleInput({ title: 'عنوان جديد', status: 'draft', tags: ['جديد'] }));
    expect(put.status).toBe(200);
    const updated = await put.json<ArticleJson>();
    expect(updated).toMatchObject({ id: a.id, slug: 'first-slug', title: 'عنوان جديد', status: 'draft', tags: [{ name: 'جديد' }] });
    expect(await (await admin(`${ARTICLES}/${a.id}`)).json()).toEqual(updated);

    const del = await admin(`${ARTICLES}/${a.id}`, 'DELETE');
    expect(del.status).toBe(204);
    expect(await del.text()).toBe('');
    await expectError(await admin(`${ARTICLES}/${a.id}`), 404, 'not_found');
  });

  it('answers 404 for an unknown id on GET, PUT and DELETE', async () => {
    const unknown = `${ARTICLES}/01HZZZZZZZZZZZZZZZZZZZZZZZ`;
    await expectError(await admin(unknown), 404, 'not_found');
    await expectError(await admin(unknown, 'PUT', articleInput()), 404, 'not_found');
    await expectError(await admin(unknown, 'DELETE'), 404, 'not_found');
  });
});

describe('admin API errors', () => {
  it('409 for an explicit slug that another article has, on create and on update', async () => {
    await createArticle({ slug: 'taken' });
    const other = await createArticle({ slug: 'free' });
    await expectError(await admin(ARTICLES, 'POST', articleInput({ slug: 'taken' })), 409, 'conflict');
    await expectError(await admin(`${ARTICLES}/${other.id}`, 'PUT', articleInput({ slug: 'taken' })), 409, 'conflict');
  });

  it('400 for a body that fails validation, naming the fields', async () => {
    const res = await admin(ARTICLES, 'POST', articleInput({ title: '', status: 'archived', extra: 1 }));
    const body = (await expectError(res, 400, 'invalid_request')) as ErrorJson & { error: { details: { fields: { path: string }[] } } };
    const paths = body.error.details.fields.map((f) => f.path);
    expect(paths).toEqual(expect.arrayContaining(['title', 'status']));
  });

  it('400 for a body that is not JSON', async () => {
    const res = await call(ARTICLES, { method: 'POST', headers: { authorization: `Bearer ${env.ADMIN_TOKEN}`, 'content-type': 'application/json' }, body: '{"title": ' });
    await expectError(res, 400, 'invalid_request');
  });

  it('401 with WWW-Authenticate for a missing or wrong token', async () => {
    for (const authorization of [undefined, 'Bearer wrong-token-0123456789', `Basic ${env.ADMIN_TOKEN}`]) {
      const res = await call(ARTICLES, { headers: authorization ? { authorization } : {} });
      await expectError(res, 401, 'unauthorized');
      expect(res.headers.get('www-authenticate')).toMatch(/^Bearer /);
    }
    expect(await env.DB.prepare('SELECT count(*) AS n FROM articles').first('n')).toBe(0);
  });

  it('413 for a body over MAX_BODY_BYTES, with or without Content-Length', async () => {
    const big = JSON.stringify(articleInput({ contentHtml: `<p>${'ب'.repeat(600_000)}</p>` }));
    const headers = { authorization: `Bearer ${env.ADMIN_TOKEN}`, 'content-type': 'application/json' };
    await expectError(await call(ARTICLES, { method: 'POST', headers, body: big }), 413, 'payload_too_large');
    // A stream of unknown length goes out chunked, without Content-Length: the limit counts bytes as they arrive.
    const bytes = new TextEncoder().encode(big);
    const streamed = new ReadableStream<Uint8Array>({
      start(controller) {
        for (let i = 0; i < bytes.length; i += 64 * 1024) controller.enqueue(bytes.slice(i, i + 64 * 1024));
        controller.close();
      },
    });
    await expectError(await call(ARTICLES, { method: 'POST', headers, body: streamed }), 413, 'payload_too_large');
    expect(await env.DB.prepare('SELECT count(*) AS n FROM articles').first('n')).toBe(0);
  });

  it('415 for a body that is not application/json', async () => {
    const res = await call(ARTICLES, {
      method: 'POST',
      headers: { authorization: `Bearer ${env.ADMIN_TOKEN}`, 'content-type': 'text/plain' },
      body: JSON.stringify(articleInput()),
    });
    await expectError(res, 415, 'unsupported_media_type');
  });
});
