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

type Write = { run: () => unknown; resolve(value: unknown): void; reject(error: unknown): void };
type Outcome = { ok: true; value: unknown } | { ok: false; error: unknown };
type WriteGroup = {
  waiting: Write[];
  /** Commit as soon as this many writes wait (set by the write that opened the group). */
  size: number;
  /** The pending flush: a timer, or an immediate once the group is full. */
  timer?: ReturnType<typeof setTimeout>;
  immediate?: ReturnType<typeof setImmediate>;
  commit(writes: Write[]): Outcome[];
};
type SyncClient = { transaction<A extends unknown[], R>(fn: (...args: A) => R): (...args: A) => R };

const groups = new WeakMap<Db, WriteGroup>();

function flush(group: WriteGroup): void {
  clearTimeout(group.timer);
  clearImmediate(group.immediate);
  group.timer = group.immediate = undefined;
  const writes = group.waiting;
  group.waiting = [];
  if (writes.length === 0) return;
  let outcomes: Outcome[];
  try {
    outcomes = group.commit(writes);
  } catch (err) {
    // The transaction did not commit: none of its writes happened.
    for (const w of writes) w.reject(err);
    return;
  }
  writes.forEach((w, i) => {
    const o = outcomes[i] as Outcome;
    if (o.ok) w.resolve(o.value);
    else w.reject(o.error);
  });
}

/**
 * How long a write may wait for others to share its commit. By default none: it commits when
 * this turn of the event loop ends, with whatever other writes came in that turn.
 */
export type Gathering = {
  /** Commit as soon as this many writes wait. */
  size: number;
  /** And at the latest this long after the first of them. */
  maxWaitMs: number;
};

/**
 * Group commit, on the Node driver: `write` (statements run synchronously, as better-sqlite3's
 * are) joins the writes of other callers waiting to commit, and all of them commit together in
 * one transaction: at the end of this turn of the event loop, or, with `gathering`, once
 * `size` writes wait or `maxWaitMs` has passed. The promise settles once that commit has
 * happened; a write that throws fails alone (SQLite undoes that statement, not the others).
 * On SQLite a commit is most of what a small write costs, and concurrent senders each write
 * after every message. On D1, which has no interactive transactions, returns undefined: the
 * caller writes another way.
 */
export function inGroupCommit<T>(db: Db, write: () => T, gathering?: Gathering): Promise<T> | undefined {
  const client = (db as unknown as { batch?: unknown; $client?: SyncClient }).batch ? undefined : (db as unknown as { $client?: SyncClient }).$client;
  if (!client) return undefined;
  let group = groups.get(db);
  if (!group) {
    const commit = client.transaction((writes: Write[]): Outcome[] =>
      writes.map((w) => {
        try {
          return { ok: true, value: w.run() };
        } catch (error) {
          return { ok: false, error };
        }
      }),
    );
    group = { waiting: [], size: 1, commit };
    groups.set(db, group);
  }
  const g = group;
  return new Promise<T>((resolve, reject) => {
    g.waiting.push({ run: write, resolve: resolve as (v: unknown) => void, reject });
    if (g.waiting.length === 1) {
      g.size = gathering && gathering.maxWaitMs > 0 ? Math.max(1, gathering.size) : 1;
      if (g.size > 1) g.timer = setTimeout(() => flush(g), (gathering as Gathering).maxWaitMs);
    }
    if (g.waiting.length >= g.size && !g.immediate) g.immediate = setImmediate(() => flush(g));
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
