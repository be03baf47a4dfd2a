import { parseFeed } from '@rowanmanning/feed-parser';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestApp, createTestDeps, type TestDeps } from '../support/deps.js';
import { addArticle } from '../support/fixtures.js';
import { assertWellFormedXml } from '../support/xml.js';

let deps: TestDeps;
let app: ReturnType<typeof createTestApp>;
afterEach(() => deps.close());

const get = async (path: string, headers: Record<string, string> = {}) => app.request(path, { headers });
const titles = async (path: string) => {
  const xml = await (await get(path)).text();
  assertWellFormedXml(xml);
  return parseFeed(xml).items.map((i) => i.title);
};
const opinion = { name: 'رأي', slug: 'opinion' };
const analysis = { name: 'تحليل', slug: 'analysis' };

describe('feeds per section, author and tag', () => {
  beforeEach(async () => {
    deps = createTestDeps();
    app = createTestApp(deps);
    await addArticle(deps, { title: 'أ', section: opinion, author: { name: 'ليلى', slug: 'layla' }, tags: ['المغرب'], publishedAt: '2026-11-29T01:00:00Z' });
    await addArticle(deps, { title: 'ب', section: analysis, author: { name: 'سعيد', slug: 'said' }, tags: ['المغرب', 'اقتصاد'], publishedAt: '2026-11-29T02:00:00Z' });
    await addArticle(deps, { title: 'ج', section: opinion, author: { name: 'سعيد', slug: 'said' }, tags: [], publishedAt: '2026-11-29T03:00:00Z' });
  });

  it('holds only the scope\'s articles, with its own title and self link', async () => {
    expect(await titles('/sections/opinion/feed.rss')).toEqual(['ج', 'أ']);
    expect(await titles('/authors/said/feed.atom')).toEqual(['ج', 'ب']);
    expect(await titles(`/tags/${encodeURIComponent('المغرب')}/feed.rss`)).toEqual(['ب', 'أ']);
    const json = (await (await get('/sections/analysis/feed.json')).json()) as Record<string, any>;
    expect(json).toMatchObject({ title: 'نشرة: تحليل', feed_url: 'https://nashra.test/sections/analysis/feed.json', language: 'ar' });
    expect(json.items.map((i: { title: string }) => i.title)).toEqual(['ب']);
  });

  it('answers an unknown slug with 404, not an empty feed', async () => {
    for (const path of ['/sections/nope/feed.rss', '/authors/nope/feed.atom', '/tags/nope/feed.json']) {
      expect((await get(path)).status).toBe(404);
    }
  });

  it('invalidates exactly the feeds an article change touches', async () => {
    const paths = ['/feed.rss', '/sections/opinion/feed.rss', '/sections/analysis/feed.rss', '/authors/layla/feed.rss', '/authors/said/feed.rss'];
    const etags = async () => Promise.all(paths.map(async (p) => (await get(p)).headers.get('etag')));
    const before = await etags();
    deps.clock.advance(60_000);
    await addArticle(deps, { title: 'د', section: analysis, author: { name: 'سعيد', slug: 'said' }, tags: [], publishedAt: '2026-11-29T04:00:00Z' });
    const after = await etags();
    expect(after.map((e, i) => e !== before[i])).toEqual([true, false, true, false, true]);
  });

  it('counts a deletion as a change: the article leaves and Last-Modified moves on', async () => {
    const first = await get('/sections/opinion/feed.rss');
    const { listArticles, deleteArticle } = await import('../../src/articles/service.js');
    const target = (await listArticles(deps, { limit: 10 })).items.find((a) => a.title === 'ج')!;
    deps.clock.advance(3_600_000);
    await deleteArticle(deps, target.id);
    const second = await get('/sections/opinion/feed.rss');
    expect(Date.parse(second.headers.get('last-modified')!)).toBeGreaterThan(Date.parse(first.headers.get('last-modified')!));
    expect(parseFeed(await second.text()).items.map((i) => i.title)).toEqual(['أ']);
  });
});

describe('articles scheduled for later', () => {
  it('stay out of feeds until their time, then appear without any other change', async () => {
    deps = createTestDeps({ now: '2026-11-29T08:00:00Z' });
    app = createTestApp(deps);
    await addArticle(deps, { title: 'الآن', publishedAt: '2026-11-29T07:00:00Z' });
    await addArticle(deps, { title: 'لاحقًا', publishedAt: '2026-11-29T09:00:00Z' });
    const before = await get('/feed.rss');
    expect(parseFeed(await before.text()).items.map((i) => i.title)).toEqual(['الآن']);
    deps.clock.set('2026-11-29T09:00:01Z');
    const after = await get('/feed.rss', { 'if-modified-since': before.headers.get('last-modified')! });
    expect(after.status).toBe(200);
    expect(parseFeed(await after.text()).items.map((i) => i.title)).toEqual(['لاحقًا', 'الآن']);
    expect(after.headers.get('last-modified')).toBe('Sun, 29 Nov 2026 09:00:00 GMT');
  });
});

describe('HTTP behaviour of feeds', () => {
  beforeEach(async () => {
    deps = createTestDeps({ config: { FEED_MAX_AGE: '120', WEBSUB_HUB_URL: 'https://hub.example/' } });
    app = createTestApp(deps);
    await addArticle(deps, { image: { url: 'https://site.test/p/photo', type: 'image/jpg', length: 51234, alt: 'صورة & وصف' } });
  });

  it('answers HEAD with the headers and no body', async () => {
    const res = await app.request('/feed.atom', { method: 'HEAD' });
    expect(res.status).toBe(200);
    expect(res.headers.get('etag')).toMatch(/^"/);
    expect(res.headers.get('content-type')).toBe('application/atom+xml; charset=utf-8');
    expect(await res.text()).toBe('');
  });

  it('sends configurable freshness, never Expires: 0, and advertises self and hub', async () => {
    const res = await get('/feed.rss');
    expect(res.headers.get('cache-control')).toBe('public, max-age=120, stale-while-revalidate=240');
    expect(res.headers.get('expires')).toBeNull();
    expect(res.headers.get('link')).toBe('<https://nashra.test/feed.rss>; rel="self", <https://hub.example/>; rel="hub"');
    const xml = await res.text();
    expect(xml).toContain('<atom:link href="https://hub.example/" rel="hub"/>');
    expect(await (await get('/feed.atom')).text()).toContain('<link rel="hub" href="https://hub.example/"/>');
    expect(((await (await get('/feed.json')).json()) as { hubs: unknown }).hubs).toEqual([{ type: 'WebSub', url: 'https://hub.example/' }]);
  });

  it('answers 304 to If-Modified-Since and repeats the caching headers', async () => {
    const first = await get('/feed.json');
    const res = await get('/feed.json', { 'if-modified-since': first.headers.get('last-modified')! });
    expect(res.status).toBe(304);
    expect(res.headers.get('etag')).toBe(first.headers.get('etag'));
    expect(res.headers.get('cache-control')).toBe(first.headers.get('cache-control'));
    expect(res.headers.get('last-modified')).toBe(first.headers.get('last-modified'));
  });

  it('describes images with a registered MIME type and the real length in every format', async () => {
    const rss = await (await get('/feed.rss')).text();
    expect(rss).toMatch(/<enclosure length="51234" type="image\/jpeg" url="https:\/\/site.test\/p\/photo"\/>/);
    expect(rss).toMatch(/<media:content xmlns:media="http:\/\/search.yahoo.com\/mrss\/" url="https:\/\/site.test\/p\/photo" type="image\/jpeg" medium="image" fileSize="51234">/);
    expect(rss).toContain('<media:description type="plain">صورة &amp; وصف</media:description>');
    expect(rss).toContain('<media:thumbnail xmlns:media="http://search.yahoo.com/mrss/" url="https://site.test/p/photo"/>');
    expect(rss).toContain('<dc:creator>سعيد الإدريسي</dc:creator>');
    expect(rss).not.toContain('<author>');
    const atom = await (await get('/feed.atom')).text();
    expect(atom).toContain('<link rel="enclosure" href="https://site.test/p/photo" type="image/jpeg" length="51234"/>');
    expect(atom).not.toContain('image/jpg"');
    const json = (await (await get('/feed.json')).json()) as { items: { attachments: unknown }[] };
    expect(json.items[0]?.attachments).toEqual([{ url: 'https://site.test/p/photo', mime_type: 'image/jpeg', size_in_bytes: 51234 }]);
  });

  it('renders each feed version once and serves it from the cache after that', async () => {
    const puts: string[] = [];
    const inner = deps.feedCache;
    deps.feedCache = {
      get: (k) => inner.get(k),
      put: async (k, v) => {
        puts.push(k);
        await inner.put(k, v);
      },
    };
    await get('/feed.rss');
    await get('/feed.rss');
    await get('/feed.rss', { 'if-none-match': '"x"' });
    expect(puts).toHaveLength(1);
    await addArticle(deps, { title: 'جديد' });
    await get('/feed.rss');
    expect(puts).toHaveLength(2);
  });
});

describe('RFC 5005 archives', () => {
  beforeEach(async () => {
    deps = createTestDeps({ config: { FEED_ITEMS: '2' } });
    app = createTestApp(deps);
    for (let i = 1; i <= 5; i++) await addArticle(deps, { title: `مقال ${i}`, publishedAt: `2026-11-2${i}T06:00:00Z` });
  });

  const links = (xml: string) =>
    Object.fromEntries([...xml.matchAll(/<(?:atom:)?link (?:href="([^"]+)" rel="([^"]+)"|rel="([^"]+)" href="([^"]+)")/g)].map((m) => [m[2] ?? m[3], m[1] ?? m[4]]));

  it('links the current feed to the newest complete archive page, and pages to each other', async () => {
    const current = await (await get('/feed.rss')).text();
    expect(parseFeed(current).items.map((i) => i.title)).toEqual(['مقال 5', 'مقال 4']);
    expect(links(current)['prev-archive']).toBe('https://nashra.test/feed.rss?archive=2');
    expect(current).not.toContain('fh:archive');

    const page2 = await (await get('/feed.rss?archive=2')).text();
    assertWellFormedXml(page2);
    expect(parseFeed(page2).items.map((i) => i.title)).toEqual(['مقال 4', 'مقال 3']);
    expect(page2).toContain('<fh:archive xmlns:fh="http://purl.org/syndication/history/1.0"/>');
    expect(links(page2)).toMatchObject({ current: 'https://nashra.test/feed.rss', 'prev-archive': 'https://nashra.test/feed.rss?archive=1', self: 'https://nashra.test/feed.rss?archive=2' });
    expect(links(page2)['next-archive']).toBeUndefined();

    const atom1 = await (await get('/feed.atom?archive=1')).text();
    assertWellFormedXml(atom1);
    expect(parseFeed(atom1).items.map((i) => i.title)).toEqual(['مقال 2', 'مقال 1']);
    expect(links(atom1)).toMatchObject({ 'next-archive': 'https://nashra.test/feed.atom?archive=2', current: 'https://nashra.test/feed.atom' });
    const json = (await (await get('/feed.json')).json()) as { next_url: string };
    expect(json.next_url).toBe('https://nashra.test/feed.json?archive=2');
  });

  it('keeps archive pages byte-identical as new articles arrive, and caches them long', async () => {
    const before = await get('/feed.atom?archive=1');
    expect(before.headers.get('cache-control')).toBe('public, max-age=86400, stale-while-revalidate=172800');
    const body = await before.text();
    deps.clock.advance(86_400_000);
    await addArticle(deps, { title: 'مقال 6', publishedAt: '2026-11-28T06:00:00Z' });
    expect(await (await get('/feed.atom?archive=1')).text()).toBe(body);
    expect((await get('/feed.atom?archive=3')).status).toBe(200); // 6 articles: a third full page
  });

  it('answers a page that does not exist with 404 and a bad one with 400', async () => {
    expect((await get('/feed.rss?archive=3')).status).toBe(404);
    expect((await get('/feed.rss?archive=0')).status).toBe(400);
    expect((await get('/feed.rss?archive=abc')).status).toBe(400);
  });
});
