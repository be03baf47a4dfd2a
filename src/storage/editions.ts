/** Editions and their deliveries (the outbox). */
import { and, desc, eq, inArray, isNull, lt, lte, or, sql, type Placeholder, type SQL } from 'drizzle-orm';
import { inGroupCommit, type Db } from './db.js';
import { bound, prepared } from './prepared.js';
import { deliveries, editions, type DeliveryRow, type EditionRow } from './schema.js';

type Cadence = EditionRow['cadence'];

export async function findEdition(db: Db, cadence: Cadence, periodKey: string, segmentKey: string) {
  return db
    .select()
    .from(editions)
    .where(and(eq(editions.cadence, cadence), eq(editions.periodKey, periodKey), eq(editions.segmentKey, segmentKey)))
    .get();
}

export async function findEditionById(db: Db, id: string) {
  return db.select().from(editions).where(eq(editions.id, id)).get();
}

/** The segment's edition with the latest window: the next one's pieces start where it ended. */
export async function latestEdition(db: Db, cadence: Cadence, segmentKey: string) {
  return db
    .select()
    .from(editions)
    .where(and(eq(editions.cadence, cadence), eq(editions.segmentKey, segmentKey)))
    .orderBy(desc(editions.windowEnd))
    .limit(1)
    .get();
}

/** Inserts unless an edition for that cadence, period and segment exists; returns the one that stands. */
export async function insertEditionOnce(db: Db, row: EditionRow): Promise<EditionRow> {
  await db.insert(editions).values(row).onConflictDoNothing().run();
  return (await findEdition(db, row.cadence, row.periodKey, row.segmentKey)) as EditionRow;
}

/** Editions in review whose window has closed start sending. */
export async function startReviewedEditions(db: Db, now: Date): Promise<void> {
  await db.update(editions).set({ status: 'sending' }).where(and(eq(editions.status, 'review'), lte(editions.sendAfter, now))).run();
}

/** Puts finished editions back to `sending` when readers whose hour came later were added to them. */
export async function reopenEditionsWithPending(db: Db): Promise<void> {
  // From the pending deliveries (few, by index), not from every edition ever sent.
  await db.run(sql`
    UPDATE editions SET status = 'sending', completed_at = NULL
    WHERE status = 'sent' AND id IN (SELECT DISTINCT edition_id FROM deliveries WHERE status = 'pending')`);
}

/** `column IN (ids)` as one bound parameter, whatever the number of ids (D1 allows 100). */
const inIds = (column: SQL | typeof deliveries.id, ids: string[]) => sql`${column} IN (SELECT value FROM json_each(${JSON.stringify(ids)}))`;

/** Ready to send: pending and due (no backoff, or backoff over), or held by a sender whose lease ran out. */
function sendable(now: Date | Placeholder) {
  return or(
    and(eq(deliveries.status, 'pending'), or(isNull(deliveries.nextAttemptAt), lte(deliveries.nextAttemptAt, now))),
    and(eq(deliveries.status, 'sending'), lt(deliveries.leaseUntil, now)),
  );
}

/** A delivery put on a Queue is not enqueued again before this much time (the Queue retries it). */
export const REQUEUE_AFTER_MS = 3_600_000;

/**
 * Deliveries ready to send (see `sendable`) and not put on a Queue within the last
 * REQUEUE_AFTER_MS, a page at a time in reader order after `afterSubscriberId`: a range of the
 * (edition, subscriber) index, so each page costs the same however large the edition.
 */
export async function sendableDeliveries(db: Db, editionId: string, now: Date, afterSubscriberId: string, limit: number): Promise<{ id: string; subscriberId: string }[]> {
  return db
    .select({ id: deliveries.id, subscriberId: deliveries.subscriberId })
    .from(deliveries)
    .where(
      and(
        eq(deliveries.editionId, editionId),
        sql`${deliveries.subscriberId} > ${afterSubscriberId}`,
        sendable(now),
        or(isNull(deliveries.queuedAt), lt(deliveries.queuedAt, new Date(now.getTime() - REQUEUE_AFTER_MS))),
      ),
    )
    .orderBy(deliveries.subscriberId)
    .limit(limit)
    .all();
}

/** Records that these deliveries were put on a Queue at `now`. */
export async function markQueued(db: Db, ids: string[], now: Date): Promise<void> {
  if (ids.length === 0) return;
  await db.update(deliveries).set({ queuedAt: now }).where(inIds(deliveries.id, ids)).run();
}

/**
 * Takes a delivery for sending until `leaseUntil`. Returns undefined when another sender
 * holds it or it is already done, so two senders never submit the same delivery.
 */
function claimQuery(db: Db) {
  return prepared(db, 'claimDelivery', () =>
    db
      .update(deliveries)
      .set({ status: 'sending', leaseUntil: sql`${sql.placeholder('lease')}`, attempts: sql`${deliveries.attempts} + 1` })
      .where(
        and(
          eq(deliveries.id, sql.placeholder('id')),
          sendable(sql.placeholder('now')),
          // Never while the edition is paused, cancelled or still in review.
          sql`(SELECT status FROM editions WHERE editions.id = ${deliveries.editionId}) = 'sending'`,
        ),
      )
      .returning()
      .prepare(),
  );
}

export type Claim = { id: string; now: Date; leaseUntil: Date };

export async function claimDelivery(db: Db, id: string, now: Date, leaseUntil: Date): Promise<DeliveryRow | undefined> {
  return (await claimQuery(db).get({ id, now: now.getTime(), lease: leaseUntil.getTime() })) as DeliveryRow | undefined;
}

/**
 * Records the outcome of a claimed delivery, but only while the claim is still ours: same
 * attempt, still `sending`. A sender whose lease ran out and was taken over writes nothing,
 * so it cannot put a delivery another sender submitted back to `pending`.
 */
export type Outcome = { claimed: Pick<DeliveryRow, 'id' | 'attempts'>; patch: Partial<DeliveryRow> };

function finishQuery(db: Db, { claimed, patch }: Outcome) {
  const set: Record<string, unknown> = { leaseUntil: null, ...patch };
  const keys = Object.keys(set).sort();
  const q = prepared(db, `finishDelivery:${keys.join()}`, () =>
    db
      .update(deliveries)
      .set(Object.fromEntries(keys.map((k) => [k, sql`${sql.placeholder(k)}`])))
      .where(and(eq(deliveries.id, sql.placeholder('_id')), eq(deliveries.status, 'sending'), eq(deliveries.attempts, sql.placeholder('_attempts'))))
      .prepare(),
  );
  return { q, params: { ...Object.fromEntries(keys.map((k) => [k, bound(set[k])])), _id: claimed.id, _attempts: claimed.attempts } };
}

export async function finishDelivery(db: Db, claimed: Pick<DeliveryRow, 'id' | 'attempts'>, patch: Partial<DeliveryRow>): Promise<void> {
  const { q, params } = finishQuery(db, { claimed, patch });
  await q.run(params);
}

/**
 * A sender's two writes between messages, as one write: the outcome of the delivery it just
 * sent (see `finishDelivery`), then the claim of its next one (see `claimDelivery`); either may
 * be absent. On SQLite they commit together, with those of the other senders in this turn of
 * the event loop (`inGroupCommit`): a commit is most of what such a write costs there (its
 * pages written to the WAL, a system call each), and each message would otherwise take two.
 * Nothing is awaited in between, so an outcome is recorded no later than before, and a claim
 * still commits before its message is submitted. D1: two writes, in order.
 */
export async function finishAndClaim(db: Db, outcome: Outcome | undefined, next: Claim | undefined): Promise<DeliveryRow | undefined> {
  const finish = outcome && finishQuery(db, outcome);
  const claimParams = next && { id: next.id, now: next.now.getTime(), lease: next.leaseUntil.getTime() };
  const grouped = inGroupCommit(db, () => {
    finish?.q.run(finish.params);
    return claimParams ? (claimQuery(db).get(claimParams) as unknown as DeliveryRow | undefined) : undefined;
  });
  if (grouped) return grouped;
  if (finish) await finish.q.run(finish.params);
  return claimParams ? ((await claimQuery(db).get(claimParams)) as DeliveryRow | undefined) : undefined;
}

/** Marks editions whose deliveries are all settled as sent. */
export async function completeEditions(db: Db, editionIds: string[], now: Date): Promise<void> {
  if (editionIds.length === 0) return;
  await db.run(sql`
    UPDATE editions SET status = 'sent', completed_at = ${now.getTime()}
    WHERE status = 'sending' AND ${inIds(sql`id`, editionIds)}
      AND NOT EXISTS (SELECT 1 FROM deliveries d WHERE d.edition_id = editions.id AND d.status IN ('pending', 'sending'))`);
}

export async function openEditions(db: Db): Promise<EditionRow[]> {
  return db.select().from(editions).where(eq(editions.status, 'sending')).orderBy(editions.createdAt).all();
}

export async function deliveryCounts(db: Db, editionIds: string[]) {
  if (editionIds.length === 0) return [];
  return db
    .select({ editionId: deliveries.editionId, status: deliveries.status, n: sql<number>`count(*)` })
    .from(deliveries)
    .where(inArray(deliveries.editionId, editionIds))
    .groupBy(deliveries.editionId, deliveries.status)
    .all();
}
