/** Subscriber queries. */
import { and, asc, eq, gt } from 'drizzle-orm';
import type { Db } from './db.js';
import { subscribers, type SubscriberRow } from './schema.js';

export async function findSubscriberByEmail(db: Db, email: string): Promise<SubscriberRow | undefined> {
  return db.select().from(subscribers).where(eq(subscribers.email, email)).get();
}

export async function findSubscriberById(db: Db, id: string): Promise<SubscriberRow | undefined> {
  return db.select().from(subscribers).where(eq(subscribers.id, id)).get();
}

export async function insertSubscriber(db: Db, row: SubscriberRow): Promise<void> {
  await db.insert(subscribers).values(row).run();
}

export async function updateSubscriber(db: Db, id: string, patch: Partial<SubscriberRow>): Promise<void> {
  await db.update(subscribers).set(patch).where(eq(subscribers.id, id)).run();
}

/** Confirmed subscribers of one cadence, in id order, a page at a time (never all at once). */
export async function confirmedSubscribersPage(db: Db, frequency: 'daily' | 'weekly', afterId: string, limit: number) {
  return db
    .select()
    .from(subscribers)
    .where(and(eq(subscribers.status, 'confirmed'), eq(subscribers.frequency, frequency), gt(subscribers.id, afterId)))
    .orderBy(asc(subscribers.id))
    .limit(limit)
    .all();
}
