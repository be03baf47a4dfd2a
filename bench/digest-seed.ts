/**
 * A fresh database for the digest-send bench: a few days of commentary (`seedArticles`, so the
 * last 24 h hold more pieces than an edition takes) and N confirmed daily readers. Readers go
 * in as one prepared `INSERT` in one better-sqlite3 transaction, not through sign-up: 100k
 * take about a second that way, and sign-up is not what this bench measures.
 */
import { statSync } from 'node:fs';
import Database from 'better-sqlite3';
import { openSqlite } from '../src/adapters/sqlite.js';
import { parseConfig } from '../src/config.js';
import { createFixedClock } from '../src/deps.js';
import { createUlids } from '../src/ids.js';
import { authorName, createRandom } from './corpus.js';
import { seedArticles } from './seed.js';

/** About 40 a day: the last 24 h hold ~33 commentary pieces, more than an edition's 10. */
const ARTICLES = 120;
export const READER_TIMEZONE = 'Africa/Casablanca';

export type DigestSeed = { readers: number; articles: number; readersMs: number; articlesMs: number; dbBytes: number };

const fileBytes = (path: string) => {
  try {
    return statSync(path).size;
  } catch {
    return 0;
  }
};

/** Inserts `n` confirmed daily readers (70 % with a name) created at `now`, all in one transaction. */
function insertReaders(dbPath: string, n: number, now: Date): void {
  const sqlite = new Database(dbPath);
  try {
    const r = createRandom(29);
    const ids = createUlids(createFixedClock(now));
    const at = now.getTime();
    const insert = sqlite.prepare(`
      INSERT INTO subscribers (id, email, name, status, frequency, timezone, preferred_hour, preferred_weekday, segment_key,
        created_at, updated_at, confirmed_at, confirmation_sent_at, consent_at, consent_ip, consent_user_agent,
        consent_source, consent_policy_version, locale, soft_bounces)
      VALUES (?, ?, ?, 'confirmed', 'daily', ?, 7, 6, 'all', ?, ?, ?, ?, ?, '127.0.0.1', 'bench', 'import', '2026-11', 'ar', 0)`);
    sqlite.transaction(() => {
      for (let i = 0; i < n; i++) {
        const name = r.next() < 0.7 ? authorName(i) : null;
        insert.run(ids.next(), `reader.${i + 1}@example${i % 7}.ma`, name, READER_TIMEZONE, at, at, at, at, at);
      }
    })();
  } finally {
    sqlite.close();
  }
}

/** Creates and migrates the database at `dbPath`; articles are published going back from `now`. */
export async function seedDigestDatabase(dbPath: string, readers: number, now: Date, secretKey: string): Promise<DigestSeed> {
  const config = parseConfig({ ADMIN_TOKEN: 'bench-admin-token-0123456789', SECRET_KEY: secretKey, PUBLIC_URL: 'https://nashra.example', DATABASE_PATH: dbPath });
  const { db, close } = openSqlite(dbPath);
  let articlesMs: number;
  try {
    const clock = createFixedClock(now);
    articlesMs = (await seedArticles({ db, clock, ids: createUlids(clock), config }, ARTICLES)).ms;
  } finally {
    close();
  }
  const t0 = performance.now();
  insertReaders(dbPath, readers, now);
  const readersMs = performance.now() - t0;
  return { readers, articles: ARTICLES, readersMs, articlesMs, dbBytes: fileBytes(dbPath) + fileBytes(`${dbPath}-wal`) };
}
