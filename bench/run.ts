/**
 * `npm run bench`: seeds fresh SQLite files in a temp dir and measures uncached feed
 * generation (direct and through the app), throughput over loopback (cached 200 and 304 next
 * to a bare `node:http` ceiling), digest rendering per recipient, and sending a digest edition
 * over SMTP (next to a bare nodemailer pool), each next to a baseline measured in the same
 * run. Prints a markdown report; `--out` also writes it. See BENCHMARKS.md for how to read it.
 */
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createApp } from '../src/app.js';
import { noFeedCache } from '../src/feeds/cache.js';
import { USAGE, commandLine, parseBenchArgs, type BenchOptions } from './args.js';
import { FEED_ITEMS, createBenchDeps, type BenchDeps } from './deps.js';
import { measureDigest, type DigestResult } from './digest.js';
import { measureDigestSend } from './digest-send.js';
import { WARMUP_ROUNDS, measureFeeds, type FeedRow } from './feeds.js';
import { measureHttp, type HttpRun } from './http.js';
import { renderDigestSendReport } from './report-digest-send.js';
import { machineLines, renderReport, type FeedRun } from './report.js';
import { seedArticles, type SeedResult } from './seed.js';

const HTTP_WARMUP_SECONDS = 1;
const HTTP_SERVERS = 'each server in its own child process (`bench/serve.ts`), autocannon in the bench process';

const fileBytes = (path: string) => {
  try {
    return statSync(path).size;
  } catch {
    return 0;
  }
};

const progress = (msg: string) => process.stderr.write(`[bench] ${msg}\n`);
const rssMiB = () => `${(process.memoryUsage().rss / 2 ** 20).toFixed(0)} MiB RSS`;

/** One fresh database per article count, closed and removed at the end. */
type Opened = { n: number; dir: string; dbPath: string; deps: BenchDeps };

/** Seeds one fresh database per count; each is pushed onto `opened` first, so it is cleaned up even on failure. */
async function seedAll(counts: number[], opened: Opened[]): Promise<{ seed: SeedResult; dbBytes: number }[]> {
  const seeds: { seed: SeedResult; dbBytes: number }[] = [];
  for (const n of counts) {
    const dir = mkdtempSync(join(tmpdir(), 'nashra-bench-'));
    const dbPath = join(dir, 'bench.db');
    const deps = createBenchDeps(dbPath, noFeedCache); // every request renders: this measures generation
    opened.push({ n, dir, dbPath, deps });
    progress(`seeding ${n} articles into ${dbPath}`);
    const seed = await seedArticles(deps, n);
    seeds.push({ seed, dbBytes: fileBytes(dbPath) + fileBytes(`${dbPath}-wal`) });
    progress(`seeded in ${(seed.ms / 1000).toFixed(1)} s (${rssMiB()})`);
  }
  return seeds;
}

/** Feeds, HTTP throughput and digest rendering: the report's sections before digest sending. */
async function feedsAndDigest(argv: string[], opts: BenchOptions, startedAt: Date, t0: number): Promise<string> {
  const opened: Opened[] = [];
  const http: HttpRun[] = [];
  let feeds: FeedRun[];
  let digest: DigestResult;
  try {
    const seeds = await seedAll(opts.articles, opened);
    progress(`feeds: ${opts.iterations} rounds, all article counts interleaved`);
    const rows = await measureFeeds(opened.map(({ deps }) => ({ deps, app: createApp(() => deps) })), opts.iterations);
    feeds = seeds.map((s, i) => ({ ...s, rounds: opts.iterations, warmup: WARMUP_ROUNDS, rows: rows[i] as FeedRow[] }));
    for (const s of opts.http ? opened : []) {
      progress(`http, ${s.n} articles: 5 targets × (${HTTP_WARMUP_SECONDS} s warm-up + ${opts.httpSeconds} × 1 s), ${opts.connections} connections`);
      http.push(await measureHttp(s.n, s.dbPath, s.dir, { connections: opts.connections, seconds: opts.httpSeconds, warmupSeconds: HTTP_WARMUP_SECONDS }));
    }
    const last = opened[opened.length - 1] as Opened;
    progress(`digest, ${last.n} articles: ${opts.recipients} recipients`);
    digest = await measureDigest(last.deps, opts.recipients);
  } finally {
    for (const s of opened) {
      await s.deps.close();
      rmSync(s.dir, { recursive: true, force: true });
    }
  }
  return renderReport({
    command: commandLine(argv),
    startedAt,
    seconds: (performance.now() - t0) / 1000,
    feedItems: FEED_ITEMS,
    feeds,
    http,
    httpServers: HTTP_SERVERS,
    digest,
  });
}

/** The report's opening lines when digest sending runs alone. */
function resultsHeader(argv: string[], startedAt: Date, t0: number): string[] {
  const seconds = ((performance.now() - t0) / 1000).toFixed(0);
  return ['## Results', '', `- Date: ${startedAt.toISOString().replace(/\.\d+Z$/, 'Z')}`, ...machineLines(), `- Command: \`${commandLine(argv)}\` (whole run ${seconds} s)`, ''];
}

async function main(argv: string[]): Promise<void> {
  const opts = parseBenchArgs(argv);
  const startedAt = new Date();
  const t0 = performance.now();
  const sections: string[] = [];
  if (!opts.only) sections.push(await feedsAndDigest(argv, opts, startedAt, t0));
  if (opts.digestSend.length) {
    const send = await measureDigestSend({ sizes: opts.digestSend, pool: opts.smtpPool, rounds: opts.digestSendRounds, sink: opts.smtpSink, profileDir: opts.digestSendProfile, progress });
    const header = opts.only ? resultsHeader(argv, startedAt, t0) : [];
    sections.push([...header, ...renderDigestSendReport(send), ''].join('\n'));
  }
  const report = sections.join('\n');
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
