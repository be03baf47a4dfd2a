/** Editions and their deliveries (the outbox). */
import { and, desc, eq, inArray, isNull, lt, lte, or, sql } from 'drizzle-orm';
import { batch, chunkRows, type Db } from './db.js';
import { deliveries, editions, type DeliveryRow, type EditionRow } from './schema.js';

export async function findEdition(db: Db, cadence: EditionRow['cadence'], periodKey: string) {
  return db.select().from(editions).where(and(eq(editions.cadence, cadence), eq(editions.periodKey, periodKey))).get();
}

export async function findEditionById(db: Db, id: string) {
  return db.select().from(editions).where(eq(editions.id, id)).get();
}

export async function latestEdition(db: Db, cadence: EditionRow['cadence']) {
  return db.select().from(editions).where(eq(editions.cadence, cadence)).orderBy(desc(editions.windowEnd)).limit(1).get();
}

/** Inserts unless an edition for that cadence and period exists; returns the one that stands. */
export async function insertEditionOnce(db: Db, row: EditionRow): Promise<EditionRow> {
  await db.insert(editions).values(row).onConflictDoNothing().run();
  return (await findEdition(db, row.cadence, row.periodKey)) as EditionRow;
}

/**
 * Creates a pending delivery for every confirmed, unsuppressed subscriber of the edition's
 * cadence who has none yet. One INSERT … SELECT: no bound-parameter limit, idempotent, safe to repeat.
 * The delivery id is derived from edition and subscriber, so it doubles as an idempotency key.
 */
export async function createDeliveries(db: Db, edition: EditionRow, now: Date): Promise<number> {
  const result = await db.run(sql`
    INSERT INTO deliveries (id, edition_id, subscriber_id, status, attempts, created_at)
    SELECT ${edition.id} || '-' || s.id, ${edition.id}, s.id, 'pending', 0, ${now.getTime()}
    FROM subscribers s
    WHERE s.status = 'confirmed' AND s.frequency = ${edition.cadence} AND s.suppressed_at IS NULL
    ON CONFLICT DO NOTHING`);
  return changesOf(result);
}

/** Rows changed by a write, from either driver (better-sqlite3: `changes`; D1: `meta.changes`). */
function changesOf(result: unknown): number {
  const r = result as { changes?: number; meta?: { changes?: number } };
  return r.changes ?? r.meta?.changes ?? 0;
}

/** Puts a finished edition back to `sending`, when deliveries were added to it. */
export async function reopenEdition(db: Db, id: string): Promise<void> {
  await db.update(editions).set({ status: 'sending', completedAt: null }).where(and(eq(editions.id, id), eq(editions.status, 'sent'))).run();
}

/** Ready to send: pending and due (no backoff, or backoff over), or held by a sender whose lease ran out. */
function sendable(now: Date) {
  return or(
    and(eq(deliveries.status, 'pending'), or(isNull(deliveries.nextAttemptAt), lte(deliveries.nextAttemptAt, now))),
    and(eq(deliveries.status, 'sending'), lt(deliveries.leaseUntil, now)),
  );
}

/** A delivery put on a Queue is not enqueued again before this much time (the Queue retries it). */
export const REQUEUE_AFTER_MS = 3_600_000;

/**
 * Ids of deliveries ready to send (see `sendable`) and not put on a Queue within the last
 * REQUEUE_AFTER_MS, a page at a time in id order.
 */
export async function sendableDeliveryIds(db: Db, editionId: string, now: Date, afterId: string, limit: number): Promise<string[]> {
  const rows = await db
    .select({ id: deliveries.id })
    .from(deliveries)
    .where(
      and(
        eq(deliveries.editionId, editionId),
        sql`${deliveries.id} > ${afterId}`,
        sendable(now),
        or(isNull(deliveries.queuedAt), lt(deliveries.queuedAt, new Date(now.getTime() - REQUEUE_AFTER_MS))),
      ),
    )
    .orderBy(deliveries.id)
    .limit(limit)
    .all();
  return rows.map((r) => r.id);
}

/** Records that these deliveries were put on a Queue at `now`. */
export async function markQueued(db: Db, ids: string[], now: Date): Promise<void> {
  await batch(db, chunkRows(ids, 1, 90).map((chunk) => db.update(deliveries).set({ queuedAt: now }).where(inArray(deliveries.id, chunk))));
}

/**
 * Takes a delivery for sending until `leaseUntil`. Returns undefined when another sender
 * holds it or it is already done, so two senders never submit the same delivery.
 */
export async function claimDelivery(db: Db, id: string, now: Date, leaseUntil: Date): Promise<DeliveryRow | undefined> {
  return db
    .update(deliveries)
    .set({ status: 'sending', leaseUntil, attempts: sql`${deliveries.attempts} + 1` })
    .where(
      and(
        eq(deliveries.id, id),
        sendable(now),
      ),
    )
    .returning()
    .get();
}

/**
 * Records the outcome of a claimed delivery, but only while the claim is still ours: same
 * attempt, still `sending`. A sender whose lease ran out and was taken over writes nothing,
 * so it cannot put a delivery another sender submitted back to `pending`.
 */
export async function finishDelivery(db: Db, claimed: Pick<DeliveryRow, 'id' | 'attempts'>, patch: Partial<DeliveryRow>): Promise<void> {
  await db
    .update(deliveries)
    .set({ leaseUntil: null, ...patch })
    .where(and(eq(deliveries.id, claimed.id), eq(deliveries.status, 'sending'), eq(deliveries.attempts, claimed.attempts)))
    .run();
}

/** Marks editions whose deliveries are all settled as sent. */
export async function completeEditions(db: Db, editionIds: string[], now: Date): Promise<void> {
  if (editionIds.length === 0) return;
  await db.run(sql`
    UPDATE editions SET status = 'sent', completed_at = ${now.getTime()}
    WHERE status = 'sending' AND id IN (${sql.join(editionIds.map((id) => sql`${id}`), sql`, `)})
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
