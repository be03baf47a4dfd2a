/**
 * FeedCache on the Workers Cache API (per data centre). Entries are keyed by feed version, so
 * they never need purging; a long max-age only says how long an unused version may stay.
 */
import type { CachedFeed, FeedCache } from '../feeds/cache.js';
import { toHex } from '../text/hex.js';

const ORIGIN = 'https://feed-cache.nashra.internal/';

export function createCacheApiFeedCache(cache: Cache, ttlSeconds = 7 * 86_400): FeedCache {
  const url = async (key: string) => {
    // Cache API keys are URLs; hash the (long) key into a path.
    const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(key)));
    return ORIGIN + toHex(digest);
  };
  return {
    async get(key) {
      const res = await cache.match(await url(key));
      if (!res) return undefined;
      const validUntil = Number(res.headers.get('x-feed-valid-until')) || undefined;
      return { body: new Uint8Array(await res.arrayBuffer()), etag: res.headers.get('x-feed-etag') ?? '', lastModified: res.headers.get('x-feed-last-modified') ?? '', validUntil };
    },
    async put(key, feed: CachedFeed) {
      const headers: Record<string, string> = { 'cache-control': `public, max-age=${ttlSeconds}`, 'x-feed-etag': feed.etag, 'x-feed-last-modified': feed.lastModified };
      if (feed.validUntil) headers['x-feed-valid-until'] = String(feed.validUntil);
      await cache.put(await url(key), new Response(feed.body, { headers }));
    },
  };
}
