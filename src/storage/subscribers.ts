/** Subscriber queries. */
import { eq } from 'drizzle-orm';
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
