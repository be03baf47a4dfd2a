/**
 * RFC 5005 archived feeds inside workerd. The page size is the worker's FEED_ITEMS binding, so
 * these requests go to the worker's fetch handler with a copy of the bindings where it is 2.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import type { WorkerEnv } from '../../src/adapters/worker-deps.js';
import { createArticle, type ArticleJson } from './support/api.js';
import { deleteArticle, envWith, feedLinks, fetchWorker, FORMATS, getOk, isArchivePage, itemTitles, nextSecond, updateArticle, type Format } from './support/feeds.js';

let small: WorkerEnv;
let created: ArticleJson[];
const get = (path: string) => getOk(path, {}, small);
const url = (format: Format, page?: number) => `https://nashra.test/feed.${format}${page ? `?archive=${page}` : ''}`;

// Five articles, two a page: archive pages 1 ([2, 1]) and 2 ([4, 3]) are full; 5 is only current.
beforeEach(async () => {
  small = envWith({ FEED_ITEMS: '2' });
  created = [];
  for (let i = 1; i <= 5; i++) created.push(await createArticle({ title: `مقال ${i}`, publishedAt: `2025-11-0${i}T06:00:00Z` }));
});

describe('RFC 5005 archives', () => {
  it('the current feed holds the newest page and links the newest complete archive page', async () => {
    for (const format of FORMATS) {
      const { res, body } = await get(`/feed.${format}`);
      expect(itemTitles(format, body), format).toEqual(['مقال 5', 'مقال 4']);
      expect(feedLinks(format, body), format).toMatchObject({ self: url(format), 'prev-archive': url(format, 2) });
      expect(feedLinks(format, body)['next-archive'], format).toBeUndefined();
      if (format !== 'json') expect(isArchivePage(body), format).toBe(false);
      expect(res.headers.get('cache-control'), format).toBe('public, max-age=300, stale-while-revalidate=600');
    }
  });

  it('archive pages are marked fh:archive and link current, older and newer pages', async () => {
    for (const format of ['rss', 'atom'] as const) {
      const newest = await get(`/feed.${format}?archive=2`);
      expect(itemTitles(format, newest.body), format).toEqual(['مقال 4', 'مقال 3']);
      expect(isArchivePage(newest.body), format).toBe(true);
      const newestLinks = feedLinks(format, newest.body);
      expect(newestLinks, format).toMatchObject({ self: url(format, 2), current: url(format), 'prev-archive': url(format, 1) });
      expect(newestLinks['next-archive'], format).toBeUndefined();

      const oldest = await get(`/feed.${format}?archive=1`);
      expect(itemTitles(format, oldest.body), format).toEqual(['مقال 2', 'مقال 1']);
      expect(isArchivePage(oldest.body), format).toBe(true);
      const oldestLinks = feedLinks(format, oldest.body);
      expect(oldestLinks, format).toMatchObject({ self: url(format, 1), current: url(format), 'next-archive': url(format, 2) });
      expect(oldestLinks['prev-archive'], format).toBeUndefined();
      // Archive pages never change, so they may be cached for long.
      expect(oldest.res.headers.get('cache-control'), format).toBe('public, max-age=86400, stale-while-revalidate=172800');
      expect(oldest.res.headers.get('link'), format).toBe(`<${url(format, 1)}>; rel="self"`);
    }
    const json = await get('/feed.json?archive=2');
    expect(itemTitles('json', json.body)).toEqual(['مقال 4', 'مقال 3']);
    expect(feedLinks('json', json.body)).toEqual({ self: url('json', 2), 'prev-archive': url('json', 1) });
  });

  it('archive pages stay byte-identical when a new article arrives, and a new full page appears', async () => {
    const pages = FORMATS.map((f) => `/feed.${f}?archive=1`);
    const before = await Promise.all(pages.map((p) => get(p)));
    const newest = await get('/feed.atom?archive=2');
    const current = await get('/feed.atom');
    expect((await fetchWorker('/feed.rss?archive=3', {}, small)).res.status).toBe(404);

    await createArticle({ title: 'مقال 6', publishedAt: '2025-11-06T06:00:00Z' });
    for (const [i, p] of pages.entries()) {
      const after = await get(p);
      expect(after.body, p).toBe(before[i]?.body);
      expect(after.res.headers.get('etag'), p).toBe(before[i]?.res.headers.get('etag'));
      expect(after.res.headers.get('last-modified'), p).toBe(before[i]?.res.headers.get('last-modified'));
    }
    // The page that was newest keeps its entries and gains only a link to the new one.
    const newestAfter = await get('/feed.atom?archive=2');
    expect(itemTitles('atom', newestAfter.body)).toEqual(itemTitles('atom', newest.body));
    expect(feedLinks('atom', newestAfter.body)).toEqual({ ...feedLinks('atom', newest.body), 'next-archive': url('atom', 3) });

    const newCurrent = await get('/feed.atom');
    expect(newCurrent.res.headers.get('etag')).not.toBe(current.res.headers.get('etag'));
    expect(feedLinks('atom', newCurrent.body)['prev-archive']).toBe(url('atom', 3));
    expect(itemTitles('rss', (await get('/feed.rss?archive=3')).body)).toEqual(['مقال 6', 'مقال 5']);
  });

  it('answers a page past the last full one with 404 and a page that cannot exist with 400', async () => {
    for (const format of FORMATS) {
      for (const [query, status] of [['3', 404], ['1000000', 404], ['0', 400], ['-1', 400], ['1.5', 400], ['abc', 400]] as const) {
        const { res } = await fetchWorker(`/feed.${format}?archive=${query}`, {}, small);
        expect(res.status, `${format} ?archive=${query}`).toBe(status);
      }
    }
  });
});

describe('the newest archive page when a newer one fills up', () => {
  // It gains a next-archive link, so its bytes and ETag change: its Last-Modified must move too,
  // or a client revalidating by date alone would get 304 and keep a copy without the link.
  it('moves Last-Modified on with its body, so If-Modified-Since gets the new body', async () => {
    const before = await get('/feed.atom?archive=2');
    await nextSecond();
    await createArticle({ title: 'مقال 6', publishedAt: '2025-11-06T06:00:00Z' });
    const since = { 'if-modified-since': before.res.headers.get('last-modified') as string };
    const after = await fetchWorker('/feed.atom?archive=2', { headers: since }, small);
    expect(after.res.status).toBe(200);
    expect(feedLinks('atom', after.body)['next-archive']).toBe(url('atom', 3));
  });
});

describe('archive pages keep their bounds on D1', () => {
  it('a deletion or a backdated article changes only the page it is on', async () => {
    await get('/feed.rss'); // adds pages 1 and 2
    const page2 = await get('/feed.rss?archive=2');
    await nextSecond();
    await deleteArticle(created[0] as ArticleJson);
    expect(itemTitles('rss', (await get('/feed.rss?archive=1')).body)).toEqual(['مقال 2']);
    const page2After = await get('/feed.rss?archive=2');
    expect(page2After.body).toBe(page2.body);
    expect(page2After.res.headers.get('last-modified')).toBe(page2.res.headers.get('last-modified'));

    await createArticle({ title: 'مقال 1.5', publishedAt: '2025-11-01T18:00:00Z' });
    expect(itemTitles('rss', (await get('/feed.rss?archive=1')).body)).toEqual(['مقال 2', 'مقال 1.5']);
    expect((await get('/feed.rss?archive=2')).body).toBe(page2.body);

    await updateArticle(created[2] as ArticleJson, { title: 'مقال 3 (منقح)', publishedAt: '2025-11-03T06:00:00Z' });
    expect(itemTitles('rss', (await get('/feed.rss?archive=2')).body)).toEqual(['مقال 4', 'مقال 3 (منقح)']);
  });
});
