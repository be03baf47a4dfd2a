/**
 * The FeedCache port: rendered feed documents by key. Keys carry the feed's version, so a
 * change makes new keys and old entries simply age out; nothing is ever purged by hand. Node
 * keeps them in memory; Workers use the Cache API (src/adapters/feed-cache-api.ts).
 */
/**
 * `body` is the UTF-8 encoding, made once per render: a cached response is then written as is,
 * not re-encoded from a string on every request. `validUntil` (ms): when an article scheduled
 * for later becomes visible and the render goes stale.
 */
export type CachedFeed = { body: Uint8Array<ArrayBuffer>; etag: string; lastModified: string; validUntil?: number };

export interface FeedCache {
  get(key: string): Promise<CachedFeed | undefined>;
  put(key: string, feed: CachedFeed): Promise<void>;
}

/** Least-recently-used, bounded by entries and by total bytes of body. */
export function createMemoryFeedCache(opts: { maxEntries?: number; maxBytes?: number } = {}): FeedCache & { size(): number } {
  const maxEntries = opts.maxEntries ?? 1000;
  const maxBytes = opts.maxBytes ?? 64 * 1024 * 1024;
  const entries = new Map<string, CachedFeed>();
  let bytes = 0;
  return {
    async get(key) {
      const hit = entries.get(key);
      if (hit) {
        entries.delete(key); // move to the most recently used end
        entries.set(key, hit);
      }
      return hit;
    },
    async put(key, feed) {
      const old = entries.get(key);
      if (old) bytes -= old.body.length;
      entries.delete(key);
      entries.set(key, feed);
      bytes += feed.body.length;
      for (const [k, v] of entries) {
        if (entries.size <= maxEntries && bytes <= maxBytes) break;
        entries.delete(k);
        bytes -= v.body.length;
      }
    },
    size: () => entries.size,
  };
}

/** No caching at all (benchmarks of uncached rendering, and a safe default). */
export const noFeedCache: FeedCache = { get: async () => undefined, put: async () => {} };
