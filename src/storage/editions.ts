/** Editions and their deliveries (the outbox). */
import { and, desc, eq, isNull, lt, lte, or, sql, type Placeholder, type SQL } from 'drizzle-orm';
import { inGroupCommit, type Db, type Gathering } from './db.js';
import { bound, prepared } from './prepared.js';
import { isOpen } from './delivery-states.js';
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
  // One seek in deliveries_open_idx per sent edition, where a sent edition has no entries
  // unless some were just added: the open deliveries of editions still sending are not read.
  await db.run(sql`
    UPDATE editions SET status = 'sending', completed_at = NULL
    WHERE status = 'sent'
      AND EXISTS (SELECT 1 FROM deliveries d WHERE d.edition_id = editions.id AND ${isOpen(sql`d.status`)} AND d.status = 'pending')`);
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
 * REQUEUE_AFTER_MS, a page at a time in reader order after `afterSubscriberId`: a range of
 * deliveries_open_idx, which holds only the deliveries not settled yet, so a page costs the
 * same however large the edition and however much of it went out already.
 */
export async function sendableDeliveries(db: Db, editionId: string, now: Date, afterSubscriberId: string, limit: number): Promise<{ id: string; subscriberId: string }[]> {
  // Named: without statistics SQLite takes the (edition, subscriber) unique index, a range as
  // good on paper that holds every delivery the edition ever had.
  return db.all<{ id: string; subscriberId: string }>(sql`
    SELECT id, subscriber_id AS subscriberId FROM deliveries INDEXED BY deliveries_open_idx
    WHERE edition_id = ${editionId} AND subscriber_id > ${afterSubscriberId} AND ${isOpen(sql`status`)}
      AND ${sendable(now)}
      AND (queued_at IS NULL OR queued_at < ${now.getTime() - REQUEUE_AFTER_MS})
    ORDER BY subscriber_id
    LIMIT ${limit}`);
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
 * so it cannot put a delivery another sender submitted back to `pending`. With `datesEdition`,
 * a submission also dates the edition's first one when it has none yet (see
 * `editions.firstSubmittedAt`): the message went out, whichever sender gets to record it. A
 * sender asks for it with its first submission of each edition. On SQLite that write commits
 * no later than the sender's other outcomes; on D1 another one may land first, and a crash
 * between them leaves the edition undated until a delivery of it is next submitted (the one
 * whose write was lost is sent again once its lease runs out).
 */
export type Outcome = { claimed: Pick<DeliveryRow, 'id' | 'attempts' | 'editionId'>; patch: Partial<DeliveryRow>; datesEdition?: boolean };

type Write = { q: { run(params: Record<string, unknown>): unknown }; params: Record<string, unknown> };

function finishWrites(db: Db, { claimed, patch, datesEdition }: Outcome): Write[] {
  const set: Record<string, unknown> = { leaseUntil: null, ...patch };
  const keys = Object.keys(set).sort();
  const finish = prepared(db, `finishDelivery:${keys.join()}`, () =>
    db
      .update(deliveries)
      .set(Object.fromEntries(keys.map((k) => [k, sql`${sql.placeholder(k)}`])))
      .where(and(eq(deliveries.id, sql.placeholder('_id')), eq(deliveries.status, 'sending'), eq(deliveries.attempts, sql.placeholder('_attempts'))))
      .prepare(),
  );
  const writes: Write[] = [{ q: finish, params: { ...Object.fromEntries(keys.map((k) => [k, bound(set[k])])), _id: claimed.id, _attempts: claimed.attempts } }];
  if (datesEdition && patch.status === 'submitted' && patch.submittedAt) {
    const stamp = prepared(db, 'stampFirstSubmission', () =>
      db
        .update(editions)
        .set({ firstSubmittedAt: sql`${sql.placeholder('at')}` })
        .where(and(eq(editions.id, sql.placeholder('id')), isNull(editions.firstSubmittedAt)))
        .prepare(),
    );
    // First: should the outcome's write be lost (D1 writes them one after the other), the
    // edition is still dated by a message that did go out.
    writes.unshift({ q: stamp, params: { id: claimed.editionId, at: patch.submittedAt.getTime() } });
  }
  return writes;
}

export async function finishDelivery(db: Db, claimed: Outcome['claimed'], patch: Partial<DeliveryRow>): Promise<void> {
  for (const w of finishWrites(db, { claimed, patch, datesEdition: true })) await w.q.run(w.params);
}

/**
 * A sender's two writes between messages, as one write: the outcome of the delivery it just
 * sent (see `finishDelivery`), then the claim of its next one (see `claimDelivery`); either may
 * be absent. On SQLite they commit together, with those of other senders (`inGroupCommit`,
 * gathered as `gathering` says): a commit is most of what such a write costs there (its pages
 * written to the WAL, a system call each), and each message would otherwise take two. The
 * sender waits for the commit holding only the delivery it just sent, and a claim still
 * commits before its message is submitted. D1: the writes in order.
 */
export async function finishAndClaim(db: Db, outcome: Outcome | undefined, next: Claim | undefined, gathering?: Gathering): Promise<DeliveryRow | undefined> {
  const writes = outcome ? finishWrites(db, outcome) : [];
  const claimParams = next && { id: next.id, now: next.now.getTime(), lease: next.leaseUntil.getTime() };
  const grouped = inGroupCommit(db, () => {
    for (const w of writes) w.q.run(w.params);
    return claimParams ? (claimQuery(db).get(claimParams) as unknown as DeliveryRow | undefined) : undefined;
  }, gathering);
  if (grouped) return grouped;
  for (const w of writes) await w.q.run(w.params);
  return claimParams ? ((await claimQuery(db).get(claimParams)) as DeliveryRow | undefined) : undefined;
}

/**
 * Moves each edition's latest submission forward to the given time (never back): a sender
 * does so when its batch ends (see `editions.lastSubmittedAt`).
 */
export async function recordLastSubmissions(db: Db, latest: Map<string, Date>): Promise<void> {
  for (const [id, at] of latest) {
    await db.run(sql`UPDATE editions SET last_submitted_at = max(coalesce(last_submitted_at, 0), ${at.getTime()}) WHERE id = ${id}`);
  }
}

/** Marks editions whose deliveries are all settled as sent. */
export async function completeEditions(db: Db, editionIds: string[], now: Date): Promise<void> {
  if (editionIds.length === 0) return;
  await db.run(sql`
    UPDATE editions SET status = 'sent', completed_at = ${now.getTime()}
    WHERE status = 'sending' AND ${inIds(sql`id`, editionIds)}
      AND NOT EXISTS (SELECT 1 FROM deliveries d WHERE d.edition_id = editions.id AND ${isOpen(sql`d.status`)})`);
}

export async function openEditions(db: Db): Promise<EditionRow[]> {
  return db.select().from(editions).where(eq(editions.status, 'sending')).orderBy(editions.createdAt).all();
}
