/**
 * Subscriber queries, and the sections and authors each subscriber chose (`subscriber_topics`,
 * by term id; none of a kind means all of that kind). A subscriber and its topics are written
 * together, in one batch.
 */
import { and, eq, inArray, sql } from 'drizzle-orm';
import { batch, chunkRows, type Db } from './db.js';
import { prepared } from './prepared.js';
import { authors, sections, subscribers, subscriberTopics, type SubscriberRow } from './schema.js';

/** Chosen term ids of each kind; an empty list means every term of that kind. */
export type TopicIds = { sections: string[]; authors: string[] };

/**
 * The content segment a choice of topics makes: `all` when nothing is chosen, otherwise
 * `s=<section ids>;a=<author ids>`, each list sorted. Readers with the same key get the same
 * edition; the key spells out its own topics ({@link topicsOfSegment}).
 */
export function segmentKeyOf(topics: TopicIds): string {
  if (topics.sections.length === 0 && topics.authors.length === 0) return 'all';
  const list = (ids: string[]) => [...new Set(ids)].sort().join(',');
  return `s=${list(topics.sections)};a=${list(topics.authors)}`;
}

/** The topics of a segment key made by {@link segmentKeyOf}. */
export function topicsOfSegment(key: string): TopicIds {
  const m = /^s=([^;]*);a=(.*)$/.exec(key);
  if (!m) return { sections: [], authors: [] };
  const split = (v: string | undefined) => (v ? v.split(',') : []);
  return { sections: split(m[1]), authors: split(m[2]) };
}

/**
 * The subscriber with this address, whatever the case of its letters: mailboxes do not tell
 * `Ali@` from `ali@`, so neither does sign-up (an index on `lower(email)` serves it). Should
 * rows from before differ only in case, a confirmed one is preferred.
 */
export async function findSubscriberByEmail(db: Db, email: string): Promise<SubscriberRow | undefined> {
  const rows = await db
    .select()
    .from(subscribers)
    .where(sql`lower(${subscribers.email}) = lower(${email})`)
    .orderBy(sql`${subscribers.status} = 'confirmed' desc`, subscribers.createdAt)
    .limit(5)
    .all();
  return rows.find((r) => r.email === email && r.status === 'confirmed') ?? rows[0];
}

export async function findSubscriberById(db: Db, id: string): Promise<SubscriberRow | undefined> {
  const q = prepared(db, 'findSubscriberById', () => db.select().from(subscribers).where(eq(subscribers.id, sql.placeholder('id'))).prepare());
  return (await q.get({ id })) as SubscriberRow | undefined;
}

export async function insertSubscriber(db: Db, row: SubscriberRow): Promise<void> {
  await db.insert(subscribers).values(row).run();
}

export async function updateSubscriber(db: Db, id: string, patch: Partial<SubscriberRow>): Promise<void> {
  await db.update(subscribers).set(patch).where(eq(subscribers.id, id)).run();
}

/** The sections and authors `subscriberId` chose. */
export async function findSubscriberTopics(db: Db, subscriberId: string): Promise<TopicIds> {
  const rows = await db.select().from(subscriberTopics).where(eq(subscriberTopics.subscriberId, subscriberId)).all();
  const of = (kind: 'section' | 'author') => rows.filter((r) => r.kind === kind).map((r) => r.termId).sort();
  return { sections: of('section'), authors: of('author') };
}

/** Statements that insert `topics` for `subscriberId`, chunked under D1's parameter limit. */
function insertTopics(db: Db, subscriberId: string, topics: TopicIds) {
  const rows = [
    ...topics.sections.map((termId) => ({ subscriberId, kind: 'section' as const, termId })),
    ...topics.authors.map((termId) => ({ subscriberId, kind: 'author' as const, termId })),
  ];
  return chunkRows(rows, 3).map((chunk) => db.insert(subscriberTopics).values(chunk).onConflictDoNothing());
}

/**
 * Inserts a subscriber and its topics atomically. Throws the driver's UNIQUE violation when the
 * address is taken (see `isUniqueViolation`); nothing is written then.
 */
export async function insertSubscriberWithTopics(db: Db, row: SubscriberRow, topics: TopicIds): Promise<void> {
  await batch(db, [db.insert(subscribers).values({ ...row, segmentKey: segmentKeyOf(topics) }), ...insertTopics(db, row.id, topics)]);
}

/** Updates a subscriber and replaces all of its topics with `topics`, atomically. */
export async function updateSubscriberWithTopics(db: Db, id: string, patch: Partial<SubscriberRow>, topics: TopicIds): Promise<void> {
  await batch(db, [
    db.update(subscribers).set({ ...patch, segmentKey: segmentKeyOf(topics) }).where(eq(subscribers.id, id)),
    db.delete(subscriberTopics).where(eq(subscriberTopics.subscriberId, id)),
    ...insertTopics(db, id, topics),
  ]);
}

/**
 * Applies `patch` only while the subscriber's status is `status`; true when it did. Two
 * requests racing to change the same subscriber cannot both succeed.
 */
export async function updateSubscriberIfStatus(db: Db, id: string, status: SubscriberRow['status'], patch: Partial<SubscriberRow>): Promise<boolean> {
  const rows = await db
    .update(subscribers)
    .set(patch)
    .where(and(eq(subscribers.id, id), eq(subscribers.status, status)))
    .returning({ id: subscribers.id })
    .all();
  return rows.length > 0;
}

/** The ids of the sections or authors with these slugs, by slug; unknown slugs are left out. */
export async function topicIdsBySlugs(db: Db, kind: 'section' | 'author', slugs: string[]): Promise<Map<string, string>> {
  const table = kind === 'section' ? sections : authors;
  const out = new Map<string, string>();
  for (const chunk of chunkRows(slugs, 1, 90)) {
    const rows = await db.select({ id: table.id, slug: table.slug }).from(table).where(inArray(table.slug, chunk)).all();
    for (const r of rows) out.set(r.slug, r.id);
  }
  return out;
}
