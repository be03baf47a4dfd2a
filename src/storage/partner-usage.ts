/** Partner usage counters per UTC day: one upsert per request, read back for reports. */
import { and, asc, eq, gte, lte, sql } from 'drizzle-orm';
import type { Db } from './db.js';
import { partnerUsage, type PartnerUsageRow } from './schema.js';

/** Adds one request with its items and bytes to the partner's count for `day` (`YYYY-MM-DD`). */
export async function addPartnerUsage(db: Db, partnerId: string, day: string, items: number, bytes: number): Promise<void> {
  await db
    .insert(partnerUsage)
    .values({ partnerId, day, requests: 1, items, bytes })
    .onConflictDoUpdate({
      target: [partnerUsage.partnerId, partnerUsage.day],
      set: {
        requests: sql`${partnerUsage.requests} + 1`,
        items: sql`${partnerUsage.items} + excluded.items`,
        bytes: sql`${partnerUsage.bytes} + excluded.bytes`,
      },
    })
    .run();
}

/** The partner's counts from `from` to `to` (days, both included), by day; days without requests have no row. */
export async function partnerUsageBetween(db: Db, partnerId: string, from: string, to: string): Promise<PartnerUsageRow[]> {
  return db
    .select()
    .from(partnerUsage)
    .where(and(eq(partnerUsage.partnerId, partnerId), gte(partnerUsage.day, from), lte(partnerUsage.day, to)))
    .orderBy(asc(partnerUsage.day))
    .all();
}
