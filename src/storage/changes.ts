/** Rows changed by a write, from either driver (better-sqlite3: `changes`; D1: `meta.changes`). */
export function changesOf(result: unknown): number {
  const r = result as { changes?: number; meta?: { changes?: number } };
  return r.changes ?? r.meta?.changes ?? 0;
}
