/** `/feeds.opml` inside workerd: every feed listed, and every listed feed readable in each format. */
import { beforeEach, describe, expect, it } from 'vitest';
import { BASE, createArticle } from './support/api.js';
import { feedLinks, getOk, itemTitles } from './support/feeds.js';
import { findAll, parseXml } from './support/xml.js';

const enc = encodeURIComponent;

beforeEach(async () => {
  const layla = { name: 'ليلى بنعلي', slug: 'layla-benali' };
  const said = { name: 'سعيد الإدريسي', slug: 'said-idrissi' };
  await createArticle({ title: 'أ', section: { name: 'رأي', slug: 'opinion' }, author: layla, tags: ['المغرب', 'اقتصاد'] });
  await createArticle({ title: 'ب', section: { name: 'تحليل', slug: 'analysis' }, author: said, tags: [{ name: 'Climate', slug: 'climate' }] });
});

const EXPECTED = [
  '/feed.rss',
  '/sections/analysis/feed.rss',
  '/sections/opinion/feed.rss',
  '/authors/said-idrissi/feed.rss',
  '/authors/layla-benali/feed.rss',
  '/tags/climate/feed.rss',
  `/tags/${enc('اقتصاد')}/feed.rss`,
  `/tags/${enc('المغرب')}/feed.rss`,
].map((p) => `${BASE}${p}`);

async function listedFeeds() {
  const res = await getOk('/feeds.opml');
  expect(res.res.headers.get('content-type')).toBe('text/x-opml; charset=utf-8');
  const opml = parseXml(res.body); // strict: throws unless well-formed
  expect(opml.attrs.version).toBe('2.0');
  return findAll(opml, 'outline').filter((o) => o.attrs.xmlUrl);
}

describe('the feed list (OPML)', () => {
  it('lists the site feed first, then every section, author and tag feed', async () => {
    const outlines = await listedFeeds();
    const urls = outlines.map((o) => o.attrs.xmlUrl);
    expect(urls[0]).toBe(`${BASE}/feed.rss`);
    expect([...urls].sort()).toEqual([...EXPECTED].sort());
    expect(outlines.every((o) => o.attrs.type === 'rss' && o.attrs.language === 'ar')).toBe(true);
  });

  it('every listed feed parses in every format, strictly, in Arabic, with items', async () => {
    for (const outline of await listedFeeds()) {
      const rssPath = (outline.attrs.xmlUrl as string).slice(BASE.length);
      const title = outline.attrs.title as string;

      const rss = parseXml((await getOk(rssPath)).body);
      expect(rss.name, rssPath).toBe('rss');
      expect(findAll(rss, 'language').map((l) => l.text), rssPath).toEqual(['ar']);
      expect(findAll(rss, 'title')[0]?.text, rssPath).toBe(title);
      expect(findAll(rss, 'item').length, rssPath).toBeGreaterThan(0);

      const atomPath = rssPath.replace(/rss$/, 'atom');
      const atomBody = (await getOk(atomPath)).body;
      const atom = parseXml(atomBody);
      expect(atom.uri, atomPath).toBe('http://www.w3.org/2005/Atom');
      expect(atom.attrs['xml:lang'], atomPath).toBe('ar');
      expect(itemTitles('atom', atomBody).length, atomPath).toBeGreaterThan(0);
      expect(feedLinks('atom', atomBody).self, atomPath).toBe(`${BASE}${atomPath}`);

      const jsonPath = rssPath.replace(/rss$/, 'json');
      const json = JSON.parse((await getOk(jsonPath)).body) as Record<string, unknown> & { items: { id: string; content_html: string }[] };
      expect(json, jsonPath).toMatchObject({ version: 'https://jsonfeed.org/version/1.1', language: 'ar', title, feed_url: `${BASE}${jsonPath}` });
      expect(json.items.length, jsonPath).toBeGreaterThan(0);
      expect(json.items.every((i) => typeof i.id === 'string' && typeof i.content_html === 'string'), jsonPath).toBe(true);
    }
  });
});
