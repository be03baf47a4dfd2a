import { SaxesParser, type SaxesTagNS } from 'saxes';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, createTestDeps, type TestDeps } from '../support/deps.js';
import { addArticle } from '../support/fixtures.js';

/** A tiny namespace-aware tree of the document, to check elements and attributes exactly. */
type El = { name: string; uri: string; attrs: Record<string, string>; text: string; children: El[] };
function tree(xml: string): El {
  const root: El = { name: '#doc', uri: '', attrs: {}, text: '', children: [] };
  const stack = [root];
  const parser = new SaxesParser({ xmlns: true });
  parser.on('opentag', (t: SaxesTagNS) => {
    const el: El = { name: t.local, uri: t.uri, attrs: Object.fromEntries(Object.values(t.attributes).map((a) => [a.name, a.value])), text: '', children: [] };
    stack[stack.length - 1]!.children.push(el);
    stack.push(el);
  });
  parser.on('text', (x) => void (stack[stack.length - 1]!.text += x));
  parser.on('cdata', (x) => void (stack[stack.length - 1]!.text += x));
  parser.on('closetag', () => void stack.pop());
  parser.on('error', (e) => {
    throw e;
  });
  parser.write(xml).close();
  return root.children[0]!;
}
const kids = (el: El, name: string) => el.children.filter((c) => c.name === name);
const kid = (el: El, name: string) => kids(el, name)[0] as El;

const RFC822 = /^(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d{2} (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{4} \d{2}:\d{2}:\d{2} GMT$/;
const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

let deps: TestDeps;
let app: ReturnType<typeof createTestApp>;
let articleId: string;
beforeAll(async () => {
  deps = createTestDeps();
  app = createTestApp(deps);
  const a = await addArticle(deps, { contentHtml: '<p>نص <a href="/about">عن الموقع</a> <img src="img/a.png" alt="صورة"></p>', tags: ['إصلاح'] });
  articleId = a.id;
});
afterAll(() => deps.close());

describe('RSS 2.0', () => {
  it('has a complete channel, self link, and items with stable non-permalink guids and RFC 822 dates', async () => {
    const rss = tree(await (await app.request('/feed.rss')).text());
    const channel = kid(rss, 'channel');
    expect([kid(channel, 'title').text, kid(channel, 'link').text, kid(channel, 'description').text]).toEqual(['نشرة', 'https://site.test/', 'مقالات الرأي والتحليل']);
    expect(kid(channel, 'language').text).toBe('ar');
    expect(kid(channel, 'lastBuildDate').text).toMatch(RFC822);
    const self = kids(channel, 'link').find((l) => l.uri === 'http://www.w3.org/2005/Atom' && l.attrs.rel === 'self');
    expect(self?.attrs).toMatchObject({ href: 'https://nashra.test/feed.rss', type: 'application/rss+xml' });
    const item = kid(channel, 'item');
    expect(kid(item, 'guid')).toMatchObject({ text: `urn:nashra:article:${articleId}`, attrs: { isPermaLink: 'false' } });
    expect(kid(item, 'pubDate').text).toMatch(RFC822);
    expect(kid(item, 'creator')).toMatchObject({ uri: 'http://purl.org/dc/elements/1.1/', text: 'سعيد الإدريسي' });
    expect(kids(item, 'category').map((c) => c.text)).toEqual(['رأي', 'إصلاح']);
    expect(kid(item, 'content')).toMatchObject({ uri: 'http://search.yahoo.com/mrss/', attrs: { type: 'image/jpeg', fileSize: '12345' } });
  });
});

describe('Atom 1.0', () => {
  it('has feed and entry id, title, updated and author, self and alternate links, RFC 3339 dates, xml:lang', async () => {
    const feed = tree(await (await app.request('/feed.atom')).text());
    expect(feed.uri).toBe('http://www.w3.org/2005/Atom');
    expect(feed.attrs['xml:lang']).toBe('ar');
    expect(kid(feed, 'id').text).toBe('https://nashra.test/feed.atom');
    expect(kid(feed, 'title').text).toBe('نشرة');
    expect(kid(feed, 'updated').text).toMatch(RFC3339);
    const rels = Object.fromEntries(kids(feed, 'link').map((l) => [l.attrs.rel, l.attrs.href]));
    expect(rels).toMatchObject({ self: 'https://nashra.test/feed.atom', alternate: 'https://site.test/' });
    const entry = kid(feed, 'entry');
    expect(kid(entry, 'id').text).toBe(`urn:nashra:article:${articleId}`);
    expect(kid(entry, 'title').text).toBe('الإصلاح التدريجي وحدود الاستقرار');
    expect(kid(entry, 'updated').text).toMatch(RFC3339);
    expect(kid(entry, 'published').text).toMatch(RFC3339);
    expect(kid(kid(entry, 'author'), 'name').text).toBe('سعيد الإدريسي');
    expect(kids(entry, 'link').map((l) => l.attrs.rel ?? 'alternate').sort()).toEqual(['alternate', 'enclosure']);
  });
});

describe('JSON Feed 1.1', () => {
  it('has version, language, authors, feed and home page URLs', async () => {
    const feed = (await (await app.request('/feed.json')).json()) as Record<string, any>;
    expect(feed).toMatchObject({
      version: 'https://jsonfeed.org/version/1.1',
      language: 'ar',
      home_page_url: 'https://site.test',
      feed_url: 'https://nashra.test/feed.json',
      authors: [{ name: 'نشرة', url: 'https://site.test' }],
    });
    expect(feed.items[0]).toMatchObject({ id: `urn:nashra:article:${articleId}`, language: 'ar', tags: ['رأي', 'إصلاح'] });
    expect(feed.items[0].date_published).toMatch(RFC3339);
  });
});

describe('item content in every format', () => {
  it('uses absolute URLs only and opens right to left with a strong RTL character', async () => {
    const rss = kid(kid(tree(await (await app.request('/feed.rss')).text()), 'channel'), 'item');
    const atom = kid(tree(await (await app.request('/feed.atom')).text()), 'entry');
    const json = ((await (await app.request('/feed.json')).json()) as { items: { content_html: string }[] }).items[0]!;
    const contents = [kid(rss, 'encoded').text, kid(atom, 'content').text, json.content_html];
    for (const html of contents) {
      expect(html.startsWith('<div dir="rtl" lang="ar">\u200f')).toBe(true);
      expect(html).toContain('href="https://site.test/about"');
      expect(html).toContain('src="https://site.test/img/a.png"');
      expect(html).not.toMatch(/(href|src)="(?!https?:)/);
    }
  });
});
