/**
 * Queries prepared once per database handle: the sender runs the same few statements for
 * every delivery, and building their SQL and preparing it each time cost more than running it.
 */
import type { Db } from './db.js';

const byDb = new WeakMap<Db, Map<string, unknown>>();

/** The query `name` on `db`, built by `build` the first time. */
export function prepared<T>(db: Db, name: string, build: () => T): T {
  let queries = byDb.get(db);
  if (!queries) byDb.set(db, (queries = new Map()));
  let q = queries.get(name) as T | undefined;
  if (!q) queries.set(name, (q = build()));
  return q;
}

/** A value bound to a placeholder goes in as given, not through the column's mapping: times as ms. */
export const bound = (v: unknown) => (v instanceof Date ? v.getTime() : v);
