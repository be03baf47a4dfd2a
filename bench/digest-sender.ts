/**
 * The sending side of the digest-send bench, one child process per run, forked by
 * `bench/digest-send.ts` (so each run's peak RSS is its own, and the sink has its own process):
 *
 *   digest-sender.ts nashra  <db> <smtp url> <pool> <now>
 *       Nashra's Node path: `createNodeRuntime` (SQLite file, pooled SMTP mailer, in-process
 *       dispatcher), then one `runDigestTick(deps, now, { force: true, cadences: ['daily'] })`.
 *   digest-sender.ts ceiling <db> <smtp url> <pool> <now> <count> raw|composed
 *       A bare nodemailer pool (same size, maxMessages 1000, SMTP_POOL_SIZE × 4 sends in flight,
 *       as the Node dispatcher) sending one reader's digest `count` times: `raw`, the message's
 *       bytes built once (the ceiling); `composed`, the bytes built again for every send as the
 *       SMTP mailer builds them (a diagnostic: the ceiling plus the MIME build).
 *
 * Each sends its `SendResult` over IPC and exits.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import Database from 'better-sqlite3';
import nodemailer from 'nodemailer';
import { createNodeRuntime } from '../src/adapters/node-deps.js';
import { openSqlite } from '../src/adapters/sqlite.js';
import { createMessageBuffers, toNodemailer } from '../src/adapters/smtp-mailer.js';
import { createFixedClock } from '../src/deps.js';
import { runDigestTick } from '../src/digests/schedule.js';
import { composeDigestMessage } from '../src/digests/send.js';
import { createUlids } from '../src/ids.js';
import type { MailMessage } from '../src/email/mailer.js';
import type { SubscriberRow } from '../src/storage/schema.js';
import { subscribers } from '../src/storage/schema.js';
import { benchConfig, renderBenchEdition, senderEnv } from './digest-message.js';

export type SenderMode = 'nashra' | 'raw' | 'composed';
export type SendResult = {
  mode: SenderMode;
  /** Messages the sender counted as submitted (SMTP 250). */
  submitted: number;
  /** From start of the tick (or of the first send) to the last submission, ms. */
  ms: number;
  /** Nashra: planning, up to the first dispatched page; then sending. */
  planMs?: number;
  sendMs?: number;
  /** Nashra: deliveries by status after the tick. */
  statuses?: Record<string, number>;
  /** Peak RSS of this process (`process.resourceUsage().maxRSS`): before the run, and overall. */
  maxRssBeforeKiB: number;
  maxRssKiB: number;
  /** CPU time of this process during the run (user + system, all threads), ms. */
  cpuMs: number;
  /** Memory sampled every 50 ms during the run: the highest values. */
  memory: MemoryPeaks;
  /** Nashra: the database file and its WAL after the tick, bytes. */
  dbBytesAfter?: number;
  /** Bytes of one message as built by nodemailer (ceilings only). */
  messageBytes?: number;
};

/**
 * Peaks of `process.memoryUsage()` and, on Linux, of the resident set split as the kernel
 * counts it: anonymous (heaps, buffers) and file-backed (code, and SQLite's memory-mapped
 * database pages). Bytes; NaN where unknown.
 */
type MemoryPeaks = { rss: number; heapTotal: number; heapUsed: number; external: number; arrayBuffers: number; rssAnon: number; rssFile: number };

function residentSplit(): { rssAnon: number; rssFile: number } {
  try {
    const status = readFileSync('/proc/self/status', 'latin1');
    const kib = (name: string) => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN) * 1024;
    return { rssAnon: kib('RssAnon'), rssFile: kib('RssFile') };
  } catch {
    return { rssAnon: NaN, rssFile: NaN };
  }
}

/** Samples memory every 50 ms until the returned function is called, which returns the peaks. */
function sampleMemory(): () => MemoryPeaks {
  const peaks: MemoryPeaks = { rss: 0, heapTotal: 0, heapUsed: 0, external: 0, arrayBuffers: 0, rssAnon: 0, rssFile: 0 };
  const sample = () => {
    const m = { ...process.memoryUsage(), ...residentSplit() };
    for (const k of Object.keys(peaks) as (keyof MemoryPeaks)[]) peaks[k] = Math.max(peaks[k], m[k]);
  };
  const timer = setInterval(sample, 50);
  return () => {
    clearInterval(timer);
    sample();
    return peaks;
  };
}

const cpuMsSince = (start: NodeJS.CpuUsage) => {
  const d = process.cpuUsage(start);
  return (d.user + d.system) / 1000;
};

async function runNashra(dbPath: string, smtpUrl: string, pool: number, now: Date): Promise<SendResult> {
  const rt = createNodeRuntime(senderEnv(dbPath, smtpUrl, pool));
  const maxRssBeforeKiB = process.resourceUsage().maxRSS;
  let firstDispatch = 0;
  const inner = rt.deps.dispatcher;
  // Only notes when the first page is handed over; the dispatcher (page size included) is the Node one.
  const dispatcher = { ...inner, dispatch: (ids: string[]) => ((firstDispatch ||= performance.now()), inner.dispatch(ids)) };
  const deps = { ...rt.deps, dispatcher };
  const stopSampling = sampleMemory();
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  try {
    await runDigestTick(deps, now, { force: true, cadences: ['daily'] });
  } finally {
    await rt.close();
  }
  const t1 = performance.now();
  const cpuMs = cpuMsSince(cpu0);
  const memory = stopSampling();
  const sqlite = new Database(dbPath, { readonly: true });
  const rows = sqlite.prepare('SELECT status, count(*) AS n FROM deliveries GROUP BY status').all() as { status: string; n: number }[];
  sqlite.close();
  const statuses = Object.fromEntries(rows.map((r) => [r.status, r.n]));
  const size = (path: string) => (existsSync(path) ? statSync(path).size : 0);
  const planMs = (firstDispatch || t1) - t0;
  return {
    mode: 'nashra', submitted: statuses.submitted ?? 0, ms: t1 - t0, planMs, sendMs: t1 - t0 - planMs, statuses,
    maxRssBeforeKiB, maxRssKiB: process.resourceUsage().maxRSS, cpuMs, memory, dbBytesAfter: size(dbPath) + size(`${dbPath}-wal`),
  };
}

/** One real reader's digest, composed as Nashra composes it. */
async function oneMessage(dbPath: string, now: Date): Promise<MailMessage> {
  const { db, close } = openSqlite(dbPath);
  try {
    const config = benchConfig(dbPath);
    const { edition, digest } = await renderBenchEdition({ db, config, ids: createUlids(createFixedClock(now)) }, now);
    const reader = (await db.select().from(subscribers).limit(1).get()) as SubscriberRow;
    return await composeDigestMessage(config, { id: `${edition.id}-${reader.id}`, editionId: edition.id, createdAt: now }, reader, digest);
  } finally {
    close();
  }
}

async function runCeiling(dbPath: string, smtpUrl: string, pool: number, now: Date, count: number, mode: 'raw' | 'composed'): Promise<SendResult> {
  const message = await oneMessage(dbPath, now);
  // The ceiling sends these same bytes every time; the diagnostic has the mailer build them each time.
  const prebuilt = toNodemailer(message);
  // The URL goes inside the options: as `createTransport(url, {...})` the object would be
  // message defaults, and the transport an unpooled one (a connection per message).
  const transport = nodemailer.createTransport({ url: smtpUrl, pool: true, maxConnections: pool, maxMessages: 1000 });
  const maxRssBeforeKiB = process.resourceUsage().maxRSS;
  let started = 0;
  let submitted = 0;
  const buffers = createMessageBuffers();
  const send =
    mode === 'raw'
      ? () => transport.sendMail(prebuilt)
      : async () => {
          // As the SMTP mailer sends: the bytes built into a reused buffer, released once accepted.
          const { buffer, raw } = buffers.fill(message);
          await transport.sendMail(toNodemailer(message, undefined, raw));
          buffers.release(buffer);
        };
  const worker = async () => {
    while (started < count) {
      started++;
      await send();
      submitted++;
    }
  };
  const stopSampling = sampleMemory();
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  try {
    await Promise.all(Array.from({ length: Math.min(count, pool * 4) }, worker));
  } finally {
    transport.close();
  }
  const ms = performance.now() - t0;
  const cpuMs = cpuMsSince(cpu0);
  const memory = stopSampling();
  return { mode, submitted, ms, maxRssBeforeKiB, maxRssKiB: process.resourceUsage().maxRSS, cpuMs, memory, messageBytes: Buffer.byteLength(prebuilt.raw) };
}

async function main(argv: string[]): Promise<void> {
  const [mode, dbPath, smtpUrl, pool, now, count, variant] = argv;
  if (!process.send || !dbPath || !smtpUrl || !(Number(pool) > 0) || !now) throw new Error('usage: see bench/digest-sender.ts');
  const at = new Date(now);
  let result: SendResult;
  if (mode === 'nashra') result = await runNashra(dbPath, smtpUrl, Number(pool), at);
  else if (mode === 'ceiling' && Number(count) > 0 && (variant === 'raw' || variant === 'composed')) {
    result = await runCeiling(dbPath, smtpUrl, Number(pool), at, Number(count), variant);
  } else throw new Error(`unknown sender mode: ${argv.join(' ')}`);
  process.send(result, () => process.exit(0));
}

main(process.argv.slice(2)).catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
