/**
 * Editions for the public archive and its feeds. An edition went out when it is `sent`, or
 * still `sending` with at least one delivery submitted: those are listed. One paused or
 * cancelled after some of its readers got it (or put back in review by a resume) is public at
 * its own address only, so those readers' "view in browser" link still opens; it stays out of
 * the list and the feeds, which reach people who never got it, because an editor stopped it
 * (a paused one is listed again once it is resumed and sending). An edition no reader got (in
 * review, paused or cancelled before any submission, skipped) is never public.
 */
import { and, desc, eq, isNotNull, lt, or } from 'drizzle-orm';
import type { Db } from './db.js';
import { editions, type EditionRow } from './schema.js';

/** A place in the archive's order (newest first): an edition's creation time and id. */
export type EditionCursor = { createdAt: Date; id: string };

const anySubmitted = isNotNull(editions.firstSubmittedAt);

const wentOut = or(eq(editions.status, 'sent'), and(eq(editions.status, 'sending'), anySubmitted));

/** Public at its address: it went out, or reached at least one reader whatever happened since. */
const reachable = or(eq(editions.status, 'sent'), anySubmitted);

/** Whether the archive and the feeds list a public edition (one `findPublicEdition` returns). */
export const isListed = (edition: Pick<EditionRow, 'status'>): boolean => edition.status === 'sent' || edition.status === 'sending';

/**
 * Listed editions, newest first (creation time, then id), strictly after `before` in that
 * order when given; at most `limit`.
 */
export async function publicEditions(db: Db, opts: { before?: EditionCursor; limit: number }): Promise<EditionRow[]> {
  const { before } = opts;
  const after = before
    ? or(lt(editions.createdAt, before.createdAt), and(eq(editions.createdAt, before.createdAt), lt(editions.id, before.id)))
    : undefined;
  return db
    .select()
    .from(editions)
    .where(and(wentOut, after))
    .orderBy(desc(editions.createdAt), desc(editions.id))
    .limit(opts.limit)
    .all();
}

/**
 * The edition with this id when it is public, listed or not (`isListed`); undefined when it is
 * unknown or no reader ever got it.
 */
export async function findPublicEdition(db: Db, id: string): Promise<EditionRow | undefined> {
  return db.select().from(editions).where(and(eq(editions.id, id), reachable)).get();
}
