/**
 * Subscriber queries for admins: filtered pages with each reader's chosen sections and authors,
 * erasure of personal data, and the reads and writes of a CSV import.
 */
import { and, desc, eq, gt, inArray, isNotNull, isNull, lt, sql, type SQL } from 'drizzle-orm';
import { batch, chunkRows, type Db } from './db.js';
import { authors, deliveries, rateLimits, sections, subscribers, subscriberTopics, suppressions, type SubscriberRow } from './schema.js';

export type SubscriberFilter = {
  status?: SubscriberRow['status'];
  frequency?: SubscriberRow['frequency'];
  locale?: SubscriberRow['locale'];
  /** Where consent was given: `page`, `api` or `import`. */
  source?: SubscriberRow['consentSource'];
  /** true: only addresses on the suppression list; false: only those off it. */
  suppressed?: boolean;
  /** Part of the address or the name, matched literally (`%` and `_` are not wildcards). */
  q?: string;
};

/** A subscriber with the slugs of the sections and authors they chose (none: all of them). */
export type AdminSubscriberRow = SubscriberRow & { sections: string[]; authors: string[] };

/** `q` as a LIKE pattern that matches it anywhere, its own wildcards escaped with `\`. */
export function containsPattern(q: string): string {
  return `%${q.replace(/[\\%_]/g, (ch) => `\\${ch}`)}%`;
}

/** D1 refuses LIKE patterns longer than this many bytes. */
const MAX_LIKE_BYTES = 50;

/**
 * Address or name contains `q`, ignoring ASCII case (as LIKE does, and `lower` without ICU). A
 * pattern too long for D1's LIKE is matched with `instr`, which means the same.
 */
function containsText(q: string): SQL {
  const pattern = containsPattern(q);
  if (new TextEncoder().encode(pattern).length <= MAX_LIKE_BYTES) {
    return sql`(${subscribers.email} LIKE ${pattern} ESCAPE '\\' OR ${subscribers.name} LIKE ${pattern} ESCAPE '\\')`;
  }
  return sql`(instr(lower(${subscribers.email}), lower(${q})) > 0 OR instr(lower(${subscribers.name}), lower(${q})) > 0)`;
}

function filterConditions(filter: SubscriberFilter): SQL[] {
  const conds: SQL[] = [];
  if (filter.status) conds.push(eq(subscribers.status, filter.status));
  if (filter.frequency) conds.push(eq(subscribers.frequency, filter.frequency));
  if (filter.locale) conds.push(eq(subscribers.locale, filter.locale));
  if (filter.source) conds.push(eq(subscribers.consentSource, filter.source));
  if (filter.suppressed !== undefined) conds.push(filter.suppressed ? isNotNull(subscribers.suppressedAt) : isNull(subscribers.suppressedAt));
  if (filter.q) conds.push(containsText(filter.q));
  return conds;
}

/**
 * The slugs of the sections and authors each of these subscribers chose, sorted. One query
 * whatever the number of ids: they travel as one JSON parameter (D1 allows 100 parameters, and
 * a Worker invocation about 1,000 queries, which an export of many pages must not spend).
 */
async function topicsOf(db: Db, ids: string[]): Promise<Map<string, { sections: string[]; authors: string[] }>> {
  const out = new Map(ids.map((id) => [id, { sections: [] as string[], authors: [] as string[] }]));
  if (ids.length === 0) return out;
  const rows = await db
    .select({ subscriberId: subscriberTopics.subscriberId, kind: subscriberTopics.kind, slug: sql<string | null>`coalesce(${sections.slug}, ${authors.slug})` })
    .from(subscriberTopics)
    .leftJoin(sections, and(eq(subscriberTopics.kind, 'section'), eq(sections.id, subscriberTopics.termId)))
    .leftJoin(authors, and(eq(subscriberTopics.kind, 'author'), eq(authors.id, subscriberTopics.termId)))
    .where(sql`${subscriberTopics.subscriberId} IN (SELECT value FROM json_each(${JSON.stringify(ids)}))`)
    .all();
  for (const r of rows) if (r.slug !== null) out.get(r.subscriberId)?.[r.kind === 'section' ? 'sections' : 'authors'].push(r.slug);
  for (const t of out.values()) t.sections.sort(), t.authors.sort();
  return out;
}

async function withTopics(db: Db, rows: SubscriberRow[]): Promise<AdminSubscriberRow[]> {
  const topics = await topicsOf(db, rows.map((r) => r.id));
  return rows.map((r) => ({ ...r, ...(topics.get(r.id) ?? { sections: [], authors: [] }) }));
}

/**
 * One page of subscribers matching `filter`, newest first (ids are time-sortable), starting
 * after `beforeId` when given. `hasMore` says whether another page follows.
 */
export async function listSubscriberPage(db: Db, filter: SubscriberFilter, page: { limit: number; beforeId?: string }) {
  const conds = filterConditions(filter);
  if (page.beforeId) conds.push(lt(subscribers.id, page.beforeId));
  const rows = await db
    .select()
    .from(subscribers)
    .where(conds.length ? and(...conds) : undefined)
    .orderBy(desc(subscribers.id))
    .limit(page.limit + 1)
    .all();
  return { items: await withTopics(db, rows.slice(0, page.limit)), hasMore: rows.length > page.limit };
}

export async function findAdminSubscriber(db: Db, id: string): Promise<AdminSubscriberRow | undefined> {
  const row = await db.select().from(subscribers).where(eq(subscribers.id, id)).get();
  return row && (await withTopics(db, [row]))[0];
}

/**
 * Erases a subscriber's personal data in one atomic write, keeping the row (status
 * `unsubscribed`, `erasedAt` set) and its deliveries so that counts do not change: the address
 * becomes `placeholder`, name and consent IP and user agent are cleared, chosen topics are
 * deleted, rate-limit counters whose key holds the address are dropped, and wherever a delivery
 * error or SMTP reply quotes the address, it is replaced by `[erased]`. The suppression list
 * (keyed by a hash, its details stored without addresses) is left alone, so a suppressed
 * address stays suppressed. Does nothing to a subscriber already erased.
 */
export async function eraseSubscriberData(db: Db, id: string, opts: { placeholder: string; now: Date }): Promise<void> {
  const address = sql`(SELECT lower(${subscribers.email}) FROM ${subscribers} WHERE ${subscribers.id} = ${id} AND ${subscribers.erasedAt} IS NULL)`;
  const redact = (column: typeof deliveries.error | typeof deliveries.smtpResponse) =>
    sql`CASE WHEN instr(lower(${column}), ${address}) > 0 THEN replace(lower(${column}), ${address}, '[erased]') ELSE ${column} END`;
  await batch(db, [
    db.update(deliveries).set({ error: redact(deliveries.error), smtpResponse: redact(deliveries.smtpResponse) }).where(eq(deliveries.subscriberId, id)),
    db.delete(rateLimits).where(sql`instr(lower(${rateLimits.key}), ${address}) > 0`),
    db.delete(subscriberTopics).where(eq(subscriberTopics.subscriberId, id)),
    db
      .update(subscribers)
      .set({
        email: opts.placeholder,
        name: null,
        consentIp: null,
        consentUserAgent: null,
        status: 'unsubscribed',
        unsubscribedAt: sql`coalesce(${subscribers.unsubscribedAt}, ${opts.now.getTime()})`,
        erasedAt: opts.now,
        updatedAt: opts.now,
      })
      .where(and(eq(subscribers.id, id), isNull(subscribers.erasedAt))),
  ]);
}

/**
 * Every subscriber's address, lower-cased, read a page at a time: addresses differ in case
 * only in their local part, and the unique index on `email` is case-sensitive.
 */
export async function* allEmailKeys(db: Db, pageSize = 5000): AsyncGenerator<string[]> {
  let after = '';
  for (;;) {
    const rows = await db
      .select({ id: subscribers.id, key: sql<string>`lower(${subscribers.email})` })
      .from(subscribers)
      .where(gt(subscribers.id, after))
      .orderBy(subscribers.id)
      .limit(pageSize)
      .all();
    if (rows.length === 0) return;
    yield rows.map((r) => r.key);
    after = (rows[rows.length - 1] as { id: string }).id;
  }
}

/**
 * Inserts new subscribers in one atomic write, a few rows per statement to stay under D1's 100
 * bound parameters. An address that exists by the time its row is written (a sign-up during an
 * import) is left as it is. Returns the ids actually inserted.
 */
export async function insertNewSubscribers(db: Db, rows: SubscriberRow[]): Promise<Set<string>> {
  if (rows.length === 0) return new Set();
  const columns = Object.keys(rows[0] as SubscriberRow).length;
  await batch(db, chunkRows(rows, columns).map((chunk) => db.insert(subscribers).values(chunk).onConflictDoNothing()));
  const inserted = new Set<string>();
  for (const ids of chunkRows(rows.map((r) => r.id), 1)) {
    for (const r of await db.select({ id: subscribers.id }).from(subscribers).where(inArray(subscribers.id, ids)).all()) inserted.add(r.id);
  }
  return inserted;
}

/** Which of these address keys are on the suppression list (`findSuppression` for many keys at once). */
export async function suppressedKeys(db: Db, keys: string[]): Promise<Set<string>> {
  const found = new Set<string>();
  for (const chunk of chunkRows(keys, 1)) {
    for (const r of await db.select({ key: suppressions.addressKey }).from(suppressions).where(inArray(suppressions.addressKey, chunk)).all()) found.add(r.key);
  }
  return found;
}
