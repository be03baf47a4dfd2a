/**
 * The queries behind planning digests at each reader's local hour. Readers are grouped by time
 * zone: for each zone the caller works out the local period, hour and weekday once, and the
 * database picks the readers who are due there. Zones travel as one JSON parameter (`json_each`),
 * so a query never nears D1's 100 bound parameters however many zones there are.
 */
import { sql, type SQL } from 'drizzle-orm';
import type { Db } from './db.js';
import { changesOf } from './changes.js';
import type { TopicIds } from './subscribers.js';

/** Where a time zone stands at the planning instant. */
export type ZoneSlot = {
  tz: string;
  /** The local period (`2026-11-29` or `2026-W48`). */
  periodKey: string;
  /** When the period began (local midnight; Monday's for a week). */
  periodStart: Date;
  /** The period before it: readers whose moment has not come yet in this one are due for that one. */
  previousKey: string;
  previousStart: Date;
  /** Local hour 0–23; readers whose chosen hour is at or before it are due for this period. */
  hour: number;
  /** Local ISO weekday 1–7 (weekly readers are due from their weekday on, within the week). */
  weekday: number;
};

type Cadence = 'daily' | 'weekly';

/** Time zones of readers who may receive digests. */
export async function readerTimeZones(db: Db): Promise<string[]> {
  const rows = await db.all<{ tz: string }>(sql`
    SELECT DISTINCT timezone AS tz FROM subscribers WHERE status = 'confirmed' AND suppressed_at IS NULL`);
  return rows.map((r) => r.tz);
}

/** `z`: the zone slots as a table (tz, period, hour, weekday). */
function zonesTable(zones: ZoneSlot[]): SQL {
  const json = JSON.stringify(zones.map((z) => [z.tz, z.periodKey, z.periodStart.getTime(), z.previousKey, z.previousStart.getTime(), z.hour, z.weekday]));
  // Materialized, and joined first (`z CROSS JOIN subscribers`): one index range of readers per
  // zone, instead of every reader against every zone.
  return sql`z AS MATERIALIZED (SELECT json_extract(value, '$[0]') AS tz, json_extract(value, '$[1]') AS period, json_extract(value, '$[2]') AS period_start,
    json_extract(value, '$[3]') AS previous, json_extract(value, '$[4]') AS previous_start,
    json_extract(value, '$[5]') AS hour, json_extract(value, '$[6]') AS weekday FROM json_each(${json}))`;
}

/**
 * The reader's moment in a period that began at `start`: their hour that day (weekly: on
 * their weekday). Only to tell whether they had confirmed by then, so an hour off on a
 * daylight-saving day does not matter.
 */
function moment(cadence: Cadence, start: SQL): SQL {
  const day = cadence === 'weekly' ? sql` + (s.preferred_weekday - 1) * 86400000` : sql``;
  return sql`(${start} + s.preferred_hour * 3600000${day})`;
}

/**
 * The period a reader (`s`, in zone `z`) is due for, or NULL: the latest one whose moment
 * (their hour, and for weekly readers their weekday) has come since they confirmed or last
 * changed their choices. Before their hour today that is yesterday's, which they already have
 * unless the scheduler was down then: so a missed period is caught up once, at the next tick.
 * A reader confirmed (or back, or switched from daily to weekly) after today's moment waits
 * for the next one: no stale catch-up of pieces they already had. With `force`, everyone is
 * due for this period.
 */
function duePeriod(cadence: Cadence, force = false): SQL {
  if (force) return sql`z.period`;
  const reached =
    cadence === 'daily'
      ? sql`s.preferred_hour <= z.hour`
      : sql`(s.preferred_weekday < z.weekday OR (s.preferred_weekday = z.weekday AND s.preferred_hour <= z.hour))`;
  const confirmed = sql`max(coalesce(s.confirmed_at, s.created_at), s.updated_at)`;
  return sql`(CASE
    WHEN ${reached} THEN (CASE WHEN ${confirmed} <= ${moment(cadence, sql`z.period_start`)} THEN z.period END)
    WHEN ${confirmed} <= ${moment(cadence, sql`z.previous_start`)} THEN z.previous END)`;
}

/** Readers of `cadence` who may receive digests (the `s` of the queries below; `subscribers_due_idx`). */
function readers(cadence: Cadence): SQL {
  return sql`s.status = 'confirmed' AND s.frequency = ${cadence} AND s.suppressed_at IS NULL`;
}

/**
 * The (period, segment) pairs that readers without a delivery for their due period fall in:
 * the editions this tick needs.
 */
export async function dueSegments(db: Db, cadence: Cadence, zones: ZoneSlot[], force = false): Promise<{ periodKey: string; segmentKey: string }[]> {
  if (zones.length === 0) return [];
  const period = duePeriod(cadence, force);
  return db.all<{ periodKey: string; segmentKey: string }>(sql`
    WITH ${zonesTable(zones)}
    SELECT DISTINCT ${period} AS periodKey, s.segment_key AS segmentKey
    FROM z CROSS JOIN subscribers s ON s.timezone = z.tz
    WHERE ${readers(cadence)} AND ${period} IS NOT NULL
      AND NOT EXISTS (SELECT 1 FROM deliveries d WHERE d.subscriber_id = s.id AND d.cadence = ${cadence} AND d.period_key = ${period})
      -- An edition skipped (nothing new) or cancelled stays so: nothing to plan for it again.
      AND NOT EXISTS (SELECT 1 FROM editions e WHERE e.cadence = ${cadence} AND e.period_key = ${period} AND e.segment_key = s.segment_key
        AND e.status IN ('skipped', 'cancelled'))`);
}

/**
 * One pending delivery for every reader, in the edition of their due period and segment, when
 * that edition is to be sent (not skipped or cancelled). A reader has at most one delivery per
 * cadence and period (unique index), so repeating this, concurrently or not, adds nothing.
 * The delivery id is derived from edition and reader: it doubles as an idempotency key.
 */
export async function insertDueDeliveries(db: Db, cadence: Cadence, zones: ZoneSlot[], now: Date, force = false): Promise<number> {
  if (zones.length === 0) return 0;
  const result = await db.run(sql`
    WITH ${zonesTable(zones)}
    INSERT INTO deliveries (id, edition_id, subscriber_id, cadence, period_key, status, attempts, created_at)
    SELECT e.id || '-' || s.id, e.id, s.id, e.cadence, e.period_key, 'pending', 0, ${now.getTime()}
    FROM z CROSS JOIN subscribers s ON s.timezone = z.tz
    JOIN editions e ON e.cadence = ${cadence} AND e.period_key = ${duePeriod(cadence, force)} AND e.segment_key = s.segment_key
    WHERE ${readers(cadence)} AND e.status IN ('review', 'sending', 'paused', 'sent')
    ON CONFLICT DO NOTHING`);
  return changesOf(result);
}

/**
 * Ids of the commentary pieces listed after `after` (exclusive) and up to `until`, in the
 * chosen sections and by the chosen authors (an empty list: any), newest first, at most `limit`.
 * With `notTakenBy`, leaves out the pieces an edition of that cadence and segment whose window
 * ends after `after` already took as they are listed now (editions_segment_window_idx):
 * overlapping windows take each piece once, and a piece listed again since (withdrawn, then
 * published anew) is new again.
 */
export async function editionPieceIds(
  db: Db,
  opts: { after: Date; until: Date; topics: TopicIds; limit: number; notTakenBy?: { cadence: Cadence; segmentKey: string } },
): Promise<string[]> {
  const inList = (column: SQL, ids: string[]) => (ids.length ? sql`AND ${column} IN (SELECT value FROM json_each(${JSON.stringify(ids)}))` : sql``);
  const by = opts.notTakenBy;
  const taken = by
    ? sql`AND NOT EXISTS (SELECT 1 FROM editions e, json_each(e.article_ids) j
        WHERE e.cadence = ${by.cadence} AND e.segment_key = ${by.segmentKey} AND e.window_end > ${opts.after.getTime()}
          AND e.window_end >= a.listed_at AND j.value = a.id)`
    : sql``;
  const rows = await db.all<{ id: string }>(sql`
    SELECT a.id FROM articles a
    WHERE a.status = 'published'
      AND a.listed_at > ${opts.after.getTime()} AND a.listed_at <= ${opts.until.getTime()}
      AND a.published_at <= ${opts.until.getTime()}
      AND a.section_id IN (SELECT id FROM sections WHERE is_commentary = 1)
      ${inList(sql`a.section_id`, opts.topics.sections)}
      ${inList(sql`a.author_id`, opts.topics.authors)}
      ${taken}
    ORDER BY a.published_at DESC, a.id DESC
    LIMIT ${opts.limit}`);
  return rows.map((r) => r.id);
}
