/** HTTP caching of feeds as workerd serves them: HEAD, If-Modified-Since, freshness headers. */
import { beforeEach, describe, expect, it } from 'vitest';
import { createArticle } from './support/api.js';
import { envWith, fetchWorker, FORMATS, getOk } from './support/feeds.js';

const CONTENT_TYPES = { rss: 'application/rss+xml; charset=utf-8', atom: 'application/atom+xml; charset=utf-8', json: 'application/feed+json; charset=utf-8' };
const REPEATED = ['etag', 'last-modified', 'cache-control', 'vary', 'link'];

beforeEach(async () => {
  await createArticle({ title: 'مقال أول', publishedAt: '2025-11-01T06:00:00Z', tags: ['المغرب'] });
  await createArticle({ title: 'مقال ثان', publishedAt: '2025-11-02T06:00:00Z' });
});

const PATHS = FORMATS.flatMap((f) => [`/feed.${f}`, `/sections/opinion/feed.${f}`, `/tags/${encodeURIComponent('المغرب')}/feed.${f}`]);
const formatOf = (path: string) => path.slice(path.lastIndexOf('.') + 1) as keyof typeof CONTENT_TYPES;

describe('feeds over HTTP in workerd', () => {
  it('answer HEAD with the headers of GET and no body', async () => {
    for (const path of PATHS) {
      const get = await getOk(path);
      const head = await fetchWorker(path, { method: 'HEAD' });
      expect(head.res.status, path).toBe(200);
      expect(head.body, path).toBe('');
      expect(head.res.headers.get('content-type'), path).toBe(CONTENT_TYPES[formatOf(path)]);
      for (const name of REPEATED) expect(head.res.headers.get(name), `${path} ${name}`).toBe(get.res.headers.get(name));
    }
  });

  it('answer If-Modified-Since at Last-Modified with 304, no body and the caching headers again', async () => {
    for (const path of PATHS) {
      const first = await getOk(path);
      const lastModified = first.res.headers.get('last-modified') as string;
      const res304 = await fetchWorker(path, { headers: { 'if-modified-since': lastModified } });
      expect(res304.res.status, path).toBe(304);
      expect(res304.body, path).toBe('');
      for (const name of REPEATED) expect(res304.res.headers.get(name), `${path} ${name}`).toBe(first.res.headers.get(name));
      expect(res304.res.headers.get('expires'), path).toBeNull();

      // A second earlier is older than the feed; a differing ETag wins over a matching date.
      const earlier = new Date(Date.parse(lastModified) - 1000).toUTCString();
      expect((await fetchWorker(path, { headers: { 'if-modified-since': earlier } })).res.status, path).toBe(200);
      const both = { 'if-modified-since': lastModified, 'if-none-match': '"another-version"' };
      expect((await fetchWorker(path, { headers: both })).res.status, path).toBe(200);
    }
  });

  it('let caches keep a feed for max-age and serve it stale while revalidating, with no Expires', async () => {
    for (const path of PATHS) {
      const { res } = await getOk(path);
      expect(res.headers.get('cache-control'), path).toBe('public, max-age=300, stale-while-revalidate=600');
      expect(res.headers.get('expires'), path).toBeNull();
      expect(res.headers.get('vary'), path).toContain('Accept-Encoding');
    }
  });

  it('take max-age from the FEED_MAX_AGE binding', async () => {
    const { res } = await getOk('/feed.rss', {}, envWith({ FEED_MAX_AGE: '120' }));
    expect(res.headers.get('cache-control')).toBe('public, max-age=120, stale-while-revalidate=240');
  });
});
