/** The Node database: a SQLite file through better-sqlite3, migrated from db/ on open. */
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { drizzle } from 'drizzle-orm/better-sqlite3';
import { migrate } from 'drizzle-orm/better-sqlite3/migrator';
import type { Db } from '../storage/db.js';
import * as schema from '../storage/schema.js';

export const MIGRATIONS_DIR = join(dirname(fileURLToPath(import.meta.url)), '../../db');

/** Opens (creating if needed) and migrates the database at `path` (`:memory:` for tests). */
export function openSqlite(path: string): { db: Db; close(): void } {
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  const sqlite = new Database(path);
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('synchronous = NORMAL');
  sqlite.pragma('foreign_keys = ON');
  sqlite.pragma('busy_timeout = 5000');
  // Reads (feeds are most of them) map the file instead of copying each page through
  // SQLite's page cache, and a larger cache keeps the indexes of a big archive in memory.
  sqlite.pragma('mmap_size = 268435456');
  sqlite.pragma('cache_size = -32000');
  const db = drizzle(sqlite, { schema });
  migrate(db, { migrationsFolder: MIGRATIONS_DIR });
  return { db: db as unknown as Db, close: () => sqlite.close() };
}
