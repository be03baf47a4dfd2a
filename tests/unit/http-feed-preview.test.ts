import { DomUtils, parseDocument } from 'htmlparser2';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { FeedFormat } from '../../src/feeds/formats.js';
import { siteScope } from '../../src/feeds/scope.js';
import { getFeed } from '../../src/feeds/service.js';
import { strongEtag } from '../../src/http/caching.js';
import { formatArabicDate } from '../../src/locale.js';
import { createTestApp, createTestDeps, type TestDeps } from '../support/deps.js';
import { addArticle } from '../support/fixtures.js';

const CHROME = 'text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,image/apng,*/*;q=0.8,application/signed-exchange;v=b3;q=0.7';
const FORMATS: FeedFormat[] = ['rss', 'atom', 'json'];
const READER_ACCEPTS = [
  undefined,
  '*/*',
  'application/atom+xml,application/rss+xml,application/xml;q=0.9,text/xml;q=0.8,*/*;q=0.7',
  'application/xml, application/atom+xml, application/rss+xml, application/rdf+xml, application/feed+json, text/html, */*;q=0.9',
  'application/xml',
];

const TITLE = 'الإصلاح في الريف <b>وعود</b> & "حدود"';
const SUMMARY = 'قراءة في <i>التجربة</i> المحلية.';
const CONTENT = 'نص المقال الذي لا يظهر في الصفحة';

let deps: TestDeps;
let app: ReturnType<typeof createTestApp>;
beforeEach(async () => {
  deps = createTestDeps({ config: { FEED_ITEMS: '2', SITE_NAME: 'منبر الرأي' } });
  app = createTestApp(deps);
  // Five articles, two per page: archive pages 1 and 2 are full, the current feed holds the last two.
  for (let i = 1; i <= 4; i++) {
    await addArticle(deps, { title: `مقال قديم ${i}`, publishedAt: `2026-11-2${i}T06:00:00Z`, section: { name: 'اقتصاد', slug: 'economy' } });
  }
  await addArticle(deps, { title: TITLE, summary: SUMMARY, contentHtml: `<p>${CONTENT}</p><script>alert(1)</script>`, publishedAt: '2026-11-28T06:00:00Z' });
});
afterEach(() => deps.close());

const get = (path: string, headers: Record<string, string> = {}, method = 'GET') => app.request(path, { method, headers });
const browse = (path: string, headers: Record<string, string> = {}) => get(path, { accept: CHROME, ...headers });

/** What a person reads on the page: item titles, links, authors, dates and summaries as text. */
function read(html: string) {
  const doc = parseDocument(html);
  const all = (test: (el: { name: string; attribs: Record<string, string> }) => boolean, root: Parameters<typeof DomUtils.findAll>[1] = doc.children) =>
    DomUtils.findAll((el) => test(el), root);
  const one = (name: string, root: Parameters<typeof DomUtils.findAll>[1]) => all((el) => el.name === name, root)[0];
  const text = (el: Parameters<typeof DomUtils.textContent>[0] | undefined) => (el ? DomUtils.textContent(el).trim() : undefined);
  const items = all((el) => el.name === 'li' && (el.attribs.class ?? '').split(' ').includes('item')).map((li) => ({
    title: text(one('h3', [li])),
    href: one('a', [li])?.attribs.href,
    author: text(all((el) => el.attribs.class === 'author', [li])[0]),
    date: text(one('time', [li])),
    summary: text(all((el) => el.attribs.class === 'summary', [li])[0]),
  }));
  const html_ = all((el) => el.name === 'html')[0];
  return {
    lang: html_?.attribs.lang,
    dir: html_?.attribs.dir,
    h1: text(one('h1', doc.children)),
    items,
    address: all((el) => el.name === 'input' && el.attribs.id === 'feed-address')[0]?.attribs,
    alternates: all((el) => el.name === 'link' && el.attribs.rel === 'alternate').map((l) => [l.attribs.type, l.attribs.href]),
    robots: all((el) => el.name === 'meta' && el.attribs.name === 'robots')[0]?.attribs.content,
    links: all((el) => el.name === 'a').map((a) => a.attribs.href),
    scripts: all((el) => el.name === 'script' || Object.keys(el.attribs).some((a) => a.startsWith('on'))).length,
    markup: all((el) => el.name === 'b' || el.name === 'i').length,
  };
}

describe('a feed opened in a browser', () => {
  it.each(FORMATS)('/feed.%s is an Arabic page that lists its items as text and explains how to subscribe', async (format) => {
    const res = await browse(`/feed.${format}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(res.headers.get('vary')).toMatch(/(^|,\s*)Accept(,|$)/);
    const html = await res.text();
    expect(html).toMatch(/^<!doctype html>/);
    const page = read(html);
    expect([page.lang, page.dir]).toEqual(['ar', 'rtl']);
    expect(page.h1).toBe('منبر الرأي');
    expect(page.robots).toBe('noindex');
    expect(page.scripts, 'no script, no event handler').toBe(0);
    expect(page.markup, 'feed text never becomes markup').toBe(0);
    expect(html).not.toContain(CONTENT);
    expect(page.items.map((i) => i.title)).toEqual([TITLE, 'مقال قديم 4']);
    expect(page.items[0]).toEqual({
      title: TITLE,
      href: expect.stringMatching(/^https:\/\/site\.test\/articles\//),
      author: 'سعيد الإدريسي',
      date: formatArabicDate(new Date('2026-11-28T06:00:00Z'), deps.config.DIGEST_TIMEZONE),
      summary: SUMMARY,
    });
    expect(page.items[0]?.date).toContain('نوفمبر');
    expect(page.address).toMatchObject({ value: `https://nashra.test/feed.${format}`, readonly: '', dir: 'ltr' });
    expect(page.alternates).toEqual([
      ['application/rss+xml', 'https://nashra.test/feed.rss'],
      ['application/atom+xml', 'https://nashra.test/feed.atom'],
      ['application/feed+json', 'https://nashra.test/feed.json'],
    ]);
    const others = FORMATS.filter((f) => f !== format).map((f) => `https://nashra.test/feed.${f}`);
    expect(page.links).toEqual(expect.arrayContaining([...others, '/feeds', `https://nashra.test/feed.${format}?archive=2`]));
  });

  it('has its own strong ETag, of its bytes, and the Last-Modified of the feed', async () => {
    const res = await browse('/feed.rss');
    const body = new Uint8Array(await res.arrayBuffer());
    const etag = res.headers.get('etag');
    expect(etag).toBe(await strongEtag(body));
    const feed = await get('/feed.rss');
    expect(etag).not.toBe(feed.headers.get('etag'));
    expect(res.headers.get('last-modified')).toBe((await getFeed(deps, siteScope(deps.config), 'json')).lastModified);
    expect(res.headers.get('cache-control')).toBe(feed.headers.get('cache-control'));
    expect(res.headers.get('content-security-policy')).toMatch(/default-src 'none'/);
  });

  it('is made from the JSON Feed document, cached like it, and changes with it', async () => {
    const rendered: string[] = [];
    const put = deps.feedCache.put.bind(deps.feedCache);
    deps.feedCache.put = async (key, feed) => {
      rendered.push(new TextDecoder().decode(feed.body).trimStart().slice(0, 1));
      await put(key, feed);
    };
    const first = await browse('/feed.atom');
    expect(rendered, 'one document rendered, and it is JSON').toEqual(['{']);
    const again = await browse('/feed.atom');
    expect(rendered, 'the second view comes from the cache').toHaveLength(1);
    expect(await again.text()).toBe(await first.text());
    await addArticle(deps, { title: 'مقال جديد', publishedAt: '2026-11-29T07:00:00Z' });
    const changed = await browse('/feed.atom');
    expect(changed.headers.get('etag')).not.toBe(first.headers.get('etag'));
    expect(read(await changed.text()).items[0]?.title).toBe('مقال جديد');
  });

  it('shows a section feed with its own title, items and formats', async () => {
    const page = read(await (await browse('/sections/economy/feed.atom')).text());
    expect(page.h1).toBe('منبر الرأي: اقتصاد');
    expect(page.items.map((i) => i.title)).toEqual(['مقال قديم 4', 'مقال قديم 3']);
    expect(page.address?.value).toBe('https://nashra.test/sections/economy/feed.atom');
    expect(page.alternates.map(([, href]) => href)).toEqual(['rss', 'atom', 'json'].map((f) => `https://nashra.test/sections/economy/feed.${f}`));
  });

  it('shows an archive page with its own items and the current feed to subscribe to', async () => {
    const res = await browse('/feed.json?archive=1');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
    const json = await getFeed(deps, siteScope(deps.config), 'json', 1);
    expect(res.headers.get('last-modified')).toBe(json.lastModified);
    const page = read(await res.text());
    // The page keeps the feed's own order.
    const titles = (JSON.parse(new TextDecoder().decode(json.body)) as { items: { title: string }[] }).items.map((i) => i.title);
    expect(page.items.map((i) => i.title)).toEqual(titles);
    expect([...titles].sort()).toEqual(['مقال قديم 1', 'مقال قديم 2']);
    expect(page.address?.value).toBe('https://nashra.test/feed.json');
    expect(page.links).toContain('https://nashra.test/feed.json');
    expect((await browse('/feed.rss?archive=9')).status).toBe(404);
  });

  it('answers 304 to its own ETag or Last-Modified, and HEAD like GET without a body', async () => {
    const res = await browse('/sections/economy/feed.rss');
    const etag = res.headers.get('etag') as string;
    const cached = await browse('/sections/economy/feed.rss', { 'if-none-match': `"other", ${etag}` });
    expect(cached.status).toBe(304);
    expect(await cached.text()).toBe('');
    expect(cached.headers.get('etag')).toBe(etag);
    expect(cached.headers.get('vary')).toMatch(/(^|,\s*)Accept(,|$)/);
    const since = await browse('/sections/economy/feed.rss', { 'if-modified-since': res.headers.get('last-modified') as string });
    expect(since.status).toBe(304);
    // The page's ETag is not the feed's: a reader revalidating with it gets the feed.
    const reader = await get('/sections/economy/feed.rss', { 'if-none-match': etag });
    expect(reader.status).toBe(200);
    expect(reader.headers.get('content-type')).toBe('application/rss+xml; charset=utf-8');

    const head = await get('/sections/economy/feed.rss', { accept: CHROME }, 'HEAD');
    expect(head.status).toBe(200);
    expect(head.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(head.headers.get('etag')).toBe(etag);
    expect(await head.text()).toBe('');
  });
});

describe('a feed fetched by a reader', () => {
  it.each(FORMATS.flatMap((f) => READER_ACCEPTS.map((a) => [f, a] as const)))('/feed.%s with Accept %j is the feed, byte for byte', async (format, accept) => {
    const res = await get(`/feed.${format}`, accept === undefined ? {} : { accept });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).not.toMatch(/html/);
    expect(res.headers.get('vary'), 'every format varies on Accept now').toMatch(/(^|,\s*)Accept(,|$)/);
    const feed = await getFeed(deps, siteScope(deps.config), format);
    expect(new Uint8Array(await res.arrayBuffer())).toEqual(feed.body);
    expect(res.headers.get('etag')).toBe(feed.etag);
    expect(res.headers.get('last-modified')).toBe(feed.lastModified);
  });

  it.each([
    ['/feed.rss', undefined, 'application/rss+xml; charset=utf-8'],
    ['/feed.rss', '*/*', 'application/rss+xml; charset=utf-8'],
    ['/feed.atom', 'application/atom+xml, application/xml;q=0.9', 'application/atom+xml; charset=utf-8'],
    // Names text/html without preferring it: the generic type, as before.
    ['/feed.rss', 'application/xml, application/rss+xml, text/html, */*;q=0.9', 'application/xml; charset=utf-8'],
    // Asks for application/xml above the format's own type, as a browser told to can.
    ['/feed.atom', 'application/xml', 'application/xml; charset=utf-8'],
    ['/feed.json', 'application/xml, text/html', 'application/feed+json; charset=utf-8'],
  ])('%s with Accept %j is labelled %s', async (path, accept, type) => {
    const res = await get(path, accept === undefined ? {} : { accept });
    expect(res.headers.get('content-type')).toBe(type);
  });
});
