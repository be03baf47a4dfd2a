/**
 * Archive pages with fixed bounds (RFC 5005 says archive documents should not change): once a
 * page is full its bounds stay, so deleting, editing or backdating an article changes only the
 * page it is on, and a change to the database's size never moves a page's members.
 */
import { parseFeed } from '@rowanmanning/feed-parser';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { deleteArticle, updateArticle } from '../../src/articles/service.js';
import { articleInputSchema } from '../../src/articles/input.js';
import { getFeedState } from '../../src/storage/feed-state.js';
import { articleBody, createTestApp, createTestDeps, type TestDeps } from '../support/deps.js';
import { addArticle } from '../support/fixtures.js';
import { assertWellFormedXml } from '../support/xml.js';

let deps: TestDeps;
let app: ReturnType<typeof createTestApp>;
afterEach(() => deps.close());

const get = (path: string, headers: Record<string, string> = {}) => app.request(path, { headers });
async function page(path: string) {
  const res = await get(path);
  expect(res.status, path).toBe(200);
  const body = await res.text();
  const json = path.includes('.json');
  if (!json) assertWellFormedXml(body);
  const titles = json ? (JSON.parse(body) as { items: { title: string }[] }).items.map((i) => i.title) : parseFeed(body).items.map((i) => i.title);
  return { body, etag: res.headers.get('etag'), lastModified: res.headers.get('last-modified'), titles };
}
const day = (d: number) => `2025-11-${String(d).padStart(2, '0')}T06:00:00Z`;
const ids = new Map<string, string>();
async function add(title: string, publishedAt: string) {
  const a = await addArticle(deps, { title, publishedAt });
  ids.set(title, a.id);
  return a;
}

describe('archive pages with fixed bounds', () => {
  beforeEach(async () => {
    deps = createTestDeps({ now: '2026-11-29T08:00:00Z', config: { FEED_ITEMS: '2' } });
    app = createTestApp(deps);
    // Seven articles, two a page: pages 1 [2, 1], 2 [4, 3], 3 [6, 5]; 7 is only in the current feed.
    for (let i = 1; i <= 7; i++) await add(`مقال ${i}`, day(i));
    expect((await page('/feed.rss')).titles).toEqual(['مقال 7', 'مقال 6']);
  });

  it('adds every page the articles fill at the first render, oldest first', async () => {
    expect((await getFeedState(deps.db, 'all')).archivePages).toBe(3);
    expect((await page('/feed.rss?archive=1')).titles).toEqual(['مقال 2', 'مقال 1']);
    expect((await page('/feed.rss?archive=2')).titles).toEqual(['مقال 4', 'مقال 3']);
    expect((await page('/feed.rss?archive=3')).titles).toEqual(['مقال 6', 'مقال 5']);
    expect((await get('/feed.rss?archive=4')).status).toBe(404);
  });

  it('a deletion changes only the page the article was on', async () => {
    const before = await Promise.all([1, 2, 3].map((n) => page(`/feed.atom?archive=${n}`)));
    deps.clock.advance(60_000);
    await deleteArticle(deps, ids.get('مقال 1')!);
    const after = await Promise.all([1, 2, 3].map((n) => page(`/feed.atom?archive=${n}`)));
    expect(after[0]!.titles).toEqual(['مقال 2']);
    expect(Date.parse(after[0]!.lastModified!)).toBeGreaterThan(Date.parse(before[0]!.lastModified!));
    expect(after[0]!.etag).not.toBe(before[0]!.etag);
    for (const i of [1, 2]) {
      expect(after[i]!.body, `page ${i + 1}`).toBe(before[i]!.body);
      expect(after[i]!.etag).toBe(before[i]!.etag);
      expect(after[i]!.lastModified).toBe(before[i]!.lastModified);
    }
  });

  it('a backdated article joins the page its time falls in, and no other page moves', async () => {
    const before = await Promise.all([1, 2, 3].map((n) => page(`/feed.rss?archive=${n}`)));
    deps.clock.advance(60_000);
    await add('مقال 3.5', '2025-11-03T18:00:00Z');
    const after = await Promise.all([1, 2, 3].map((n) => page(`/feed.rss?archive=${n}`)));
    expect(after[1]!.titles).toEqual(['مقال 4', 'مقال 3.5', 'مقال 3']);
    expect(after[0]!.body).toBe(before[0]!.body);
    expect(after[2]!.body).toBe(before[2]!.body);
    // Not enough new articles for a new page: the current feed is unchanged in its links.
    expect((await getFeedState(deps.db, 'all')).archivePages).toBe(3);
  });

  it('an edit changes its page; moving an article to another time changes both pages', async () => {
    const before = await Promise.all([1, 2, 3].map((n) => page(`/feed.json?archive=${n}`)));
    deps.clock.advance(60_000);
    const edited = articleInputSchema.parse(articleBody({ title: 'مقال 4 (منقح)', publishedAt: day(4) }));
    await updateArticle(deps, ids.get('مقال 4')!, edited);
    const afterEdit = await Promise.all([1, 2, 3].map((n) => page(`/feed.json?archive=${n}`)));
    expect(afterEdit[1]!.titles).toEqual(['مقال 4 (منقح)', 'مقال 3']);
    expect(afterEdit[0]!.body).toBe(before[0]!.body);
    expect(afterEdit[2]!.body).toBe(before[2]!.body);

    deps.clock.advance(60_000);
    const moved = articleInputSchema.parse(articleBody({ title: 'مقال 4 (منقح)', publishedAt: '2025-11-01T00:00:00Z' }));
    await updateArticle(deps, ids.get('مقال 4')!, moved);
    const afterMove = await Promise.all([1, 2, 3].map((n) => page(`/feed.json?archive=${n}`)));
    expect(afterMove[0]!.titles).toEqual(['مقال 2', 'مقال 1', 'مقال 4 (منقح)']);
    expect(afterMove[1]!.titles).toEqual(['مقال 3']);
    expect(afterMove[2]!.body).toBe(before[2]!.body);
  });

  it('a new page is added when the articles after the last one fill it, and the last page then links it', async () => {
    const last = await page('/feed.rss?archive=3');
    expect(last.body).not.toContain('rel="next-archive"');
    deps.clock.advance(60_000);
    await add('مقال 8', day(8));
    const current = await page('/feed.rss');
    expect(current.titles).toEqual(['مقال 8', 'مقال 7']);
    expect(current.body).toContain('<atom:link href="https://nashra.test/feed.rss?archive=4" rel="prev-archive" type="application/rss+xml"/>');
    expect((await page('/feed.rss?archive=4')).titles).toEqual(['مقال 8', 'مقال 7']);
    const lastAfter = await page('/feed.rss?archive=3');
    expect(lastAfter.titles).toEqual(last.titles);
    expect(lastAfter.body).toContain('href="https://nashra.test/feed.rss?archive=4" rel="next-archive"');
    expect(Date.parse(lastAfter.lastModified!)).toBeGreaterThan(Date.parse(last.lastModified!));
  });

  it('a page size change applies to new pages only', async () => {
    app = createTestApp(Object.assign(deps, { config: { ...deps.config, FEED_ITEMS: 3 } }));
    for (let i = 8; i <= 10; i++) await add(`مقال ${i}`, day(i));
    expect((await page('/feed.rss')).titles).toEqual(['مقال 10', 'مقال 9', 'مقال 8']);
    expect((await page('/feed.rss?archive=3')).titles).toEqual(['مقال 6', 'مقال 5']);
    expect((await page('/feed.rss?archive=4')).titles).toEqual(['مقال 9', 'مقال 8', 'مقال 7']);
  });

  it('an article scheduled for later fills a page only once it is visible', async () => {
    await add('مقال 9', '2026-11-29T09:00:00Z');
    expect((await page('/feed.rss')).titles).toEqual(['مقال 7', 'مقال 6']);
    await add('مقال 8', '2026-11-29T07:00:00Z');
    // 7 and 8 are visible after page 3: a fourth page, which the scheduled 9 is not in.
    expect((await page('/feed.rss?archive=4')).titles).toEqual(['مقال 8', 'مقال 7']);
    deps.clock.set('2026-11-29T09:00:01Z');
    expect((await page('/feed.rss')).titles).toEqual(['مقال 9', 'مقال 8']);
    expect((await get('/feed.rss?archive=5')).status).toBe(404);
  });
});

describe('archive pages of a section', () => {
  it('are kept per feed: the site and a section have pages of their own', async () => {
    deps = createTestDeps({ now: '2026-11-29T08:00:00Z', config: { FEED_ITEMS: '2' } });
    app = createTestApp(deps);
    const opinion = { name: 'رأي', slug: 'opinion' };
    const other = { name: 'تحليل', slug: 'analysis' };
    for (let i = 1; i <= 6; i++) await addArticle(deps, { title: `مقال ${i}`, publishedAt: day(i), section: i % 2 ? opinion : other });
    expect((await page('/sections/opinion/feed.rss?archive=1')).titles).toEqual(['مقال 3', 'مقال 1']);
    expect((await page('/feed.rss?archive=1')).titles).toEqual(['مقال 2', 'مقال 1']);
    expect((await get('/sections/opinion/feed.rss?archive=2')).status).toBe(404);
  });
});
