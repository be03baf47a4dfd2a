/**
 * buildFeed on article records that never went through the article input (no cleaning, no
 * sanitizing): whatever a record's text holds, every format is well-formed, the text reaches
 * readers as it was (less the characters XML forbids; line breaks in titles and names as
 * spaces), and none of it becomes markup or a script URL. The article HTML here is hostile to
 * XML only: making HTML inert is the input's job (tests/unit/sanitize.test.ts).
 */
import { parseFeed } from '@rowanmanning/feed-parser';
import { parseFeed as parseAnyFeed } from 'feedsmith';
import { SaxesParser, type SaxesTagNS } from 'saxes';
import { describe, expect, it } from 'vitest';
import { buildFeed, type FeedDocumentInput } from '../../src/feeds/build.js';
import { feedLinks } from '../../src/feeds/links.js';
import type { ArticleRecord } from '../../src/storage/articles.js';
import { testConfig } from '../support/deps.js';
import { assertWellFormedXml } from '../support/xml.js';
import { activeContent } from '../support/active-content.js';

// --- Hostile text -------------------------------------------------------------------------

/** Every kind of character XML 1.0 forbids: C0 controls, U+FFFE/U+FFFF, lone surrogates. */
const ILLEGAL = '\u0000\u0001\u0008\u000b\u000c\u000e\u001f\ufffe\uffff\udfff\ud800';
const NASTY =
  `]]> ]]>]]> <![CDATA[ <script>alert(1)</script> <b onmouseover="alert(1)">b</b> <img src=x onerror=alert(1)> ` +
  `&amp; &lt; &#0; "q" 'a'\ttab </channel></rss> <entry></entry></feed> \u202e 🕌👩🏽‍💻 ${ILLEGAL}x`;
const titleHead = `عنوان\r\n${NASTY}\nسطر `;
const TITLE = titleHead + 'ط'.repeat(10_000 - titleHead.length);
const SUMMARY = `ملخص ${NASTY}\r\nفقرة ثانية`;
const CONTENT = `<p>نص ${ILLEGAL}]]> ]]>]]> <![CDATA[ &amp; &lt;script&gt; \u202e 🕌</p></content:encoded></item></entry><p>]]>`;
const AUTHOR = `كاتب\r\nX-Injected: 1 ${NASTY} R&amp;D`;
const SECTION = `قسم\r\n${NASTY} أخير`;
const TAG = `وسم "اقتباس" ${NASTY} نهاية`;
const ALT = `صورة\r\n${NASTY} وصف`;
const SITE_TITLE = `نشرة: ${NASTY} R&amp;D`;

// What readers should get back, computed independently of src/feeds/xml-text.ts.
const XML_ILLEGAL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;
const shown = (s: string) => s.replace(XML_ILLEGAL, '');
const oneLine = (s: string) => shown(s).replace(/[\r\n]+/g, ' ');
/** Multi-line text as an XML parser reports it: XML reads every CR LF and lone CR as LF. */
const xmlLines = (s: string) => shown(s).replace(/\r\n?/g, '\n');
const rtl = (html: string) => `<div dir="rtl" lang="ar">\u200f${html}</div>`;
const unescapeHtml = (s: string) =>
  s.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&amp;/g, '&');

// --- Records, straight to buildFeed --------------------------------------------------------

const config = testConfig();
const AT = new Date('2026-11-29T07:00:00Z');
const EDITED = new Date('2026-11-29T07:30:00Z');

function record(id: string, urls: { canonicalUrl: string; imageUrl: string }): ArticleRecord {
  return {
    id, slug: `slug-"<&>-${id}`, title: TITLE, summary: SUMMARY, contentHtml: CONTENT, language: 'ar',
    sectionId: 'sec', authorId: 'aut', imageType: 'IMAGE/JPG ', imageLength: 51234, imageAlt: ALT,
    status: 'published', publishedAt: AT, listedAt: AT, createdAt: AT, updatedAt: EDITED, ...urls,
    section: { id: 'sec', slug: `opinion"<&>\r\n'x`, name: SECTION, isCommentary: true },
    author: { id: 'aut', slug: 'writer"<', name: AUTHOR },
    tags: [{ id: 'tag', slug: 'tag-"<&>', name: TAG }, { id: 'none', slug: 'nameless', name: '' }],
  };
}

/** Safe URLs with characters that need escaping, and a record whose URLs are script URLs. */
const HOSTILE = record('01HOSTILE"<&>]]>', { canonicalUrl: 'https://site.test/articles/x?a=1&b=<script>', imageUrl: 'https://site.test/p/a.jpg?x=1&y="<x>"' });
const SCRIPTED = record('01SCRIPTED', { canonicalUrl: ' JavaScript:alert(document.cookie)', imageUrl: 'javascript:alert(1)' });
const LINK = 'https://site.test/articles/x?a=1&b=%3Cscript%3E';
const IMAGE = 'https://site.test/p/a.jpg?x=1&y=%22%3Cx%3E%22';

function input(items: ArticleRecord[] = [HOSTILE, SCRIPTED]): FeedDocumentInput {
  const scope = { path: '/authors/writer' };
  const links = { rss: feedLinks(config, scope, 'rss', undefined, 0), atom: feedLinks(config, scope, 'atom', undefined, 0), json: feedLinks(config, scope, 'json', undefined, 0) };
  return { scope: { title: SITE_TITLE, description: `وصف ${NASTY}`, homeUrl: 'https://site.test' }, items, updated: EDITED, links };
}

// --- A strict, namespace-aware tree of the document -----------------------------------------

type El = { name: string; local: string; uri: string; attrs: Record<string, string>; text: string; children: El[] };

function tree(xml: string): El {
  assertWellFormedXml(xml);
  const root: El = { name: '#doc', local: '', uri: '', attrs: {}, text: '', children: [] };
  const stack = [root];
  const parser = new SaxesParser({ xmlns: true });
  parser.on('opentag', (t: SaxesTagNS) => {
    const el: El = { name: t.name, local: t.local, uri: t.uri, attrs: Object.fromEntries(Object.values(t.attributes).map((a) => [a.name, a.value])), text: '', children: [] };
    stack[stack.length - 1]!.children.push(el);
    stack.push(el);
  });
  parser.on('text', (x) => void (stack[stack.length - 1]!.text += x));
  parser.on('cdata', (x) => void (stack[stack.length - 1]!.text += x));
  parser.on('closetag', () => void stack.pop());
  parser.write(xml).close();
  return root.children[0]!;
}
const all = (el: El): El[] => [el, ...el.children.flatMap(all)];
const kids = (el: El, name: string) => el.children.filter((c) => c.name === name);
const kid = (el: El, name: string) => kids(el, name)[0] as El;

/** Nothing in the document's own markup can run: no script element, handler or script URL. */
function expectNoActiveMarkup(xml: string, doc: El) {
  for (const el of all(doc)) {
    expect(el.local.toLowerCase(), el.name).not.toBe('script');
    for (const [name, value] of Object.entries(el.attrs)) {
      expect(name.toLowerCase().startsWith('on'), `${el.name}[${name}]`).toBe(false);
      expect(value.replace(/[\u0000-\u0020]/g, ''), `${el.name}[${name}]`).not.toMatch(/^(javascript|data|vbscript):/i);
    }
  }
  // The only script URLs were the SCRIPTED record's link and image: they are left out entirely.
  expect(xml).not.toMatch(/javascript:/i);
}

const RFC822 = /^(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d{2} (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{4} \d{2}:\d{2}:\d{2} GMT$/;
const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

describe('RSS from raw article records', () => {
  const xml = buildFeed(config, input(), 'rss');
  // Parsed in each test, so a document that is not well-formed fails each one, with the reason.
  const parts = () => {
    const rss = tree(xml);
    const channel = kid(rss, 'channel');
    const [item, scripted] = kids(channel, 'item') as [El, El];
    return { rss, channel, item, scripted };
  };

  it('is well-formed, with exactly the items given and no markup from their text', () => {
    const { rss, channel } = parts();
    expect(rss.name).toBe('rss');
    expect(kids(channel, 'item')).toHaveLength(2);
    expect(kid(channel, 'title').text).toBe(shown(SITE_TITLE));
    expectNoActiveMarkup(xml, rss);
  });

  it('writes each field with its text intact', () => {
    const { item } = parts();
    // Title and description are HTML: unescaped once, the text is back; as HTML, nothing in it is active.
    expect(unescapeHtml(kid(item, 'title').text)).toBe(oneLine(TITLE));
    expect(unescapeHtml(kid(item, 'title').text)).toHaveLength(10_000 - ILLEGAL.length - 1);
    expect(unescapeHtml(kid(item, 'description').text)).toBe(xmlLines(SUMMARY));
    for (const html of ['title', 'description']) expect(activeContent(kid(item, html).text), html).toEqual([]);
    expect(kid(item, 'content:encoded')).toMatchObject({ uri: 'http://purl.org/rss/1.0/modules/content/', text: xmlLines(rtl(CONTENT)) });
    expect(kid(item, 'link').text).toBe(LINK);
    expect(kid(item, 'guid')).toMatchObject({ text: shown(`urn:nashra:article:${HOSTILE.id}`), attrs: { isPermaLink: 'false' } });
    expect(kid(item, 'pubDate').text).toMatch(RFC822);
    expect(new Date(kid(item, 'pubDate').text).getTime()).toBe(AT.getTime());
    expect(kid(item, 'dc:creator')).toMatchObject({ uri: 'http://purl.org/dc/elements/1.1/', text: oneLine(AUTHOR) });
    expect(kids(item, 'category').map((c) => c.text)).toEqual([oneLine(SECTION), oneLine(TAG)]);
  });

  it('describes the image with its registered type, real length and alt text, and leaves out script URLs', () => {
    const { item, scripted } = parts();
    expect(kid(item, 'enclosure').attrs).toEqual({ url: IMAGE, type: 'image/jpeg', length: '51234' });
    const media = kid(item, 'media:content');
    expect(media).toMatchObject({ uri: 'http://search.yahoo.com/mrss/', attrs: { url: IMAGE, type: 'image/jpeg', medium: 'image', fileSize: '51234' } });
    expect(kid(media, 'media:description').text).toBe(oneLine(ALT));
    expect(kid(item, 'media:thumbnail').attrs.url).toBe(IMAGE);
    for (const name of ['link', 'enclosure', 'media:content', 'media:thumbnail']) expect(kids(scripted, name), name).toEqual([]);
  });

  it('reads back the same in feed readers', () => {
    const [first, second] = parseFeed(xml).items.map((i) => i.toJSON());
    expect(first).toMatchObject({ title: oneLine(TITLE), description: xmlLines(SUMMARY), url: LINK });
    // feed-parser decodes entities in the HTML it returns; the exact content is checked above.
    expect(first?.content).toContain('<p>نص ]]> ]]>]]> <![CDATA[ & <script> \u202e 🕌</p></content:encoded></item></entry><p>]]></div>');
    expect(first?.media.map((m) => [m.url, m.mimeType, m.length])).toContainEqual([IMAGE, 'image/jpeg', 51234]);
    expect(second).toMatchObject({ title: oneLine(TITLE), url: null, media: [] });
    // feedsmith for names: feed-parser decodes entities in plain-text fields a second time, so a
    // literal "&amp;" in a name would come back as "&" from it whatever the document said.
    const parsed = parseAnyFeed(xml);
    expect(parsed.format).toBe('rss');
    const items = (parsed.feed as { items: { dc?: { creators?: string[] }; categories?: { name: string }[] }[] }).items;
    expect(items[0]?.dc?.creators).toEqual([oneLine(AUTHOR)]);
    expect(items[0]?.categories?.map((c) => c.name)).toEqual([oneLine(SECTION), oneLine(TAG)]);
  });
});

describe('Atom from raw article records', () => {
  const xml = buildFeed(config, input(), 'atom');
  const parts = () => {
    const feed = tree(xml);
    const [entry, scripted] = kids(feed, 'entry') as [El, El];
    return { feed, entry, scripted };
  };

  it('is well-formed, with exactly the entries given and no markup from their text', () => {
    const { feed } = parts();
    expect(feed).toMatchObject({ name: 'feed', uri: 'http://www.w3.org/2005/Atom', attrs: { 'xml:lang': 'ar' } });
    expect(kids(feed, 'entry')).toHaveLength(2);
    expect(kid(feed, 'title').text).toBe(shown(SITE_TITLE));
    expectNoActiveMarkup(xml, feed);
  });

  it('writes each field with its text intact', () => {
    const { entry } = parts();
    for (const html of ['title', 'summary', 'content']) {
      expect(kid(entry, html).attrs.type, html).toBe('html');
      if (html !== 'content') expect(activeContent(kid(entry, html).text), html).toEqual([]);
    }
    expect(unescapeHtml(kid(entry, 'title').text)).toBe(oneLine(TITLE));
    expect(unescapeHtml(kid(entry, 'summary').text)).toBe(xmlLines(SUMMARY));
    expect(kid(entry, 'content').text).toBe(xmlLines(rtl(CONTENT)));
    expect(kid(entry, 'id').text).toBe(shown(`urn:nashra:article:${HOSTILE.id}`));
    expect(kid(entry, 'updated').text).toMatch(RFC3339);
    expect(new Date(kid(entry, 'updated').text).getTime()).toBe(EDITED.getTime());
    expect(new Date(kid(entry, 'published').text).getTime()).toBe(AT.getTime());
    expect(kid(kid(entry, 'author'), 'name').text).toBe(oneLine(AUTHOR));
    expect(kids(entry, 'category').map((c) => c.attrs)).toEqual([
      { label: oneLine(SECTION), term: oneLine(HOSTILE.section.slug) },
      { label: oneLine(TAG), term: 'tag-"<&>' },
    ]);
  });

  it('links the article and the image with its registered type and real length, and leaves out script URLs', () => {
    const { entry, scripted } = parts();
    expect(kids(entry, 'link').map((l) => l.attrs)).toEqual([
      { rel: 'alternate', href: LINK },
      { rel: 'enclosure', href: IMAGE, type: 'image/jpeg', length: '51234' },
    ]);
    expect(kids(scripted, 'link')).toEqual([]);
  });

  it('reads back the same in feed readers', () => {
    const [first, second] = parseFeed(xml).items.map((i) => i.toJSON());
    expect(first).toMatchObject({ title: oneLine(TITLE), description: xmlLines(SUMMARY), url: LINK });
    // feed-parser decodes entities in the HTML it returns; the exact content is checked above.
    expect(first?.content).toContain('<p>نص ]]> ]]>]]> <![CDATA[ & <script> \u202e 🕌</p></content:encoded></item></entry><p>]]></div>');
    expect(first?.media.map((m) => [m.url, m.mimeType, m.length])).toContainEqual([IMAGE, 'image/jpeg', 51234]);
    expect(second).toMatchObject({ title: oneLine(TITLE), url: null, media: [] });
    const parsed = parseAnyFeed(xml);
    expect(parsed.format).toBe('atom');
    const entries = (parsed.feed as { entries: { authors?: { name: string }[]; categories?: { label?: string; term: string }[] }[] }).entries;
    expect(entries[0]?.authors?.map((a) => a.name)).toEqual([oneLine(AUTHOR)]);
    expect(entries[0]?.categories?.map((c) => c.label)).toEqual([oneLine(SECTION), oneLine(TAG)]);
  });
});

describe('JSON Feed from raw article records', () => {
  const json = buildFeed(config, input(), 'json');

  it('is laid out exactly as JSON.stringify(…, null, 2) lays it out, with items or without', () => {
    for (const body of [json, buildFeed(config, input([]), 'json')]) {
      expect(body).toBe(JSON.stringify(JSON.parse(body), null, 2));
    }
  });

  it('is JSON Feed 1.1 whose text is intact, with no lone surrogate and no script URL', () => {
    const parsed = parseAnyFeed(json);
    expect(parsed.format).toBe('json');
    const doc = JSON.parse(json) as Record<string, any>;
    expect(doc).toMatchObject({ version: 'https://jsonfeed.org/version/1.1', language: 'ar', title: shown(SITE_TITLE) });
    expect(doc.items[0]).toEqual({
      id: shown(`urn:nashra:article:${HOSTILE.id}`),
      content_html: shown(rtl(CONTENT)),
      url: LINK,
      title: oneLine(TITLE),
      summary: shown(SUMMARY),
      image: IMAGE,
      date_modified: EDITED.toISOString(),
      date_published: AT.toISOString(),
      tags: [oneLine(SECTION), oneLine(TAG)],
      authors: [{ name: oneLine(AUTHOR) }],
      language: 'ar',
      attachments: [{ url: IMAGE, mime_type: 'image/jpeg', size_in_bytes: 51234 }],
    });
    for (const key of ['url', 'image', 'attachments']) expect(doc.items[1], key).not.toHaveProperty(key);
    const items = (parsed.feed as { items: { title?: string; authors?: { name?: string }[]; tags?: string[] }[] }).items;
    expect(items.map((i) => [i.title, i.authors?.[0]?.name, i.tags])).toEqual([
      [oneLine(TITLE), oneLine(AUTHOR), [oneLine(SECTION), oneLine(TAG)]],
      [oneLine(TITLE), oneLine(AUTHOR), [oneLine(SECTION), oneLine(TAG)]],
    ]);
    expect(json).not.toMatch(/\\ud[89a-f][0-9a-f]{2}/i);
    expect(json).not.toMatch(/javascript:/i);
  });
});

describe('the same input', () => {
  it('gives byte-identical documents, whatever was built before', () => {
    for (const format of ['rss', 'atom', 'json'] as const) {
      const first = buildFeed(config, input(), format);
      buildFeed(config, input([SCRIPTED]), format === 'rss' ? 'atom' : 'rss');
      expect(buildFeed(config, structuredClone(input()), format), format).toBe(first);
    }
  });

  it('with no items still gives well-formed documents that declare what items would use', () => {
    const rss = tree(buildFeed(config, input([]), 'rss'));
    expect(kids(kid(rss, 'channel'), 'item')).toEqual([]);
    expect(rss.attrs).toMatchObject({ 'xmlns:dc': 'http://purl.org/dc/elements/1.1/', 'xmlns:content': 'http://purl.org/rss/1.0/modules/content/' });
    expect(kids(tree(buildFeed(config, input([]), 'atom')), 'entry')).toEqual([]);
    expect(JSON.parse(buildFeed(config, input([]), 'json')).items).toEqual([]);
  });
});
