/**
 * Planning editions. An edition is one digest for one cadence, period and content segment
 * (the sections and authors its readers chose). Each reader is due at their own local hour in
 * their time zone (weekly: on their weekday), for the latest period whose moment has come since
 * they confirmed, so a period missed while the scheduler was down is caught up once, and a new
 * reader's first digest is the next one due. Planning is idempotent: editions are unique per
 * (cadence, period, segment) and a reader has at most one delivery per cadence and period, so
 * duplicate, overlapping or out-of-order ticks never make two.
 */
import type { Deps } from '../deps.js';
import { dueSegments, editionPieceIds, insertDueDeliveries, readerTimeZones, type ZoneSlot } from '../storage/digest-plan.js';
import { findEdition, insertEditionOnce, latestEdition, reopenEditionsWithPending } from '../storage/editions.js';
import type { EditionRow } from '../storage/schema.js';
import { topicsOfSegment } from '../storage/subscribers.js';
import { currentAndPrevious, localParts, type Cadence } from './period.js';

/** Zones per query: keeps each JSON parameter and its join small. */
const ZONES_PER_QUERY = 50;

const PERIOD_MS: Record<Cadence, number> = { daily: 86_400_000, weekly: 7 * 86_400_000 };

/**
 * How far back before the previous edition's end the next one looks again. An article write
 * takes its listing time from the clock and commits a few queries later (on D1, round trips
 * that may take a second or more under load); a tick that read the pieces in between missed a
 * piece listed just before its moment, and a window starting where that edition's ended would
 * miss it too. Looking back this much longer than any write takes, and leaving out what an
 * edition already took, brings such a piece in the next edition, once. Pieces already stored at
 * the moment still go out at that moment, as `digest run` right after publishing expects. (A
 * piece listed in that last minute that an editor dropped from the previous edition, or that
 * did not fit in it, may come in the next one.)
 */
export const LISTING_SETTLE_MS = 60_000;

export type PlanOptions = {
  /** Every reader is due for the current period, whatever their hour, weekday and confirmation time (`nashra digest run`). */
  force?: boolean;
};

/** Where each zone stands at `at`. */
export function zoneSlots(cadence: Cadence, zones: string[], at: Date): ZoneSlot[] {
  return zones.map((tz) => {
    const p = localParts(at, tz);
    const { current, previous } = currentAndPrevious(cadence, at, tz);
    return { tz, periodKey: current.key, periodStart: current.start, previousKey: previous.key, previousStart: previous.start, hour: p.hour, weekday: p.weekday };
  });
}

/**
 * Plans what is due at `now` for `cadence`: the editions due readers need (created when
 * missing) and one delivery per due reader. Returns the editions it used.
 */
export async function planDue(deps: Pick<Deps, 'db' | 'ids' | 'config'>, cadence: Cadence, now: Date, opts: PlanOptions = {}): Promise<EditionRow[]> {
  const { db } = deps;
  const zones = await readerTimeZones(db);
  const used = new Map<string, EditionRow>();
  for (let i = 0; i < zones.length; i += ZONES_PER_QUERY) {
    const slots = zoneSlots(cadence, zones.slice(i, i + ZONES_PER_QUERY), now);
    const pairs = await dueSegments(db, cadence, slots, opts.force);
    if (pairs.length === 0) continue;
    for (const { periodKey: key, segmentKey } of pairs) {
      const edition = await ensureEdition(deps, cadence, key, segmentKey, now);
      used.set(edition.id, edition);
    }
    await insertDueDeliveries(db, cadence, slots, now, opts.force);
  }
  await reopenEditionsWithPending(db);
  return [...used.values()];
}

/**
 * The edition of this cadence, period and segment, created when missing: the segment's
 * commentary pieces listed since the previous edition's window (the last period's for a new
 * segment; LISTING_SETTLE_MS earlier, without the pieces an edition already took), newest
 * first, at most DIGEST_MAX_ITEMS; `skipped` when there are none. With a review window it
 * waits in `review` until DIGEST_REVIEW_MINUTES have passed.
 */
export async function ensureEdition(
  deps: Pick<Deps, 'db' | 'ids' | 'config'>,
  cadence: Cadence,
  key: string,
  segmentKey: string,
  now: Date,
): Promise<EditionRow> {
  const { db, ids, config } = deps;
  const existing = await findEdition(db, cadence, key, segmentKey);
  if (existing) return existing;
  const previous = await latestEdition(db, cadence, segmentKey);
  const windowStart = previous ? new Date(previous.windowEnd.getTime() - LISTING_SETTLE_MS) : new Date(now.getTime() - PERIOD_MS[cadence]);
  // A late, out-of-order tick must not reach back before a later edition's window.
  const windowEnd = windowStart > now ? windowStart : now;
  const pieces = await editionPieceIds(db, {
    after: windowStart,
    until: windowEnd,
    topics: topicsOfSegment(segmentKey),
    limit: config.DIGEST_MAX_ITEMS,
    notTakenBy: { cadence, segmentKey },
  });
  const review = config.DIGEST_REVIEW_MINUTES * 60_000;
  return insertEditionOnce(db, {
    id: ids.next(),
    cadence,
    periodKey: key,
    segmentKey,
    status: pieces.length === 0 ? 'skipped' : review > 0 ? 'review' : 'sending',
    windowStart,
    windowEnd,
    articleIds: JSON.stringify(pieces),
    sendAfter: new Date(now.getTime() + review),
    createdAt: now,
    completedAt: pieces.length ? null : now,
    firstSubmittedAt: null,
    lastSubmittedAt: null,
  });
}
