/**
 * The bench's Deps, built like the Node entry's (`src/adapters/node-deps.ts`) but with a fixed
 * clock, a memory mailer and a quiet log, so every run seeds and renders the same documents.
 * The feed cache is the caller's choice: none for generation, the real memory cache for HTTP.
 */
import { openSqlite } from '../src/adapters/sqlite.js';
import { parseConfig } from '../src/config.js';
import { createFixedClock, type Deps } from '../src/deps.js';
import { createMemoryMailer } from '../src/email/mailer.js';
import type { FeedCache } from '../src/feeds/cache.js';
import { createUlids } from '../src/ids.js';
import { silentLog } from '../src/log.js';

/** The bench's clock: fixed, so every run seeds and renders the same documents. */
export const NOW = '2026-11-29T08:00:00Z';
export const FEED_ITEMS = 50;

export type BenchDeps = Deps & {
  /** Background tasks (`defer`) that failed: a bench that hides errors measures nothing. */
  deferredFailures(): number;
  close(): Promise<void>;
};

/** Opens (and migrates) the SQLite file at `databasePath`; `close()` waits for deferred work. */
export function createBenchDeps(databasePath: string, feedCache: FeedCache): BenchDeps {
  const config = parseConfig({
    ADMIN_TOKEN: 'bench-admin-token-0123456789',
    SECRET_KEY: 'bench-secret-key-0123456789-0123456789-abcdef',
    PUBLIC_URL: 'https://nashra.example',
    SITE_URL: 'https://www.example.ma',
    DATABASE_PATH: databasePath,
    FEED_ITEMS: String(FEED_ITEMS),
    LOG_LEVEL: 'error',
  });
  const { db, close } = openSqlite(config.DATABASE_PATH);
  const clock = createFixedClock(NOW);
  const pending = new Set<Promise<unknown>>();
  let failures = 0;
  return {
    db,
    mailer: createMemoryMailer(),
    clock,
    ids: createUlids(clock),
    config,
    log: silentLog,
    feedCache,
    fetch: (input, init) => fetch(input, init),
    dispatcher: { dispatch: async () => {} },
    // As on Node: the task runs after the response (feed fetch counting writes to SQLite).
    defer(task) {
      const p = new Promise<void>((resolve) => setImmediate(resolve))
        .then(task)
        .catch(() => void failures++)
        .finally(() => pending.delete(p));
      pending.add(p);
    },
    deferredFailures: () => failures,
    async close() {
      await Promise.allSettled([...pending]);
      close();
    },
  };
}
