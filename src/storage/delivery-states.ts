/**
 * The conditions of the two partial indexes on deliveries (see `deliveries` in schema.ts),
 * written once. SQLite uses a partial index only for a query whose WHERE repeats the index's
 * condition term for term, with literals rather than bound parameters; every query meant for
 * one of these indexes includes the matching condition, on whatever name the table has there.
 */
import { sql, type Column, type SQL } from 'drizzle-orm';

/** Pending or sending: not settled yet (deliveries_open_idx). */
export const isOpen = (status: Column | SQL): SQL => sql`${status} IN ('pending', 'sending')`;

/** Submitted, failed, bounced or skipped (deliveries_settled_idx). */
export const isSettled = (status: Column | SQL): SQL => sql`${status} NOT IN ('pending', 'sending')`;
