/**
 * Hostile text in every field of an article, served by the worker: RSS and Atom stay
 * well-formed for a strict XML parser, JSON stays JSON, text keeps its characters (less the
 * ones XML forbids), and nothing a reader shows as HTML can run.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { admin, articleInput, createArticle } from './support/api.js';
import { activeContent } from '../support/active-content.js';
import { fetchWorker, getOk } from './support/feeds.js';
import { findAll, parseXml, type XmlElement } from './support/xml.js';

const RLO = '\u202e';
const NASTY = `]]> ]]> <script>alert(1)</script> <b onmouseover="alert(1)">x</b> <entry> </feed> & &lt; &#0; ${RLO} 🕌👩🏽‍💻`;
const CONTROLS = '\u0001\u0008\u000b\u000c\u001f';

const titleHead = `عنوان ${CONTROLS}${NASTY} `;
const TITLE = titleHead + 'ط'.repeat(10_000 - titleHead.length); // 10,000 characters as sent
const SHOWN_TITLE = TITLE.replace(/[\u0001\u0008\u000b\u000c\u001f]/g, '');
const AUTHOR = `كاتب\r\nX-Injected: 1 ${NASTY}`;
const SHOWN_AUTHOR = `كاتب X-Injected: 1 ${NASTY}`;
const SECTION = `قسم\r\n${NASTY}`;
const TAG = `وسم "اقتباس" 'مفرد' ${NASTY}`;
const IMAGE_URL = 'https://site.test/p/a.jpg?x=1&y="<x>"';

const CONTENT = [
  `<p onclick="x()" style="background:url(javascript:alert(1))">نص ${CONTROLS}\ufffe ]]> ]]><script>alert(1)</script>`,
  '<a href="javascript:alert(1)">رابط</a> <a href=" JaVa&#x0A;ScRiPt:alert(2)">٢</a> <a href="data:text/html,<script>alert(3)</script>">٣</a>',
  '<img src="x" onerror="alert(1)"><svg onload="alert(1)"><script>alert(2)</script></svg><iframe src="javascript:alert(1)"></iframe>',
  `<math><mi xlink:href="javascript:alert(1)">m</mi></math><form action="javascript:alert(1)"><button formaction="javascript:alert(1)">b</button></form>`,
  `${RLO} 🕌</p><entry><title>حقن</title></entry>]]>`,
].join('');

const PATHS = ['', '/authors/hostile-writer', '/sections/hostile-section', '/tags/hostile-tag'];

const child = (el: XmlElement | undefined, name: string) => el?.children.find((c) => c.name === name);
const unescapeHtml = (s: string) => s.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&amp;/g, '&');

describe('hostile content in every field', () => {
  beforeEach(async () => {
    await createArticle({ title: 'مقال عادي', publishedAt: '2025-11-01T06:00:00Z' });
    await createArticle({
      title: TITLE,
      summary: `ملخص ${CONTROLS} ${NASTY} \ud800`,
      contentHtml: CONTENT,
      section: { name: SECTION, slug: 'hostile-section' },
      author: { name: AUTHOR, slug: 'hostile-writer' },
      tags: [{ name: TAG, slug: 'hostile-tag' }, 'المغرب'],
      image: { url: IMAGE_URL, type: 'image/jpeg', length: 10, alt: `صورة\r\n${CONTROLS}${NASTY}` },
      canonicalUrl: 'https://site.test/articles/x?a=1&b=<script>',
      publishedAt: '2025-11-02T06:00:00Z',
    });
  });

  it('gives well-formed RSS whose HTML fields hold nothing active and whose text is intact', async () => {
    for (const path of PATHS) {
      const rss = parseXml((await getOk(`${path}/feed.rss`)).body); // throws unless well-formed
      const item = findAll(rss, 'item')[0];
      // RSS titles are escaped as HTML, as readers treat them: unescaped, the text is intact.
      expect(child(item, 'title')?.text, path).not.toMatch(/<script/);
      expect(unescapeHtml(child(item, 'title')?.text ?? ''), path).toBe(SHOWN_TITLE);
      expect(unescapeHtml(child(item, 'title')?.text ?? '').length, path).toBe(10_000 - CONTROLS.length);
      expect(child(item, 'dc:creator')?.text, path).toBe(SHOWN_AUTHOR);
      for (const html of ['description', 'content:encoded']) {
        expect(activeContent(child(item, html)?.text ?? ''), `${path} ${html}`).toEqual([]);
      }
      expect(child(item, 'content:encoded')?.text, path).toContain('رابط');
      expect(findAll(item as XmlElement, 'category').map((c) => c.text), path).toContain(TAG);
      expect(findAll(item as XmlElement, 'media:description')[0]?.text, path).toBe(`صورة ${NASTY}`);
    }
    const authorFeed = parseXml((await getOk('/authors/hostile-writer/feed.rss')).body);
    expect(child(child(authorFeed, 'channel'), 'title')?.text).toBe(`نشرة: ${SHOWN_AUTHOR}`);
  });

  it('gives well-formed Atom whose html-typed fields hold nothing active, with one enclosure where it belongs', async () => {
    for (const path of PATHS) {
      const atom = parseXml((await getOk(`${path}/feed.atom`)).body);
      const entries = findAll(atom, 'entry');
      expect(entries, path).toHaveLength(path === '' ? 2 : 1); // no entry injected by <entry> in text
      const entry = entries[0];
      for (const field of ['title', 'summary', 'content']) {
        expect(child(entry, field)?.attrs.type, `${path} ${field}`).toBe('html');
        expect(activeContent(child(entry, field)?.text ?? ''), `${path} ${field}`).toEqual([]);
      }
      expect(unescapeHtml(child(entry, 'title')?.text ?? ''), path).toBe(SHOWN_TITLE);
      expect(child(child(entry, 'author'), 'name')?.text, path).toBe(SHOWN_AUTHOR);
      // Each entry carries its own enclosure: only the hostile entry has one.
      const enclosures = findAll(atom, 'link').filter((l) => l.attrs.rel === 'enclosure');
      expect(enclosures, path).toHaveLength(1);
      expect(entry?.children, path).toContain(enclosures[0]);
      expect(new URL(enclosures[0]?.attrs.href as string).searchParams.get('y'), path).toBe('"<x>"');
      expect(findAll(entry as XmlElement, 'category').some((c) => (c.attrs.label ?? '').startsWith('وسم "اقتباس"')), path).toBe(true);
    }
  });

  it('gives valid JSON Feed with the text intact and nothing active in content_html', async () => {
    for (const path of PATHS) {
      const doc = JSON.parse((await getOk(`${path}/feed.json`)).body) as { items: { title: string; content_html: string; authors: { name: string }[] }[] };
      const [item] = doc.items;
      expect(item?.title, path).toBe(SHOWN_TITLE);
      expect(item?.authors[0]?.name, path).toBe(SHOWN_AUTHOR);
      expect(activeContent(item?.content_html ?? ''), path).toEqual([]);
      expect(item?.content_html, path).toContain('رابط');
    }
  });

  it('keeps the feed list well-formed with the hostile names in it', async () => {
    const opml = parseXml((await getOk('/feeds.opml')).body);
    const titles = findAll(opml, 'outline').map((o) => o.attrs.title);
    expect(titles).toContain(`نشرة: ${SHOWN_AUTHOR}`);
    expect(titles).toContain(`نشرة: #${TAG}`);
  });

  it('refuses script URLs where an article takes a URL', async () => {
    for (const field of [{ canonicalUrl: 'javascript:alert(1)' }, { image: { url: 'javascript:alert(1)', type: 'image/jpeg', length: 1 } }]) {
      const res = await admin('/api/admin/articles', 'POST', articleInput(field));
      expect(res.status, Object.keys(field)[0]).toBe(400);
    }
    expect((await fetchWorker('/feed.json')).body).not.toContain('javascript:');
  });
});

describe('a literal "&amp;" in a name', () => {
  // Entities in text are escaped once more, never taken as already escaped, so RSS and Atom
  // readers see these five characters as JSON readers do.
  it('reaches RSS and Atom readers unchanged, as it reaches JSON readers', async () => {
    await createArticle({ author: { name: 'مختبر R&amp;D', slug: 'rnd' } });
    const rss = parseXml((await getOk('/authors/rnd/feed.rss')).body);
    const atom = parseXml((await getOk('/authors/rnd/feed.atom')).body);
    const json = JSON.parse((await getOk('/authors/rnd/feed.json')).body) as { title: string };
    expect(json.title).toBe('نشرة: مختبر R&amp;D');
    expect(child(child(rss, 'channel'), 'title')?.text).toBe('نشرة: مختبر R&amp;D');
    expect(findAll(rss, 'dc:creator')[0]?.text).toBe('مختبر R&amp;D');
    expect(child(child(findAll(atom, 'entry')[0], 'author'), 'name')?.text).toBe('مختبر R&amp;D');
  });
});

describe('the active-content check used above', () => {
  it('finds scripts, handlers, styles and script URLs, and passes plain markup', () => {
    expect(activeContent('<p>نص <a href="https://x.test/">رابط</a> &lt;script&gt;</p>')).toEqual([]);
    expect(activeContent('<script>x</script>')).toEqual(['<script>']);
    expect(activeContent('<p onclick="x">a</p>')).toEqual(['p[onclick]']);
    expect(activeContent('<a href=" java\nscript:x">a</a>')).toHaveLength(1);
    expect(activeContent('<img src="data:image/svg+xml,x">')).toHaveLength(1);
    expect(activeContent('<p style="x">a</p>')).toEqual(['p[style]']);
  });
});
