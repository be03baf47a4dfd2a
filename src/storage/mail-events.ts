/**
 * Mail events already applied. Providers retry webhooks; each event id is claimed once, so a
 * retried event finds its claim and is not applied twice.
 */
import { eq, lt } from 'drizzle-orm';
import type { Db } from './db.js';
import { mailEvents } from './schema.js';

/** Records event `id`; true when it is new (the caller applies it), false when it was seen before. */
export async function claimMailEvent(db: Db, id: string, type: string, now: Date): Promise<boolean> {
  const row = await db.insert(mailEvents).values({ id, type, receivedAt: now }).onConflictDoNothing().returning({ id: mailEvents.id }).get();
  return row !== undefined;
}

/** Forgets a claim whose event could not be applied, so the provider's retry applies it. */
export async function releaseMailEvent(db: Db, id: string): Promise<void> {
  await db.delete(mailEvents).where(eq(mailEvents.id, id)).run();
}

/** Deletes claims received before `before`: providers stop retrying long before that. */
export async function pruneMailEvents(db: Db, before: Date): Promise<void> {
  await db.delete(mailEvents).where(lt(mailEvents.receivedAt, before)).run();
}
