/**
 * The database handle every storage function takes first. It is a drizzle SQLite database
 * backed by D1 on Workers (async) or better-sqlite3 on Node (sync); both are awaited the same
 * way. D1 has no interactive transactions, so multi-statement writes go through {@link batch}.
 */
import type { BatchItem } from 'drizzle-orm/batch';
import type { BaseSQLiteDatabase } from 'drizzle-orm/sqlite-core';
import type * as schema from './schema.js';

export type Schema = typeof schema;
export type Db = BaseSQLiteDatabase<'sync' | 'async', any, Schema>;

type Runnable = BatchItem<'sqlite'> & { run(): unknown };

/**
 * Runs writes atomically: `db.batch` on D1 (one implicit transaction), a transaction on the
 * Node driver. Statements must be built from `db`, not executed yet.
 */
export async function batch(db: Db, statements: Runnable[]): Promise<void> {
  if (statements.length === 0) return;
  const withBatch = db as unknown as { batch?: (s: Runnable[]) => Promise<unknown> };
  if (typeof withBatch.batch === 'function') {
    await withBatch.batch(statements);
    return;
  }
  // better-sqlite3: synchronous transaction; each statement runs on the same connection.
  (db as BaseSQLiteDatabase<'sync', unknown, Schema>).transaction(() => {
    for (const s of statements) s.run();
  });
}

/** D1 allows at most 100 bound parameters per statement; split row lists to stay under it. */
export function chunkRows<T>(rows: T[], columnsPerRow: number, maxParams = 100): T[][] {
  const size = Math.max(1, Math.floor(maxParams / columnsPerRow));
  const out: T[][] = [];
  for (let i = 0; i < rows.length; i += size) out.push(rows.slice(i, i + size));
  return out;
}

/**
 * True when the error is a UNIQUE constraint violation, on either driver; with `column`
 * (`table.column`), only a violation of that column's constraint.
 */
export function isUniqueViolation(err: unknown, column?: string): boolean {
  let e: unknown = err;
  for (let depth = 0; e && depth < 4; depth++) {
    const msg = String((e as { message?: unknown }).message ?? '');
    if (/UNIQUE constraint failed/i.test(msg) && (!column || msg.includes(column))) return true;
    e = (e as { cause?: unknown }).cause;
  }
  return false;
}
