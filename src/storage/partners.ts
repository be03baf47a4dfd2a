/** Partners and their keys. Every function takes `db` first and works on D1 and better-sqlite3. */
import { and, asc, eq, gt, isNull, lte, or, sql } from 'drizzle-orm';
import { batch, type Db } from './db.js';
import { partnerKeys, partners, type PartnerKeyRow, type PartnerRow } from './schema.js';

/** Inserts a partner and its first key together. */
export async function insertPartnerWithKey(db: Db, partner: PartnerRow, key: PartnerKeyRow): Promise<void> {
  await batch(db, [db.insert(partners).values(partner), db.insert(partnerKeys).values(key)]);
}

export async function getPartnerRow(db: Db, id: string): Promise<PartnerRow | undefined> {
  return db.select().from(partners).where(eq(partners.id, id)).get();
}

export async function getPartnerRowBySlug(db: Db, slug: string): Promise<PartnerRow | undefined> {
  return db.select().from(partners).where(eq(partners.slug, slug)).get();
}

/** Every partner, by name. */
export async function listPartnerRows(db: Db): Promise<PartnerRow[]> {
  return db.select().from(partners).orderBy(asc(partners.name), asc(partners.id)).all();
}

/** Writes the changed terms of a partner; returns the row as stored, or undefined if there is none. */
export async function updatePartnerRow(db: Db, id: string, changes: Partial<Omit<PartnerRow, 'id' | 'slug' | 'createdAt'>>): Promise<PartnerRow | undefined> {
  return db.update(partners).set(changes).where(eq(partners.id, id)).returning().get();
}

/** The keys of the given partners (all partners when omitted), newest first. */
export async function listPartnerKeys(db: Db, partnerId?: string): Promise<PartnerKeyRow[]> {
  return db
    .select()
    .from(partnerKeys)
    .where(partnerId ? eq(partnerKeys.partnerId, partnerId) : undefined)
    .orderBy(asc(partnerKeys.partnerId), sql`${partnerKeys.createdAt} desc`, sql`${partnerKeys.id} desc`)
    .all();
}

/** The key with this SHA-256 (hex) and its partner, in one query. */
export async function findKeyByHash(db: Db, hash: string): Promise<{ key: PartnerKeyRow; partner: PartnerRow } | undefined> {
  return db.select({ key: partnerKeys, partner: partners }).from(partnerKeys).innerJoin(partners, eq(partners.id, partnerKeys.partnerId)).where(eq(partnerKeys.hash, hash)).get();
}

/**
 * Adds `key` and makes every other key of its partner that still works at `now` stop working
 * at `oldUntil` (or earlier, if it was already due to), atomically.
 */
export async function rotateKeys(db: Db, key: PartnerKeyRow, now: Date, oldUntil: Date): Promise<void> {
  const working = and(
    eq(partnerKeys.partnerId, key.partnerId),
    isNull(partnerKeys.revokedAt),
    or(isNull(partnerKeys.expiresAt), gt(partnerKeys.expiresAt, now)),
  );
  await batch(db, [
    db
      .update(partnerKeys)
      .set({ expiresAt: sql`min(coalesce(${partnerKeys.expiresAt}, ${oldUntil.getTime()}), ${oldUntil.getTime()})` })
      .where(working),
    db.insert(partnerKeys).values(key),
  ]);
}

/** Revokes one key of a partner; false when the partner has no such key. Revoking twice keeps the first time. */
export async function revokeKeyRow(db: Db, partnerId: string, keyId: string, now: Date): Promise<boolean> {
  const row = await db.select({ id: partnerKeys.id }).from(partnerKeys).where(and(eq(partnerKeys.id, keyId), eq(partnerKeys.partnerId, partnerId))).get();
  if (!row) return false;
  await db.update(partnerKeys).set({ revokedAt: now }).where(and(eq(partnerKeys.id, keyId), isNull(partnerKeys.revokedAt))).run();
  return true;
}

/**
 * Records that a key was used at `now`, unless the recorded use is less than `everyMs` old:
 * the condition is in the statement, so concurrent requests write it at most once.
 */
export async function touchKey(db: Db, keyId: string, now: Date, everyMs: number): Promise<void> {
  await db
    .update(partnerKeys)
    .set({ lastUsedAt: now })
    .where(and(eq(partnerKeys.id, keyId), or(isNull(partnerKeys.lastUsedAt), lte(partnerKeys.lastUsedAt, new Date(now.getTime() - everyMs)))))
    .run();
}

/** True when some partner lists `origin` (exact match) among the origins that may call it from a browser. */
export async function originListed(db: Db, origin: string): Promise<boolean> {
  const row = await db
    .select({ id: partners.id })
    .from(partners)
    .where(sql`exists (select 1 from json_each(${partners.origins}) where json_each.value = ${origin})`)
    .limit(1)
    .get();
  return row !== undefined;
}
