/** Feed state: a version and change time per feed, bumped with the article change itself. */
import { eq, sql } from 'drizzle-orm';
import type { Db } from './db.js';
import { feedState } from './schema.js';

/** Statements (for `batch`) that bump every given feed's version and change time. */
export function bumpFeedStates(db: Db, keys: string[], at: Date) {
  return [...new Set(keys)].map((feedKey) =>
    db
      .insert(feedState)
      .values({ feedKey, version: 1, changedAt: at })
      .onConflictDoUpdate({ target: feedState.feedKey, set: { version: sql`${feedState.version} + 1`, changedAt: at } }),
  );
}

/** A feed that never changed has version 0 and the epoch as its change time. */
export async function getFeedState(db: Db, feedKey: string): Promise<{ version: number; changedAt: Date }> {
  const row = await db.select().from(feedState).where(eq(feedState.feedKey, feedKey)).get();
  return row ?? { version: 0, changedAt: new Date(0) };
}
