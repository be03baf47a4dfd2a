import { parseFeed } from '@rowanmanning/feed-parser';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestApp, createTestDeps, type TestDeps } from '../support/deps.js';
import { addArticle } from '../support/fixtures.js';
import { assertWellFormedXml } from '../support/xml.js';

let deps: TestDeps;
let app: ReturnType<typeof createTestApp>;
beforeEach(async () => {
  deps = createTestDeps();
  app = createTestApp(deps);
  await addArticle(deps, { title: 'الإصلاح في الريف', contentHtml: '<p>النص الكامل للمقال</p>', publishedAt: '2026-11-29T06:00:00Z' });
  await addArticle(deps, { title: 'مسودة لم تنشر', status: 'draft', publishedAt: undefined });
});
afterEach(() => deps.close());

describe('site feeds on Node', () => {
  it.each([
    ['/feed.rss', 'application/rss+xml; charset=utf-8', /<language>ar<\/language>/],
    ['/feed.atom', 'application/atom+xml; charset=utf-8', /<feed xmlns="http:\/\/www.w3.org\/2005\/Atom" xml:lang="ar">/],
  ])('%s is well-formed, declares Arabic and holds published articles in full', async (path, type, lang) => {
    const res = await app.request(path);
    expect(res.headers.get('content-type')).toBe(type);
    const xml = await res.text();
    assertWellFormedXml(xml);
    expect(xml).toMatch(lang);
    const feed = parseFeed(xml);
    expect(feed.language).toBe('ar');
    expect(feed.items.map((i) => i.title)).toEqual(['الإصلاح في الريف']);
    expect(feed.items[0]?.content).toContain('النص الكامل للمقال');
    expect(feed.items[0]?.content).toContain('dir="rtl"');
  });

  it('/feed.json is JSON Feed 1.1 in Arabic', async () => {
    const res = await app.request('/feed.json');
    expect(res.headers.get('content-type')).toBe('application/feed+json; charset=utf-8');
    const feed = (await res.json()) as Record<string, any>;
    expect(feed).toMatchObject({ version: 'https://jsonfeed.org/version/1.1', language: 'ar', feed_url: 'https://nashra.test/feed.json' });
    expect(feed.items).toHaveLength(1);
    expect(feed.items[0]).toMatchObject({ title: 'الإصلاح في الريف', authors: [{ name: 'سعيد الإدريسي' }] });
    expect(feed.items[0].content_html).toContain('النص الكامل للمقال');
  });

  it('is byte-identical while nothing changes, whatever the clock, and answers 304 to a matching ETag', async () => {
    const first = await app.request('/feed.rss');
    deps.clock.advance(3600_000);
    const second = await app.request('/feed.rss');
    expect(await second.text()).toBe(await first.text());
    const etag = first.headers.get('etag') as string;
    expect(second.headers.get('etag')).toBe(etag);
    const cached = await app.request('/feed.rss', { headers: { 'if-none-match': `W/"nope", ${etag}` } });
    expect(cached.status).toBe(304);
    expect(await cached.text()).toBe('');
    expect(cached.headers.get('etag')).toBe(etag);
    await addArticle(deps, { title: 'جديد', publishedAt: '2026-11-29T07:00:00Z' });
    expect((await app.request('/feed.rss', { headers: { 'if-none-match': etag } })).status).toBe(200);
  });

  it('stays well-formed with hostile text in every field', async () => {
    await addArticle(deps, {
      title: `عنوان \u0001\u0008 ]]> ]]> <script>alert(1)</script> \u202e ${'ط'.repeat(5000)} 🕌`,
      summary: 'ملخص ]]> ]]> \u000b <b>x</b>',
      contentHtml: '<p onclick="x()">نص ]]> ]]><script>alert(1)</script><a href="javascript:alert(1)">رابط</a></p>',
      author: { name: 'كاتب\r\nX-Injected: 1', slug: 'writer' },
      tags: ['وسم & <وسم>'],
      publishedAt: '2026-11-29T07:00:00Z',
    });
    for (const path of ['/feed.rss', '/feed.atom']) {
      const xml = await (await app.request(path)).text();
      assertWellFormedXml(xml);
      const item = parseFeed(xml).items.find((i) => i.title?.startsWith('عنوان'));
      // The title is text: it keeps its characters (]]> twice included) and loses only the illegal ones.
      expect(item?.title).toContain(']]> ]]> <script>alert(1)</script> \u202e');
      expect(item?.title).not.toMatch(/[\u0001\u0008]/);
      expect(item?.content).toMatch(/نص \]\](>|&gt;) \]\](>|&gt;)/);
      expect(item?.content).not.toMatch(/<script|javascript:|onclick/);
    }
    const json = (await (await app.request('/feed.json')).json()) as { items: { title: string; content_html: string }[] };
    expect(json.items[0]?.title).toContain(']]> ]]>');
    expect(json.items[0]?.content_html).not.toMatch(/<script|javascript:|onclick/);
  });
});
