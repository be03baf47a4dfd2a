/**
 * The suppression list, by address key (see src/subscribers/address-key.ts), and the
 * subscriber columns that mirror it (`suppressedAt`, `softBounces`). The list key ignores
 * case and the stored address keeps the local part's, so on the bounce path the caller passes
 * the spellings to match (`emails`, an indexed lookup); the sender's check of the list itself
 * catches any other spelling.
 */
import { and, desc, eq, inArray, isNull, lt, or, sql } from 'drizzle-orm';
import { batch, type Db } from './db.js';
import { prepared } from './prepared.js';
import { subscribers, suppressions, type SuppressionRow } from './schema.js';

export async function findSuppression(db: Db, addressKey: string): Promise<SuppressionRow | undefined> {
  const q = prepared(db, 'findSuppression', () => db.select().from(suppressions).where(eq(suppressions.addressKey, sql.placeholder('key'))).prepare());
  return (await q.get({ key: addressKey })) as SuppressionRow | undefined;
}

/**
 * Adds `row` to the list unless its key is there already (the first entry, and its reason,
 * stand) and marks the subscribers with one of `emails` suppressed since `now` (or since
 * earlier, when they were). One batch: both or neither.
 */
export async function addSuppression(db: Db, row: SuppressionRow, emails: string[], now: Date): Promise<void> {
  await batch(db, [
    db.insert(suppressions).values(row).onConflictDoNothing(),
    db
      .update(subscribers)
      .set({ suppressedAt: sql`coalesce(${subscribers.suppressedAt}, ${now.getTime()})`, updatedAt: now })
      .where(inArray(subscribers.email, emails)),
  ]);
}

/**
 * Removes the key from the list and clears `suppressedAt` on the subscribers whose address is
 * `email` in any case. One batch. (Matching case-insensitively reads the whole table: fine for
 * an admin action, not for the bounce path.)
 */
export async function removeSuppression(db: Db, addressKey: string, email: string, now: Date): Promise<void> {
  await batch(db, [
    db.delete(suppressions).where(eq(suppressions.addressKey, addressKey)),
    // The soft-bounce count starts afresh, or one more soft bounce would suppress it again at once.
    db.update(subscribers).set({ suppressedAt: null, softBounces: 0, updatedAt: now }).where(sameAddress(email)),
  ]);
}

/** Ids of the subscribers whose address is `email` in any case and who are marked suppressed. */
export async function suppressedSubscriberIds(db: Db, email: string): Promise<string[]> {
  const rows = await db
    .select({ id: subscribers.id })
    .from(subscribers)
    .where(and(sameAddress(email), sql`${subscribers.suppressedAt} is not null`))
    .all();
  return rows.map((r) => r.id);
}

const sameAddress = (email: string) => sql`lower(${subscribers.email}) = ${email.toLowerCase()}`;

/** Marks one subscriber suppressed (its address is on the list but the row did not say so). */
export async function markSubscriberSuppressed(db: Db, id: string, now: Date): Promise<void> {
  await db.update(subscribers).set({ suppressedAt: now, updatedAt: now }).where(and(eq(subscribers.id, id), isNull(subscribers.suppressedAt))).run();
}

/**
 * Adds one soft bounce to the subscribers with one of `emails`; returns the highest count
 * they now have, or undefined when no subscriber has that address.
 */
export async function addSoftBounce(db: Db, emails: string[]): Promise<number | undefined> {
  const rows = await db
    .update(subscribers)
    .set({ softBounces: sql`${subscribers.softBounces} + 1` })
    .where(inArray(subscribers.email, emails))
    .returning({ softBounces: subscribers.softBounces })
    .all();
  return rows.length ? Math.max(...rows.map((r) => r.softBounces)) : undefined;
}

/** Clears the soft bounce count of the subscribers with one of `emails`. */
export async function resetSoftBounces(db: Db, emails: string[]): Promise<void> {
  await db.update(subscribers).set({ softBounces: 0 }).where(and(inArray(subscribers.email, emails), sql`${subscribers.softBounces} <> 0`)).run();
}

export type SuppressionPosition = { createdAt: Date; addressKey: string };

/** One page of the list, newest first, after `after` (the last row of the previous page). */
export async function listSuppressionsPage(db: Db, opts: { limit: number; after?: SuppressionPosition }) {
  const { after } = opts;
  const rows = await db
    .select()
    .from(suppressions)
    .where(
      after
        ? or(lt(suppressions.createdAt, after.createdAt), and(eq(suppressions.createdAt, after.createdAt), lt(suppressions.addressKey, after.addressKey)))
        : undefined,
    )
    .orderBy(desc(suppressions.createdAt), desc(suppressions.addressKey))
    .limit(opts.limit + 1)
    .all();
  return { items: rows.slice(0, opts.limit), hasMore: rows.length > opts.limit };
}
