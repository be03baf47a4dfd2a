/**
 * Feed analytics queries: fetch counters per (UTC day, feed, format) and the subscriber counts
 * aggregators report per (UTC day, feed, aggregator). Every write is one UPSERT, so concurrent
 * fetches never lose a count, on D1 and on better-sqlite3 alike.
 */
import { gte, inArray, sql } from 'drizzle-orm';
import { chunkRows, type Db } from './db.js';
import { authors, feedFetches, feedSubscriberReports, sections, tags } from './schema.js';

export type SubscriberReportRow = typeof feedSubscriberReports.$inferSelect;

/** Adds one fetch to the counter of (day, feed, format), creating it at 1. */
export async function incrementFeedFetch(db: Db, day: string, feedKey: string, format: string): Promise<void> {
  await db
    .insert(feedFetches)
    .values({ day, feedKey, format, fetches: 1 })
    .onConflictDoUpdate({
      target: [feedFetches.day, feedFetches.feedKey, feedFetches.format],
      set: { fetches: sql`${feedFetches.fetches} + 1` },
    })
    .run();
}

/** Stores `row` as the latest count of its aggregator for that day and feed. */
export async function upsertSubscriberReport(db: Db, row: SubscriberReportRow): Promise<void> {
  await db
    .insert(feedSubscriberReports)
    .values(row)
    .onConflictDoUpdate({
      target: [feedSubscriberReports.day, feedSubscriberReports.feedKey, feedSubscriberReports.aggregator, feedSubscriberReports.format],
      set: { subscribers: row.subscribers },
    })
    .run();
}

/**
 * Like {@link upsertSubscriberReport}, but a new aggregator is only added while the feed has
 * fewer than `maxPerDay` aggregators that day; one already present is always updated. Any
 * client can claim to be an aggregator, so names it invents must not grow the table (or the
 * estimate) without bound. One INSERT … SELECT, so the check and the write are one statement.
 */
export async function upsertSubscriberReportCapped(db: Db, row: SubscriberReportRow, maxPerDay: number): Promise<void> {
  await db.run(sql`
    INSERT INTO feed_subscriber_reports (day, feed_key, aggregator, format, subscribers)
    SELECT ${row.day}, ${row.feedKey}, ${row.aggregator}, ${row.format}, ${row.subscribers}
    WHERE (SELECT count(DISTINCT aggregator) FROM feed_subscriber_reports WHERE day = ${row.day} AND feed_key = ${row.feedKey}) < ${maxPerDay}
       OR EXISTS (SELECT 1 FROM feed_subscriber_reports WHERE day = ${row.day} AND feed_key = ${row.feedKey} AND aggregator = ${row.aggregator})
    ON CONFLICT (day, feed_key, aggregator, format) DO UPDATE SET subscribers = excluded.subscribers`);
}

/** Every fetch counter from `sinceDay` (inclusive, `YYYY-MM-DD`) on. */
export async function fetchCountsSince(db: Db, sinceDay: string) {
  return db
    .select({ day: feedFetches.day, feedKey: feedFetches.feedKey, format: feedFetches.format, fetches: feedFetches.fetches })
    .from(feedFetches)
    .where(gte(feedFetches.day, sinceDay))
    .all();
}

/**
 * For each feed, aggregator and format, its most recent report from `sinceDay` on. SQLite (and
 * so D1) takes the bare column `subscribers` from the row that holds `max(day)`.
 */
export async function latestReportsSince(db: Db, sinceDay: string): Promise<SubscriberReportRow[]> {
  const r = feedSubscriberReports;
  return db
    .select({ feedKey: r.feedKey, aggregator: r.aggregator, format: r.format, day: sql<string>`max(${r.day})`.as('day'), subscribers: r.subscribers })
    .from(r)
    .where(gte(r.day, sinceDay))
    .groupBy(r.feedKey, r.aggregator, r.format)
    .all();
}

export type TermKind = 'section' | 'author' | 'tag';
const TERM_TABLES = { section: sections, author: authors, tag: tags } as const;

/** Slugs and names of the given sections, authors or tags, by id; unknown ids are left out. */
export async function termsByIds(db: Db, kind: TermKind, ids: string[]): Promise<Map<string, { slug: string; name: string }>> {
  const table = TERM_TABLES[kind];
  const out = new Map<string, { slug: string; name: string }>();
  for (const chunk of chunkRows([...new Set(ids)], 1, 90)) {
    const rows = await db.select({ id: table.id, slug: table.slug, name: table.name }).from(table).where(inArray(table.id, chunk)).all();
    for (const t of rows) out.set(t.id, { slug: t.slug, name: t.name });
  }
  return out;
}

