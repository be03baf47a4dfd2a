/**
 * Feeds per section, author and tag inside workerd, over D1 and the Cache API-backed feed
 * cache: who is in which feed, which feeds an article change or a deletion invalidates, and
 * when an article scheduled for later joins them (by the worker's real clock).
 */
import { env } from 'cloudflare:workers';
import { beforeEach, describe, expect, it } from 'vitest';
import { createArticle, type ArticleJson } from './support/api.js';
import { deleteArticle, eventually, fetchWorker, FORMATS, getOk, itemTitles, nextSecond, updateArticle } from './support/feeds.js';

const MOROCCO = encodeURIComponent('المغرب');
const ECONOMY = encodeURIComponent('اقتصاد');
const opinion = { name: 'رأي', slug: 'opinion' };
const analysis = { name: 'تحليل', slug: 'analysis' };
const layla = { name: 'ليلى', slug: 'layla' };
const said = { name: 'سعيد', slug: 'said' };

let a: ArticleJson; // opinion, layla, #المغرب
let b: ArticleJson; // analysis, said, #المغرب #اقتصاد
let c: ArticleJson; // opinion, said, no tags

beforeEach(async () => {
  a = await createArticle({ title: 'أ', section: opinion, author: layla, tags: ['المغرب'], publishedAt: '2025-11-01T06:00:00Z' });
  b = await createArticle({ title: 'ب', section: analysis, author: said, tags: ['المغرب', 'اقتصاد'], publishedAt: '2025-11-02T06:00:00Z' });
  c = await createArticle({ title: 'ج', section: opinion, author: said, tags: [], publishedAt: '2025-11-03T06:00:00Z' });
});

describe('feeds per section, author and tag', () => {
  it('hold only their own articles, newest first, in every format', async () => {
    expect(a.tags[0]?.slug).toBe('المغرب'); // an Arabic slug, percent-encoded in the paths below
    const expected: Record<string, string[]> = {
      '/sections/opinion': ['ج', 'أ'],
      '/sections/analysis': ['ب'],
      '/authors/layla': ['أ'],
      '/authors/said': ['ج', 'ب'],
      [`/tags/${MOROCCO}`]: ['ب', 'أ'],
      [`/tags/${ECONOMY}`]: ['ب'],
      '': ['ج', 'ب', 'أ'],
    };
    for (const [scope, titles] of Object.entries(expected)) {
      for (const format of FORMATS) {
        const { body } = await getOk(`${scope}/feed.${format}`);
        expect(itemTitles(format, body), `${scope}/feed.${format}`).toEqual(titles);
      }
    }
  });

  it('name themselves after their term and link to their own percent-encoded address', async () => {
    const { res, body } = await getOk(`/tags/${MOROCCO}/feed.json`);
    expect(JSON.parse(body)).toMatchObject({ title: 'نشرة: #المغرب', feed_url: `https://nashra.test/tags/${MOROCCO}/feed.json`, language: 'ar' });
    expect(res.headers.get('link')).toBe(`<https://nashra.test/tags/${MOROCCO}/feed.json>; rel="self"`);
  });

  it('answer an unknown slug with 404 naming it, not with an empty feed', async () => {
    const unknown = ['/sections/nope', '/authors/nope', '/tags/nope', `/tags/${encodeURIComponent('غير-موجود')}`, `/sections/${MOROCCO}`];
    for (const scope of unknown) {
      for (const format of FORMATS) {
        const { res, body } = await fetchWorker(`${scope}/feed.${format}`, { headers: { accept: 'application/json' } });
        expect(res.status, `${scope}/feed.${format}`).toBe(404);
        expect(JSON.parse(body).error.message, scope).toContain(`"${decodeURIComponent(scope.split('/')[2] as string)}"`);
      }
    }
  });
});

describe('invalidation through the Cache API feed cache', () => {
  const PATHS = ['', '/sections/opinion', '/sections/analysis', '/authors/layla', '/authors/said', `/tags/${MOROCCO}`, `/tags/${ECONOMY}`];
  const snapshot = async (format: string) =>
    Promise.all(PATHS.map(async (p) => (await getOk(`${p}/feed.${format}`)).res.headers));

  it('a change to an article in one section changes its feeds only', async () => {
    for (const format of FORMATS) {
      const before = await snapshot(format);
      await updateArticle(b, { title: `ب بعد التعديل (${format})` });
      const after = await snapshot(format);
      const changed = after.map((h, i) => h.get('etag') !== before[i]?.get('etag'));
      //                              site  opinion analysis layla  said  المغرب اقتصاد
      expect(changed, format).toEqual([true, false, true, false, true, true, true]);
    }
  });

  it('serves each rendered version from the Cache API until an article change moves it on', async () => {
    const first = await getOk('/sections/analysis/feed.rss');
    // Behind the service's back: no feed version moves, so the cached render must still be served.
    await env.DB.prepare('UPDATE articles SET title = ? WHERE id = ?').bind('عنوان من خارج الخدمة', b.id).run();
    const cached = await getOk('/sections/analysis/feed.rss');
    expect(cached.body).toBe(first.body);
    expect(cached.res.headers.get('etag')).toBe(first.res.headers.get('etag'));
    // A format not rendered before reads the database, so the change is really there.
    expect(itemTitles('json', (await getOk('/sections/analysis/feed.json')).body)).toEqual(['عنوان من خارج الخدمة']);

    await updateArticle(b, { title: 'ب الجديد' });
    expect(itemTitles('rss', (await getOk('/sections/analysis/feed.rss')).body)).toEqual(['ب الجديد']);
  });

  it('a deletion changes exactly its feeds and moves their Last-Modified on', async () => {
    const before = await snapshot('rss');
    await nextSecond(); // Last-Modified has whole seconds
    await deleteArticle(c);
    const after = await snapshot('rss');
    const changed = after.map((h, i) => h.get('etag') !== before[i]?.get('etag'));
    //                       site  opinion analysis layla  said  المغرب اقتصاد
    expect(changed).toEqual([true, true, false, false, true, false, false]);
    for (const i of [0, 1, 4]) {
      expect(Date.parse(after[i]?.get('last-modified') as string), PATHS[i]).toBeGreaterThan(Date.parse(before[i]?.get('last-modified') as string));
    }
    expect(after[2]?.get('last-modified')).toBe(before[2]?.get('last-modified'));
    for (const format of FORMATS) {
      expect(itemTitles(format, (await getOk(`/sections/opinion/feed.${format}`)).body)).toEqual(['أ']);
      expect(itemTitles(format, (await getOk(`/authors/said/feed.${format}`)).body)).toEqual(['ب']);
    }
  });
});

describe('an article scheduled for later', () => {
  const feedVersions = async () => (await env.DB.prepare('SELECT feed_key, version FROM feed_state ORDER BY feed_key').all()).results;

  it('stays out of every feed until its time, then appears with no other change', async () => {
    // Whole seconds, as Last-Modified has; 2 to 3 s ahead of the worker's clock.
    const due = new Date((Math.floor(Date.now() / 1000) + 3) * 1000);
    await createArticle({ title: 'لاحقًا', section: analysis, author: layla, tags: ['اقتصاد'], publishedAt: due.toISOString() });
    const paths = ['/feed.rss', '/sections/analysis/feed.atom', '/authors/layla/feed.json', `/tags/${ECONOMY}/feed.rss`];
    const before = await Promise.all(paths.map((p) => getOk(p)));
    for (const [i, p] of paths.entries()) expect(itemTitles(formatOf(p), before[i]?.body as string), p).not.toContain('لاحقًا');
    const versions = await feedVersions();

    // Each poll is served from the render cached before; it must go stale exactly when the article is due.
    const appeared = await eventually(async () => itemTitles('rss', (await getOk('/feed.rss')).body).includes('لاحقًا'), 10_000);
    expect(appeared).toBe(true);
    expect(Date.now()).toBeGreaterThanOrEqual(due.getTime());
    for (const [i, p] of paths.entries()) {
      const headers = before[i]?.res.headers as Headers;
      const after = await fetchWorker(p, { headers: { 'if-none-match': headers.get('etag') as string } });
      expect(after.res.status, p).toBe(200);
      expect(itemTitles(formatOf(p), after.body)[0], p).toBe('لاحقًا');
      expect(after.res.headers.get('last-modified'), p).toBe(due.toUTCString());
      expect((await fetchWorker(p, { headers: { 'if-modified-since': headers.get('last-modified') as string } })).res.status, p).toBe(200);
    }
    expect(await feedVersions()).toEqual(versions); // nothing was written: only the clock moved
  });
});

function formatOf(path: string): 'rss' | 'atom' | 'json' {
  return path.slice(path.lastIndexOf('.') + 1) as 'rss' | 'atom' | 'json';
}
