/** Feed state: a version and change time per feed, bumped with the article change itself. */
import { and, eq, sql } from 'drizzle-orm';
import type { Db } from './db.js';
import type { ArchivePage } from './feed-archive.js';
import { feedArchivePages, feedState } from './schema.js';

/** Statements (for `batch`) that bump every given feed's version and change time. */
export function bumpFeedStates(db: Db, keys: string[], at: Date) {
  return [...new Set(keys)].map((feedKey) =>
    db
      .insert(feedState)
      .values({ feedKey, version: 1, changedAt: at })
      .onConflictDoUpdate({ target: feedState.feedKey, set: { version: sql`${feedState.version} + 1`, changedAt: at } }),
  );
}

export type FeedState = { version: number; changedAt: Date; archivePages: number; lastPage: ArchivePage | undefined };

/**
 * A feed's state and its newest archive page, in one query. A feed that never changed has
 * version 0, the epoch as its change time and no archive pages.
 */
export async function getFeedState(db: Db, feedKey: string): Promise<FeedState> {
  const row = await db
    .select({ state: feedState, lastPage: feedArchivePages })
    .from(feedState)
    .leftJoin(feedArchivePages, and(eq(feedArchivePages.feedKey, feedState.feedKey), eq(feedArchivePages.page, feedState.archivePages)))
    .where(eq(feedState.feedKey, feedKey))
    .get();
  if (!row) return { version: 0, changedAt: new Date(0), archivePages: 0, lastPage: undefined };
  return { ...row.state, lastPage: row.lastPage ?? undefined };
}
