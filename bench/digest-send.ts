/**
 * Sending a digest edition to N confirmed readers over SMTP on loopback, Nashra's Node path
 * next to a bare nodemailer pool sending one pre-built message of the same size: the ceiling.
 * Each size gets a fresh SQLite file; the sink (`bench/smtp-sink.ts`) and every sender run
 * (`bench/digest-sender.ts`) are child processes, so the sink never shares the sender's event
 * loop and each run's peak RSS is its own. Per size, in this order: ceiling, then `rounds` times
 * Nashra and the ceiling again, then the diagnostic with the mailer building the bytes for each
 * send. Each Nashra run is judged against the two ceiling runs around it, and each sends from its
 * own copy of the seeded database: this machine's speed drifts by tens of percent within minutes,
 * and a single pair of runs told more about the drift than about Nashra.
 * The senders run as `npm start` runs Nashra: plain JavaScript bundled by esbuild, no
 * TypeScript loader in the process (tsx's loader thread alone is about 45 MB of RSS).
 */
import { fork } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SECRET_KEY } from './digest-message.js';
import { measureRecipientCost, type RecipientCost } from './digest-recipient.js';
import { seedDigestDatabase, type DigestSeed } from './digest-seed.js';
import type { SendResult, SenderMode } from './digest-sender.js';
import type { SinkKind, SinkStats } from './smtp-sink.js';

const SINK = fileURLToPath(new URL('./smtp-sink.ts', import.meta.url));
const SENDER_SOURCE = fileURLToPath(new URL('./digest-sender.ts', import.meta.url));
/** Inside the repository, so the bundle's package imports resolve to node_modules. */
const SENDER = fileURLToPath(new URL('./.build/digest-sender.mjs', import.meta.url));

/** Bundles the sender, as scripts/build-node.mjs bundles the Node entries. */
async function buildSender(): Promise<void> {
  const { build } = await import('esbuild');
  await build({ entryPoints: [SENDER_SOURCE], outfile: SENDER, bundle: true, packages: 'external', platform: 'node', format: 'esm', target: 'node20', logLevel: 'warning' });
}
/** Recipients for the per-recipient render timing (real reader rows of the first database). */
const RENDER_RECIPIENTS = 10_000;
const SINK_MAX_SECONDS = 4 * 3600;

export type DigestSendOptions = {
  sizes: number[];
  pool: number;
  /** Nashra runs per size, each between two ceiling runs. */
  rounds: number;
  sink: SinkKind;
  /** Write a V8 CPU profile of each Nashra sender run into this directory. */
  profileDir?: string | undefined;
  progress(msg: string): void;
};
/** One sender run and what the sink saw meanwhile. */
export type SendRun = SendResult & { sinkMessages: number; sinkBytes: number; sinkConnections: number; sinkCpuMs: number };
/** `ceilings[i]` and `ceilings[i + 1]` ran just before and just after `nashras[i]`. */
export type SizeRun = { readers: number; seed: DigestSeed; nashras: SendRun[]; ceilings: SendRun[]; composed: SendRun };
export type DigestSendResult = { pool: number; inFlight: number; sink: SinkKind; recipient: RecipientCost; sizes: SizeRun[]; seconds: number };

type Sink = { port: number; stats(): Promise<SinkStats>; stop(): Promise<void> };

function startSink(kind: SinkKind): Promise<Sink> {
  const child = fork(SINK, [kind, String(SINK_MAX_SECONDS)], { execArgv: process.execArgv, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const stats = () =>
    new Promise<SinkStats>((resolve) => {
      child.once('message', (m) => resolve(m as SinkStats));
      child.send('stats');
    });
  const stop = async () => {
    if (child.exitCode === null && child.connected) child.send('stop');
    const code = await exited;
    if (code !== 0) throw new Error(`SMTP sink exited with ${code}`);
  };
  return new Promise((resolve, reject) => {
    child.once('message', (m) => resolve({ port: (m as { port: number }).port, stats, stop }));
    child.once('error', reject);
    void exited.then((code) => reject(new Error(`SMTP sink exited with ${code} before listening`)));
  });
}

/** Forks one sender run; resolves with its result once it has exited cleanly. */
function runSender(args: string[], profileDir?: string): Promise<SendResult> {
  const execArgv = profileDir ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : [];
  const child = fork(SENDER, args, { execArgv, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  let result: SendResult | undefined;
  child.once('message', (m) => void (result = m as SendResult));
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code) => (code === 0 && result ? resolve(result) : reject(new Error(`digest sender (${args[0]}) exited with ${code}`))));
  });
}

/** One run against the sink, checked: every message submitted and received, none twice. */
async function measured(sink: Sink, n: number, args: string[], profileDir?: string): Promise<SendRun> {
  const before = await sink.stats();
  const r = await runSender(args, profileDir);
  const after = await sink.stats();
  const run = {
    ...r,
    sinkMessages: after.messages - before.messages,
    sinkBytes: after.bytes - before.bytes,
    sinkConnections: after.connections - before.connections,
    sinkCpuMs: after.cpuMs - before.cpuMs,
  };
  if (run.submitted !== n || run.sinkMessages !== n) {
    throw new Error(`${r.mode}: ${n} readers, ${run.submitted} submitted, ${run.sinkMessages} received (${JSON.stringify(r.statuses ?? {})})`);
  }
  return run;
}

const rate = (r: SendResult) => (1000 * r.submitted) / r.ms;

async function measureSize(seed: DigestSeed, at: Date, dbPath: string, opts: DigestSendOptions): Promise<SizeRun> {
  const n = seed.readers;
  const now = at.toISOString();
  const sink = await startSink(opts.sink);
  try {
    const url = `smtp://127.0.0.1:${sink.port}`;
    const ceiling = (mode: Exclude<SenderMode, 'nashra'>) => measured(sink, n, ['ceiling', dbPath, url, String(opts.pool), now, String(n), mode]);
    opts.progress(`  ceiling`);
    const ceilings = [await ceiling('raw')];
    const nashras: SendRun[] = [];
    for (let round = 1; round <= opts.rounds; round++) {
      opts.progress(`  ceiling ${rate(ceilings[ceilings.length - 1] as SendRun).toFixed(0)} msg/s; Nashra (plan + send), round ${round} of ${opts.rounds}`);
      // The seeded file, as the ceiling runs leave it: they only read it.
      const copy = `${dbPath}.round${round}`;
      copyFileSync(dbPath, copy);
      if (existsSync(`${dbPath}-wal`)) copyFileSync(`${dbPath}-wal`, `${copy}-wal`);
      try {
        nashras.push(await measured(sink, n, ['nashra', copy, url, String(opts.pool), now], opts.profileDir));
      } finally {
        for (const suffix of ['', '-wal', '-shm']) rmSync(`${copy}${suffix}`, { force: true });
      }
      const last = nashras[nashras.length - 1] as SendRun;
      opts.progress(`  Nashra ${rate(last).toFixed(0)} msg/s, peak RSS ${(last.maxRssKiB / 1024).toFixed(0)} MiB; ceiling again`);
      ceilings.push(await ceiling('raw'));
    }
    opts.progress(`  ceiling ${rate(ceilings[ceilings.length - 1] as SendRun).toFixed(0)} msg/s; the message's bytes built for each send`);
    const composed = await ceiling('composed');
    return { readers: n, seed, nashras, ceilings, composed };
  } finally {
    await sink.stop();
  }
}

/** Runs every size on its own fresh database, removed at the end, and the per-recipient timing on the first. */
export async function measureDigestSend(opts: DigestSendOptions): Promise<DigestSendResult> {
  const t0 = performance.now();
  await buildSender();
  const sizes: SizeRun[] = [];
  let recipient: RecipientCost | undefined;
  for (const n of opts.sizes) {
    const dir = mkdtempSync(join(tmpdir(), 'nashra-bench-send-'));
    try {
      const dbPath = join(dir, 'bench.db');
      // The edition a tick at `now` plans takes the pieces listed in the 24 h before it.
      const now = new Date();
      const seed = await seedDigestDatabase(dbPath, n, now, SECRET_KEY);
      opts.progress(`digest send, ${n} readers: seeded in ${((seed.articlesMs + seed.readersMs) / 1000).toFixed(1)} s`);
      if (!recipient) {
        opts.progress(`  per-recipient render cost, ${Math.min(n, RENDER_RECIPIENTS)} readers`);
        recipient = await measureRecipientCost(dbPath, now, RENDER_RECIPIENTS);
      }
      sizes.push(await measureSize(seed, now, dbPath, opts));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
  if (!recipient) throw new Error('--digest-send needs at least one size');
  return { pool: opts.pool, inFlight: opts.pool * 4, sink: opts.sink, recipient, sizes, seconds: (performance.now() - t0) / 1000 };
}
