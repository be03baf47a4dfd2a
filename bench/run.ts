/**
 * `npm run bench`: seeds fresh SQLite files in a temp dir and measures uncached feed
 * generation (direct and through the app) and digest rendering per recipient, each next to a
 * baseline measured in the same run. Prints a markdown report; `--out` also writes it.
 * See BENCHMARKS.md for how to read it.
 */
import { noFeedCache } from '../src/feeds/cache.js';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openSqlite } from '../src/adapters/sqlite.js';
import { createApp } from '../src/app.js';
import { parseConfig } from '../src/config.js';
import { createFixedClock, type Deps } from '../src/deps.js';
import { createMemoryMailer } from '../src/email/mailer.js';
import { createUlids } from '../src/ids.js';
import { silentLog } from '../src/log.js';
import { USAGE, commandLine, parseBenchArgs } from './args.js';
import { measureDigest, type DigestResult } from './digest.js';
import { WARMUP_ROUNDS, measureFeeds } from './feeds.js';
import { renderReport, type FeedRun } from './report.js';
import { seedArticles } from './seed.js';

/** The bench's clock: fixed, so every run seeds and renders the same documents. */
const NOW = '2026-11-29T08:00:00Z';
const FEED_ITEMS = 50;

function benchDeps(databasePath: string): Deps & { close(): void } {
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
  return {
    db,
    mailer: createMemoryMailer(),
    clock,
    ids: createUlids(clock),
    config,
    log: silentLog,
    feedCache: noFeedCache, // every request renders: this measures generation
    fetch: (input, init) => fetch(input, init),
    dispatcher: { dispatch: async () => {} },
    defer: () => {},
    close,
  };
}

const fileBytes = (path: string) => {
  try {
    return statSync(path).size;
  } catch {
    return 0;
  }
};

const progress = (msg: string) => process.stderr.write(`[bench] ${msg}\n`);

async function main(argv: string[]): Promise<void> {
  const opts = parseBenchArgs(argv);
  const startedAt = new Date();
  const t0 = performance.now();
  const feeds: FeedRun[] = [];
  let digest: DigestResult | undefined;
  for (const [i, n] of opts.articles.entries()) {
    const dir = mkdtempSync(join(tmpdir(), 'nashra-bench-'));
    const dbPath = join(dir, 'bench.db');
    const deps = benchDeps(dbPath);
    try {
      progress(`seeding ${n} articles into ${dbPath}`);
      const seed = await seedArticles(deps, n);
      const dbBytes = fileBytes(dbPath) + fileBytes(`${dbPath}-wal`);
      progress(`seeded in ${(seed.ms / 1000).toFixed(1)} s; feeds: ${opts.iterations} rounds`);
      const rows = await measureFeeds(deps, createApp(() => deps), opts.iterations);
      feeds.push({ seed, dbBytes, rounds: opts.iterations, warmup: WARMUP_ROUNDS, rows });
      if (i === opts.articles.length - 1) {
        progress(`digest: ${opts.recipients} recipients`);
        digest = await measureDigest(deps, opts.recipients);
      }
    } finally {
      deps.close();
      rmSync(dir, { recursive: true, force: true });
    }
  }
  const report = renderReport({
    command: commandLine(argv),
    startedAt,
    seconds: (performance.now() - t0) / 1000,
    feedItems: FEED_ITEMS,
    feeds,
    digest: digest as DigestResult,
  });
  process.stdout.write(`${report}\n`);
  if (opts.out) {
    writeFileSync(opts.out, `${report}\n`);
    progress(`wrote ${opts.out}`);
  }
}

main(process.argv.slice(2)).catch((err: unknown) => {
  console.error(err instanceof Error && /^--|Unknown option|must be/.test(err.message) ? `${err.message}\n${USAGE}` : err);
  process.exit(1);
});
