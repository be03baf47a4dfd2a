/**
 * Editions for the public archive and its feeds. An edition went out when it is `sent`, or
 * still `sending` with at least one delivery submitted: those are listed. One paused or
 * cancelled after some of its readers got it (or put back in review by a resume) is public at
 * its own address only, so those readers' "view in browser" link still opens; it stays out of
 * the list and the feeds, which reach people who never got it, because an editor stopped it
 * (a paused one is listed again once it is resumed and sending). An edition no reader got (in
 * review, paused or cancelled before any submission, skipped) is never public.
 */
import { and, desc, eq, inArray, lt, or, sql } from 'drizzle-orm';
import { chunkRows, type Db } from './db.js';
import { deliveries, editions, type EditionRow } from './schema.js';

/** A place in the archive's order (newest first): an edition's creation time and id. */
export type EditionCursor = { createdAt: Date; id: string };

// Runs on deliveries_status_idx (status, edition_id): one seek per edition.
const anySubmitted = sql`EXISTS (SELECT 1 FROM ${deliveries} WHERE ${deliveries.status} = 'submitted' AND ${deliveries.editionId} = ${editions.id})`;

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

/**
 * When each edition's first delivery was submitted, by edition id; editions with none are
 * absent. Stable: later submissions only come after it, and an erased reader's delivery rows
 * stay. One correlated `min` per edition, so that an index on (status, edition_id,
 * submitted_at) answers each with one seek; deliveries_status_idx alone reads every
 * submitted delivery of the edition, so callers ask for a page of editions at a time.
 */
export async function firstSubmissions(db: Db, editionIds: string[]): Promise<Map<string, Date>> {
  const out = new Map<string, Date>();
  // Qualified by hand: drizzle writes the selected columns of a one-table query unqualified.
  const first = sql<number | null>`(SELECT min(d.submitted_at) FROM ${deliveries} d WHERE d.status = 'submitted' AND d.edition_id = ${editions}.${sql.identifier('id')})`;
  for (const chunk of chunkRows(editionIds, 1, 90)) {
    const rows = await db.select({ id: editions.id, at: first }).from(editions).where(inArray(editions.id, chunk)).all();
    for (const r of rows) if (r.at !== null) out.set(r.id, new Date(Number(r.at)));
  }
  return out;
}
