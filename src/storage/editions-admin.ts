/**
 * Edition queries for editors: pages of editions, delivery counts per edition, the signs that
 * a send stopped moving, and the status changes editors make (pause, resume, cancel, review).
 * Every status change is a conditional UPDATE, so of two editors racing only one wins. Lists
 * of edition ids travel as one JSON parameter (`json_each`), far from D1's 100 bound parameters.
 */
import { and, desc, eq, inArray, lt, or, sql, type SQL } from 'drizzle-orm';
import type { Db } from './db.js';
import { isOpen, isSettled } from './delivery-states.js';
import { deliveries, editions, type EditionRow } from './schema.js';

type Status = EditionRow['status'];
type DeliveryStatus = 'pending' | 'sending' | 'submitted' | 'failed' | 'bounced' | 'skipped';

/** Editions that may still send: in review, sending, or held by an editor. */
export const OPEN_STATUSES: Status[] = ['review', 'sending', 'paused'];

export type EditionFilter = { status?: Status; cadence?: EditionRow['cadence'] };

/** Where a page starts: after this edition in newest-first order. */
export type EditionCursor = { createdAt: Date; id: string };

/**
 * One page of editions matching `filter`, newest first (creation time, then id), starting
 * after `after` when given. `hasMore` says whether another page follows.
 */
export async function listEditionPage(db: Db, filter: EditionFilter, page: { limit: number; after?: EditionCursor }) {
  const conds: (SQL | undefined)[] = [];
  if (filter.status) conds.push(eq(editions.status, filter.status));
  if (filter.cadence) conds.push(eq(editions.cadence, filter.cadence));
  if (page.after) {
    const { createdAt, id } = page.after;
    conds.push(or(lt(editions.createdAt, createdAt), and(eq(editions.createdAt, createdAt), lt(editions.id, id))));
  }
  const rows = await db
    .select()
    .from(editions)
    .where(conds.length ? and(...conds) : undefined)
    .orderBy(desc(editions.createdAt), desc(editions.id))
    .limit(page.limit + 1)
    .all();
  return { items: rows.slice(0, page.limit), hasMore: rows.length > page.limit };
}

/** Open editions (see OPEN_STATUSES), newest first, at most `limit`. */
export async function openEditionRows(db: Db, limit: number): Promise<EditionRow[]> {
  return db.select().from(editions).where(inArray(editions.status, OPEN_STATUSES)).orderBy(desc(editions.createdAt), desc(editions.id)).limit(limit).all();
}

export type DeliveryCounts = Record<DeliveryStatus, number> & { total: number };

export const emptyCounts = (): DeliveryCounts => ({ pending: 0, sending: 0, submitted: 0, failed: 0, bounced: 0, skipped: 0, total: 0 });

const idsIn = (column: SQL, ids: string[]) => sql`${column} IN (SELECT value FROM json_each(${JSON.stringify(ids)}))`;

/** Deliveries per state for each of these editions, in one grouped query (every id gets an entry). */
export async function deliveryCountsOf(db: Db, editionIds: string[]): Promise<Map<string, DeliveryCounts>> {
  const out = new Map(editionIds.map((id) => [id, emptyCounts()]));
  if (editionIds.length === 0) return out;
  // Each half is counted in its own partial index, without reading a delivery row.
  const half = (state: SQL) => sql`
    SELECT edition_id AS editionId, status, count(*) AS n FROM deliveries
    WHERE ${idsIn(sql`edition_id`, editionIds)} AND ${state}
    GROUP BY edition_id, status`;
  const rows = await db.all<{ editionId: string; status: DeliveryStatus; n: number }>(
    sql`${half(isOpen(sql`status`))} UNION ALL ${half(isSettled(sql`status`))}`,
  );
  for (const r of rows) {
    const c = out.get(r.editionId);
    if (!c || !(r.status in c)) continue;
    c[r.status] += Number(r.n);
    c.total += Number(r.n);
  }
  return out;
}

/** What stopped moving in an edition that is sending (see `sendHealth`). */
export type SendHealth = {
  failed: number;
  /** Deliveries held by a sender whose lease ran out before the lease cut-off. */
  staleLeases: number;
  /** When the oldest of those leases ran out. */
  oldestLeaseEnd: Date | null;
  /** Pending deliveries due since before the due cut-off, in an edition nothing moves in. */
  overdue: number;
  /** Since when the oldest of those has been due. */
  oldestDue: Date | null;
};

export type HealthCutoffs = {
  /** Now: a lease ending after it is still held, so the edition is moving. */
  now: Date;
  /** A lease that ran out before this instant counts as stale. */
  leaseCutoff: Date;
  /** A pending delivery due before this instant counts as overdue, unless the edition is moving. */
  dueCutoff: Date;
  /** A submission after this instant means the edition is moving. */
  movingSince: Date;
};

/**
 * Failed, stale and overdue deliveries of editions that are `sending`: of these ids, or with
 * `'open'` of every such edition. An edition is moving while a delivery is held under a lease
 * that has not run out, or a sender recorded a submission since `movingSince`
 * (`editions.lastSubmittedAt`): its pending deliveries then wait their turn and are not
 * overdue. A delivery is due from its creation, its backoff and its edition's review window,
 * whichever is last. Editions with nothing wrong are left out.
 *
 * Read from the two partial indexes: the failed count from the settled one, leases from the
 * open one's sending entries, and pending deliveries only of editions that are not moving. So
 * a large send that is moving, or waiting on a few backoffs, costs a scan of its open index
 * entries, not a read of every delivery it has.
 */
export async function sendHealth(db: Db, scope: string[] | 'open', at: HealthCutoffs): Promise<Map<string, SendHealth>> {
  const out = new Map<string, SendHealth>();
  if (scope !== 'open' && scope.length === 0) return out;
  const inScope = sql`e.status = 'sending' AND ${scope === 'open' ? sql`1 = 1` : idsIn(sql`e.id`, scope)}`;
  const open = sql`deliveries d INDEXED BY deliveries_open_idx ON d.edition_id = e.id AND ${isOpen(sql`d.status`)}`;
  const stale = sql`d.lease_until < ${at.leaseCutoff.getTime()}`;
  const [editionRows, leaseRows] = await Promise.all([
    db.all<{ editionId: string; failed: number; submittedLately: number }>(sql`
      SELECT e.id AS editionId,
        (SELECT count(*) FROM deliveries f WHERE f.edition_id = e.id AND ${isSettled(sql`f.status`)} AND f.status = 'failed') AS failed,
        coalesce(e.last_submitted_at > ${at.movingSince.getTime()}, 0) AS submittedLately
      FROM editions e WHERE ${inScope}`),
    db.all<{ editionId: string; staleLeases: number; oldestLeaseEnd: number | null; leased: number }>(sql`
      SELECT e.id AS editionId, sum(${stale}) AS staleLeases, min(CASE WHEN ${stale} THEN d.lease_until END) AS oldestLeaseEnd,
        max(d.lease_until >= ${at.now.getTime()}) AS leased
      FROM editions e JOIN ${open} AND d.status = 'sending'
      WHERE ${inScope}
      GROUP BY e.id`),
  ]);
  const leases = new Map(leaseRows.map((r) => [r.editionId, r]));
  const still = editionRows.filter((r) => !Number(r.submittedLately) && !Number(leases.get(r.editionId)?.leased)).map((r) => r.editionId);
  const due = sql`max(coalesce(d.next_attempt_at, 0), d.created_at, coalesce(e.send_after, 0))`;
  const lateRows = still.length
    ? await db.all<{ editionId: string; late: number; oldestDue: number | null }>(sql`
      SELECT e.id AS editionId, count(*) AS late, min(${due}) AS oldestDue
      FROM editions e JOIN ${open} AND d.status = 'pending'
      WHERE e.status = 'sending' AND ${idsIn(sql`e.id`, still)} AND ${due} < ${at.dueCutoff.getTime()}
      GROUP BY e.id`)
    : [];
  const late = new Map(lateRows.map((r) => [r.editionId, r]));
  for (const r of editionRows) {
    const l = leases.get(r.editionId);
    const overdue = Number(late.get(r.editionId)?.late ?? 0);
    const oldestDue = late.get(r.editionId)?.oldestDue ?? null;
    const failed = Number(r.failed);
    const staleLeases = Number(l?.staleLeases ?? 0);
    if (!failed && !staleLeases && !overdue) continue;
    out.set(r.editionId, {
      failed,
      staleLeases,
      oldestLeaseEnd: staleLeases && l?.oldestLeaseEnd != null ? new Date(Number(l.oldestLeaseEnd)) : null,
      overdue,
      oldestDue: overdue && oldestDue !== null ? new Date(Number(oldestDue)) : null,
    });
  }
  return out;
}

/**
 * Sets the edition's status to `to` only while it is one of `from`; returns the updated row, or
 * undefined when it is not (unknown, or another status: nothing was written).
 */
export async function moveEditionIf(db: Db, id: string, from: Status[], to: Status): Promise<EditionRow | undefined> {
  return db.update(editions).set({ status: to }).where(and(eq(editions.id, id), inArray(editions.status, from))).returning().get();
}

/**
 * paused → `review` while its review window is still open at `now`, else `sending`; returns the
 * updated row, or undefined when it was not paused (nothing written then). In the same atomic
 * write its deliveries not yet sent are marked as not queued: a Queue consumer acknowledged
 * them while the edition was paused, and the next tick must put them on the Queue again.
 */
export async function resumeEditionIf(db: Db, id: string, now: Date): Promise<EditionRow | undefined> {
  const resume = db
    .update(editions)
    .set({ status: sql`CASE WHEN ${editions.sendAfter} > ${now.getTime()} THEN 'review' ELSE 'sending' END` as unknown as Status })
    .where(and(eq(editions.id, id), eq(editions.status, 'paused')))
    .returning();
  const requeue = db
    .update(deliveries)
    .set({ queuedAt: null })
    .where(and(eq(deliveries.editionId, id), isOpen(deliveries.status)));
  return (await batchReturning<EditionRow>(db, resume, [requeue]))[0];
}

/**
 * Cancels the edition while it is one of `from`, and in the same atomic write skips its
 * deliveries not yet sent: pending ones, and those held under a lease that ran out before
 * `now` (nobody may claim them again once the edition is cancelled). Deliveries in flight keep
 * their sender, who records how they ended. Returns the cancelled row, or undefined when the
 * edition was not in one of `from` (nothing was written then).
 */
export async function cancelEditionIf(db: Db, id: string, from: Status[], now: Date, error: string): Promise<EditionRow | undefined> {
  const cancel = db
    .update(editions)
    .set({ status: 'cancelled', completedAt: now })
    .where(and(eq(editions.id, id), inArray(editions.status, from)))
    .returning();
  const skip = db
    .update(deliveries)
    .set({ status: 'skipped', error, leaseUntil: null })
    .where(
      and(
        eq(deliveries.editionId, id),
        isOpen(deliveries.status),
        or(eq(deliveries.status, 'pending'), and(eq(deliveries.status, 'sending'), lt(deliveries.leaseUntil, now))),
        sql`(SELECT status FROM editions WHERE editions.id = ${id}) = 'cancelled'`,
      ),
    );
  const rows = await batchReturning<EditionRow>(db, cancel, [skip]);
  return rows[0];
}

/**
 * Replaces the edition's pieces with `articleIds` while it is in review and its pieces are still
 * `expected` (the JSON the caller read), so an edit made meanwhile is never overwritten.
 * Returns the updated row, or undefined when nothing was written.
 */
export async function replaceEditionArticlesIf(db: Db, id: string, expected: string, articleIds: string[]): Promise<EditionRow | undefined> {
  return db
    .update(editions)
    .set({ articleIds: JSON.stringify(articleIds) })
    .where(and(eq(editions.id, id), eq(editions.status, 'review'), eq(editions.articleIds, expected)))
    .returning()
    .get();
}

/**
 * Runs `first` (an UPDATE … RETURNING) and `rest` atomically and returns the rows of `first`:
 * `db.batch` on D1, a transaction on the Node driver (whose statements run synchronously).
 */
async function batchReturning<T>(db: Db, first: { all(): unknown }, rest: { run(): unknown }[]): Promise<T[]> {
  const withBatch = db as unknown as { batch?: (s: unknown[]) => Promise<unknown[]> };
  if (typeof withBatch.batch === 'function') return (await withBatch.batch([first, ...rest]))[0] as T[];
  return (db as unknown as { transaction<R>(fn: () => R): R }).transaction(() => {
    const rows = first.all() as T[];
    for (const s of rest) s.run();
    return rows;
  });
}
