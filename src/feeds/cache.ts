/**
 * The FeedCache port: rendered feed documents by key. Keys carry the feed's version, so a
 * change makes new keys and old entries simply age out; nothing is ever purged by hand. Node
 * keeps them in memory; Workers use the Cache API (src/adapters/feed-cache-api.ts).
 */
/** `validUntil` (ms): when an article scheduled for later becomes visible and the render goes stale. */
export type CachedFeed = { body: string; etag: string; lastModified: string; validUntil?: number };

export interface FeedCache {
  get(key: string): Promise<CachedFeed | undefined>;
  put(key: string, feed: CachedFeed): Promise<void>;
}

/** Least-recently-used, bounded by entries and by total characters of body. */
export function createMemoryFeedCache(opts: { maxEntries?: number; maxChars?: number } = {}): FeedCache & { size(): number } {
  const maxEntries = opts.maxEntries ?? 1000;
  const maxChars = opts.maxChars ?? 64 * 1024 * 1024;
  const entries = new Map<string, CachedFeed>();
  let chars = 0;
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
      if (old) chars -= old.body.length;
      entries.delete(key);
      entries.set(key, feed);
      chars += feed.body.length;
      for (const [k, v] of entries) {
        if (entries.size <= maxEntries && chars <= maxChars) break;
        entries.delete(k);
        chars -= v.body.length;
      }
    },
    size: () => entries.size,
  };
}

/** No caching at all (benchmarks of uncached rendering, and a safe default). */
export const noFeedCache: FeedCache = { get: async () => undefined, put: async () => {} };
