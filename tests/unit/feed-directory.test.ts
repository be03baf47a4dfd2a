import { parseFeed } from '@rowanmanning/feed-parser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedIfEmpty } from '../../src/seed/articles.js';
import { createTestApp, createTestDeps, type TestDeps } from '../support/deps.js';
import { addArticle } from '../support/fixtures.js';
import { assertWellFormedXml } from '../support/xml.js';

let deps: TestDeps;
let app: ReturnType<typeof createTestApp>;
beforeAll(async () => {
  deps = createTestDeps({ now: '2026-11-29T08:00:00Z' });
  app = createTestApp(deps);
  await seedIfEmpty(deps);
  // A draft's new tag has no published article: its (empty) feed is not listed.
  await addArticle(deps, { status: 'draft', publishedAt: undefined, tags: [{ name: 'مسودة', slug: 'draft-only' }] });
});
afterAll(() => deps.close());

const path = (url: string) => url.replace('https://nashra.test', '');

describe('the feed directory of a seeded site', () => {
  it('lists every feed in OPML 2.0, grouped, which a strict parser accepts', async () => {
    const res = await app.request('/feeds.opml');
    expect(res.headers.get('content-type')).toBe('text/x-opml; charset=utf-8');
    const opml = await res.text();
    assertWellFormedXml(opml);
    const urls = [...opml.matchAll(/xmlUrl="([^"]+)"/g)].map((m) => m[1] as string);
    expect(urls[0]).toBe('https://nashra.test/feed.rss');
    expect(urls).toContain('https://nashra.test/sections/opinion/feed.rss');
    expect(urls).toContain('https://nashra.test/authors/said-idrissi/feed.rss');
    expect(urls).toContain('https://nashra.test/tags/morocco/feed.rss');
    expect(urls).not.toContain('https://nashra.test/tags/draft-only/feed.rss');
    expect(urls).toHaveLength(1 + 3 + 5 + 10); // site, sections, authors, tags of the seed
  });

  it('serves every listed feed, in every format, well-formed, in Arabic, with items a feed reader sees', async () => {
    const opml = await (await app.request('/feeds.opml')).text();
    const rss = [...opml.matchAll(/xmlUrl="([^"]+)"/g)].map((m) => path(m[1] as string));
    for (const feed of rss) {
      for (const format of ['rss', 'atom'] as const) {
        const res = await app.request(feed.replace(/rss$/, format));
        expect(res.status, feed).toBe(200);
        const xml = await res.text();
        assertWellFormedXml(xml);
        const parsed = parseFeed(xml);
        expect(parsed.language).toBe('ar');
        expect(parsed.items.length, feed).toBeGreaterThan(0);
      }
      const json = (await (await app.request(feed.replace(/rss$/, 'json'))).json()) as { version: string; language: string; items: unknown[] };
      expect(json).toMatchObject({ version: 'https://jsonfeed.org/version/1.1', language: 'ar' });
      expect(json.items.length).toBeGreaterThan(0);
    }
  });

  it('shows people every feed on an Arabic page, and every page points readers to the feeds', async () => {
    const html = await (await app.request('/feeds')).text();
    expect(html).toContain('<html lang="ar" dir="rtl">');
    expect(html).toContain('href="https://nashra.test/sections/opinion/feed.atom"');
    expect(html).toContain('href="/feeds.opml"');
    for (const page of ['/', '/feeds', '/subscribe', '/nowhere']) {
      const body = await (await app.request(page)).text();
      expect(body, page).toContain('<link rel="alternate" type="application/rss+xml" title="نشرة (RSS)" href="/feed.rss">');
      expect(body, page).toContain('<link rel="alternate" type="application/feed+json"');
    }
  });
});
