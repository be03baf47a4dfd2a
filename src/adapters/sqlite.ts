/** The Node database: a SQLite file through better-sqlite3, migrated from db/ on open. */
import { existsSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { drizzle } from 'drizzle-orm/better-sqlite3';
import { migrate } from 'drizzle-orm/better-sqlite3/migrator';
import type { Db } from '../storage/db.js';
import * as schema from '../storage/schema.js';

const here = dirname(fileURLToPath(import.meta.url));

/** db/ at the package root: two levels up from src/adapters/, one from the bundle in dist/. */
export const MIGRATIONS_DIR = [join(here, '../../db'), join(here, '../db')].find((dir) => existsSync(join(dir, 'meta/_journal.json'))) ?? join(here, '../../db');

export type SqliteMemory = { cacheMb: number; mmapMb: number };

/**
 * Mapping the file saves a copy per page read, but every page a process touches then counts in
 * its resident memory: a digest send to 100,000 readers touched about 80 MB of a 96 MB file.
 * Read through the cache, the same pages sit in the kernel's page cache instead, reclaimable,
 * and the process holds at most its cache. SQLite's own default is no mapping too.
 */
const DEFAULT_MEMORY: SqliteMemory = { cacheMb: 32, mmapMb: 0 };

/** Opens (creating if needed) and migrates the database at `path` (`:memory:` for tests). */
export function openSqlite(path: string, memory: SqliteMemory = DEFAULT_MEMORY): { db: Db; close(): void } {
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  const sqlite = new Database(path);
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('synchronous = NORMAL');
  sqlite.pragma('foreign_keys = ON');
  sqlite.pragma('busy_timeout = 5000');
  // A cache larger than SQLite's 2 MB default keeps the indexes of a big archive in memory.
  sqlite.pragma(`cache_size = ${-Math.round(memory.cacheMb * 1024)}`);
  sqlite.pragma(`mmap_size = ${Math.round(memory.mmapMb * 1024 * 1024)}`);
  const db = drizzle(sqlite, { schema });
  migrate(db, { migrationsFolder: MIGRATIONS_DIR });
  return { db: db as unknown as Db, close: () => sqlite.close() };
}
