/** RSS, Atom and JSON Feed served by the worker: headers, language, content and caching. */
import { describe, expect, it } from 'vitest';
import { escapeHtml } from '../../src/text/html.js';
import { call, createArticle, type ArticleJson } from './support/api.js';
import { findAll, parseXml } from './support/xml.js';

const FEEDS = [
  { path: '/feed.rss', type: 'application/rss+xml; charset=utf-8' },
  { path: '/feed.atom', type: 'application/atom+xml; charset=utf-8' },
  { path: '/feed.json', type: 'application/feed+json; charset=utf-8' },
] as const;

const FULL_TEXT = '<p>الفقرة الأولى من النص الكامل.</p><blockquote><p>اقتباس &amp; تعليق</p></blockquote><p>الفقرة الأخيرة.</p>';

/** Two published pieces (one with the full text above) and one draft. */
async function publishSome(): Promise<{ published: ArticleJson[]; draft: ArticleJson }> {
  const first = await createArticle({ title: 'الملكية الروحية والدبلوماسية', contentHtml: FULL_TEXT, tags: ['المغرب'] });
  const second = await createArticle({ title: 'الرقمنة & الفلاح: <البيانات> ]]> بديلًا عن "الحدس" ]]>' });
  const draft = await createArticle({ title: 'مسودة لم تنشر بعد', status: 'draft' });
  return { published: [first, second], draft };
}

async function get(path: string, headers: Record<string, string> = {}) {
  const res = await call(path, { headers });
  return { res, body: await res.text() };
}

describe('feeds', () => {
  it('serve each format with its content type, ETag and caching headers', async () => {
    await publishSome();
    for (const { path, type } of FEEDS) {
      const { res, body } = await get(path);
      expect(res.status, path).toBe(200);
      expect(res.headers.get('content-type'), path).toBe(type);
      expect(res.headers.get('etag'), path).toMatch(/^"[0-9a-f]{32}"$/);
      expect(res.headers.get('last-modified'), path).toMatch(/GMT$/);
      expect(res.headers.get('cache-control'), path).toContain('max-age=');
      expect(body.length, path).toBeGreaterThan(0);
    }
  });

  it('RSS is well-formed XML declaring Arabic, with the full text of published pieces only', async () => {
    const { published, draft } = await publishSome();
    const rss = parseXml((await get('/feed.rss')).body);
    expect(rss.name).toBe('rss');
    expect(rss.attrs.version).toBe('2.0');
    expect(findAll(rss, 'language').map((l) => l.text)).toEqual(['ar']);
    const items = findAll(rss, 'item');
    // RSS item titles are escaped as HTML (readers treat them as HTML).
    const unescape = (s = '') => s.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&amp;/g, '&');
    const titles = items.map((i) => unescape(findAll(i, 'title')[0]?.text));
    expect(titles.sort()).toEqual(published.map((a) => a.title).sort());
    expect(titles).not.toContain(draft.title);
    const encoded = findAll(rss, 'content:encoded').map((c) => c.text);
    expect(encoded.some((html) => html.includes(FULL_TEXT))).toBe(true);
  });

  it('Atom is well-formed XML with xml:lang="ar", with the full text of published pieces only', async () => {
    const { published, draft } = await publishSome();
    const atom = parseXml((await get('/feed.atom')).body);
    expect(atom.name).toBe('feed');
    expect(atom.uri).toBe('http://www.w3.org/2005/Atom');
    expect(atom.attrs['xml:lang']).toBe('ar');
    const entries = findAll(atom, 'entry');
    // Atom entry titles are type="html": plain text arrives escaped as HTML.
    const titles = entries.map((e) => findAll(e, 'title')[0]);
    expect(titles.every((t) => t?.attrs.type === 'html')).toBe(true);
    expect(titles.map((t) => t?.text).sort()).toEqual(published.map((a) => escapeHtml(a.title)).sort());
    expect(titles.map((t) => t?.text)).not.toContain(escapeHtml(draft.title));
    const contents = entries.flatMap((e) => findAll(e, 'content'));
    expect(contents.every((c) => c.attrs.type === 'html')).toBe(true);
    expect(contents.some((c) => c.text.includes(FULL_TEXT))).toBe(true);
  });

  it('JSON Feed is version 1.1 with "language": "ar", with the full text of published pieces only', async () => {
    const { published, draft } = await publishSome();
    const doc = JSON.parse((await get('/feed.json')).body) as {
      version: string;
      language: string;
      items: { id: string; title: string; content_html: string; authors?: { name: string }[] }[];
    };
    expect(doc.version).toBe('https://jsonfeed.org/version/1.1');
    expect(doc.language).toBe('ar');
    expect(doc.items.map((i) => i.title).sort()).toEqual(published.map((a) => a.title).sort());
    expect(doc.items.map((i) => i.title)).not.toContain(draft.title);
    expect(doc.items.some((i) => i.content_html.includes(FULL_TEXT))).toBe(true);
    expect(doc.items.every((i) => i.authors?.[0]?.name === 'ليلى بنعلي')).toBe(true);
  });

  it('the strict parser used above rejects what is not well-formed', () => {
    expect(() => parseXml('<rss><channel></rss>')).toThrow();
    expect(() => parseXml('<feed><x:lang/></feed>')).toThrow(); // unbound namespace prefix
    expect(() => parseXml('<p>a & b</p>')).toThrow();
  });

  it('an empty site still serves well-formed feeds', async () => {
    expect(findAll(parseXml((await get('/feed.rss')).body), 'item')).toEqual([]);
    expect(findAll(parseXml((await get('/feed.atom')).body), 'entry')).toEqual([]);
    expect(JSON.parse((await get('/feed.json')).body).items).toEqual([]);
  });
});

describe('feed caching', () => {
  it('answers If-None-Match with the current ETag by 304 and no body', async () => {
    await publishSome();
    for (const { path } of FEEDS) {
      const etag = (await get(path)).res.headers.get('etag') as string;
      const { res, body } = await get(path, { 'if-none-match': etag });
      expect(res.status, path).toBe(304);
      expect(body, path).toBe('');
      expect(res.headers.get('etag'), path).toBe(etag);
      expect((await get(path, { 'if-none-match': '"something-else"' })).res.status, path).toBe(200);
    }
  });

  it('serves byte-identical bodies for an unchanged feed, even seconds apart', async () => {
    await publishSome();
    const first = await Promise.all(FEEDS.map(async ({ path }) => (await call(path)).arrayBuffer()));
    // Past a second boundary: a feed stamped with "now" would differ in its build date.
    await scheduler.wait(1100);
    const second = await Promise.all(FEEDS.map(async ({ path }) => (await call(path)).arrayBuffer()));
    for (let i = 0; i < FEEDS.length; i++) {
      expect(new Uint8Array(second[i] as ArrayBuffer), FEEDS[i]?.path).toEqual(new Uint8Array(first[i] as ArrayBuffer));
    }
  });

  it('changes the ETag when a piece is published', async () => {
    await publishSome();
    const before = await Promise.all(FEEDS.map(async ({ path }) => (await call(path)).headers.get('etag')));
    await createArticle({ title: 'مقال جديد بعد أول طلب' });
    const after = await Promise.all(FEEDS.map(async ({ path }) => (await call(path)).headers.get('etag')));
    for (let i = 0; i < FEEDS.length; i++) expect(after[i], FEEDS[i]?.path).not.toBe(before[i]);
  });
});
