/**
 * Fixed-window rate limits counted in the database, so every Worker isolate and every Node
 * process sees the same count. One statement per hit: an upsert that starts a new window or
 * adds to the current one, and returns the count.
 */
import { and, eq, lt, sql } from 'drizzle-orm';
import type { Db } from './db.js';
import { rateLimits } from './schema.js';

export type RateLimitResult = { allowed: boolean; count: number; retryAfterMs: number };

/**
 * Counts one hit on `key` in the window of `windowMs` that holds `now`. Allowed while the
 * count is at most `limit`; `retryAfterMs` is the time left in the window.
 */
export async function hitRateLimit(db: Db, key: string, now: Date, windowMs: number, limit: number): Promise<RateLimitResult> {
  const windowStart = Math.floor(now.getTime() / windowMs) * windowMs;
  const row = await db
    .insert(rateLimits)
    .values({ key, windowStart: new Date(windowStart), count: 1 })
    .onConflictDoUpdate({
      target: rateLimits.key,
      set: {
        count: sql`case when ${rateLimits.windowStart} = excluded.window_start then ${rateLimits.count} + 1 else 1 end`,
        windowStart: sql`excluded.window_start`,
      },
    })
    .returning({ count: rateLimits.count })
    .get();
  const count = row?.count ?? 1;
  return { allowed: count <= limit, count, retryAfterMs: windowStart + windowMs - now.getTime() };
}

/**
 * The count on `key` in the window of `windowMs` that holds `now`, without adding a hit: for
 * limits that count only failures, checked before the attempt and hit after it fails.
 */
export async function peekRateLimit(db: Db, key: string, now: Date, windowMs: number): Promise<{ count: number; retryAfterMs: number }> {
  const windowStart = Math.floor(now.getTime() / windowMs) * windowMs;
  const row = await db
    .select({ count: rateLimits.count })
    .from(rateLimits)
    .where(and(eq(rateLimits.key, key), eq(rateLimits.windowStart, new Date(windowStart))))
    .get();
  return { count: row?.count ?? 0, retryAfterMs: windowStart + windowMs - now.getTime() };
}

/** Deletes counters whose window started before `before` (they can no longer limit anything). */
export async function pruneRateLimits(db: Db, before: Date): Promise<void> {
  await db.delete(rateLimits).where(lt(rateLimits.windowStart, before)).run();
}
