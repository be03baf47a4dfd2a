/** Reads the server's SQLite file directly, read-only, as an operator would. */
import Database from 'better-sqlite3';

export function queryDb<T>(dbPath: string, sql: string, ...params: unknown[]): T[] {
  const db = new Database(dbPath, { readonly: true });
  try {
    return db.prepare(sql).all(...params) as T[];
  } finally {
    db.close();
  }
}
