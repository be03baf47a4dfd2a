/**
 * RFC 5005 archive pages with fixed bounds (see `feedArchivePages` in schema.ts). A page is
 * added once the articles after the previous page fill it; after that its bounds never move.
 */
import { and, eq, inArray, sql } from 'drizzle-orm';
import { batch, chunkRows, type Db } from './db.js';
import { feedArchivePages, feedState } from './schema.js';

/** A place in a feed's order: (publication time, id), oldest first. */
export type FeedPosition = { publishedAt: Date; id: string };

export type ArchivePage = typeof feedArchivePages.$inferSelect;

/** Pages `pages` of the feed, by number (missing ones left out). */
export async function getArchivePages(db: Db, feedKey: string, pages: number[]): Promise<Map<number, ArchivePage>> {
  const wanted = pages.filter((p) => p >= 1);
  if (wanted.length === 0) return new Map();
  const rows = await db
    .select()
    .from(feedArchivePages)
    .where(and(eq(feedArchivePages.feedKey, feedKey), inArray(feedArchivePages.page, wanted)))
    .all();
  return new Map(rows.map((r) => [r.page, r]));
}

/**
 * Adds pages `firstPage`, `firstPage + 1`, … ending at `bounds` (oldest first), sets the
 * feed's page count, and bumps the page before `firstPage` (it gains a next-archive link), in
 * one batch. A page that a concurrent request added first is kept as it is.
 */
export async function addArchivePages(db: Db, feedKey: string, firstPage: number, bounds: FeedPosition[], at: Date): Promise<void> {
  if (bounds.length === 0) return;
  const rows = bounds.map((b, i) => ({ feedKey, page: firstPage + i, lastPublishedAt: b.publishedAt, lastId: b.id, version: 1, changedAt: at }));
  const pages = firstPage + bounds.length - 1;
  await batch(db, [
    ...chunkRows(rows, 6).map((chunk) => db.insert(feedArchivePages).values(chunk).onConflictDoNothing()),
    db
      .update(feedArchivePages)
      .set({ version: sql`${feedArchivePages.version} + 1`, changedAt: at })
      .where(and(eq(feedArchivePages.feedKey, feedKey), eq(feedArchivePages.page, firstPage - 1))),
    db
      .insert(feedState)
      .values({ feedKey, version: 0, changedAt: new Date(0), archivePages: pages })
      .onConflictDoUpdate({ target: feedState.feedKey, set: { archivePages: sql`max(${feedState.archivePages}, ${pages})` } }),
  ]);
}

/**
 * Statements (for `batch`) that bump the archive page holding each position, in each of the
 * given feeds: the page whose bounds take it in, the first page ending at or after it. A
 * position after every page's end is in no archive page yet, and bumps nothing.
 */
export function bumpArchivePagesAt(db: Db, feedKeys: string[], positions: FeedPosition[], at: Date) {
  const keys = [...new Set(feedKeys)];
  if (keys.length === 0) return [];
  return positions.flatMap((pos) => {
    const t = pos.publishedAt.getTime();
    const holding = sql`(select min(p.page) from feed_archive_pages p where p.feed_key = feed_archive_pages.feed_key
      and (p.last_published_at > ${t} or (p.last_published_at = ${t} and p.last_id >= ${pos.id})))`;
    return chunkRows(keys, 1, 90).map((chunk) =>
      db
        .update(feedArchivePages)
        .set({ version: sql`${feedArchivePages.version} + 1`, changedAt: at })
        .where(and(inArray(feedArchivePages.feedKey, chunk), eq(feedArchivePages.page, holding))),
    );
  });
}
