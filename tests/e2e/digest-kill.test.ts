/**
 * Killing the digest sender (SIGKILL, no chance to clean up) at any point and starting it
 * again loses nothing, and a reader gets a second copy only of a message that was in flight
 * when the sender died. The sender is `nashra digest run` as its own process, sending over
 * real SMTP to a loopback server; kill points are drawn from a seeded random sequence
 * (printed, and replayed with DIGEST_KILL_SEED=<seed>).
 */
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queryDb } from './support/db.js';
import { digestSenderEnv, runDigest, startDigestRun, startDigestSink, type DigestSink } from './support/digest-sender.js';
import { seedDigestDatabase, type DigestSeed } from './support/digest-seed.js';
import { waitFor } from './support/poll.js';

const READERS = 300;
const POOL_SIZE = 2;
/** Deliveries one sender holds at once: SMTP_POOL_SIZE * 4 (src/adapters/node-deps.ts). */
const IN_FLIGHT_LIMIT = POOL_SIZE * 4;
const LEASE_SECONDS = 5;
const MID_SEND_KILLS = 4;
const PUBLIC_HOST = 'nashra.example';

const SEED = Number(process.env.DIGEST_KILL_SEED ?? Math.floor(Math.random() * 2 ** 31));

/** mulberry32: a small seeded generator, so a failing sequence of kill points can be replayed. */
function seededRandom(seed: number): (below: number) => number {
  let a = seed >>> 0;
  return (below) => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return Math.floor((((t ^ (t >>> 14)) >>> 0) / 4294967296) * below);
  };
}

type DeliveryState = { id: string; status: string; attempts: number; lease_until: number | null };
type Round = { kind: 'planning' | 'mid-send'; afterMessages?: number; killed: boolean; received: number; inFlight: string[]; planned: number; ms: number };

let dir: string;
let sink: DigestSink;
let env: NodeJS.ProcessEnv;
let seeded: DigestSeed;
const dbPath = () => join(dir, 'nashra.db');
const deliveryStates = () => queryDb<DeliveryState>(dbPath(), 'SELECT id, status, attempts, lease_until FROM deliveries');

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'nashra-e2e-digest-kill-'));
  // Slow enough that a run is still sending when it is killed; correctness never depends on it.
  sink = await startDigestSink({ dataDelayMs: 3 });
  env = digestSenderEnv({
    DATABASE_PATH: dbPath(),
    SMTP_URL: sink.url,
    SMTP_POOL_SIZE: String(POOL_SIZE),
    DELIVERY_LEASE_SECONDS: String(LEASE_SECONDS),
    ADMIN_TOKEN: 'e2e-admin-token-0123456789abcdef',
    SECRET_KEY: 'e2e-secret-key-0123456789-0123456789-abcdef',
    PUBLIC_URL: `https://${PUBLIC_HOST}`,
    SITE_URL: 'https://www.example.ma',
  });
  seeded = await seedDigestDatabase(env, {
    pieces: [{ title: 'المدينة بعد المطر' }, { title: 'في معنى الإصلاح' }, { title: 'الاقتصاد المحلي وأسئلته', image: null }],
    readers: Array.from({ length: READERS }, (_, i) => ({ email: `reader${i}@example.ma` })),
  });
});

afterAll(async () => {
  await sink?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/**
 * One sender run, killed with SIGKILL at the given point (unless it finishes first). Returns
 * the deliveries it left claimed ('sending'): those in flight when it died.
 */
async function killedRun(kill: { kind: 'planning' } | { kind: 'mid-send'; afterMessages: number; jitterMs: number }): Promise<Round> {
  const before = new Map(deliveryStates().filter((d) => d.status === 'sending').map((d) => [d.id, d.attempts]));
  const receivedBefore = sink.received.length;
  if (kill.kind === 'planning') sink.hold(); // nothing can be submitted before the kill
  const started = Date.now();
  const child = startDigestRun(env);
  const exited = once(child.process, 'exit');
  const killNow = () => child.process.kill('SIGKILL');
  if (kill.kind === 'planning') {
    await waitFor('the run to plan an edition', () => queryDb<{ n: number }>(dbPath(), 'SELECT count(*) AS n FROM editions')[0]!.n > 0, {
      intervalMs: 5,
      timeoutMs: 30_000,
      giveUpIf: () => (child.exitCode() === undefined ? undefined : `the sender exited (${child.exitCode()}): ${child.stderr()}`),
    });
    killNow();
  } else {
    sink.onMessage = (_m, count) => {
      if (count - receivedBefore === kill.afterMessages) setTimeout(killNow, kill.jitterMs);
    };
  }
  await exited;
  sink.onMessage = undefined;
  sink.release();
  const killed = child.process.signalCode === 'SIGKILL';
  if (!killed) expect(child.exitCode(), child.stderr()).toBe(0);
  const states = deliveryStates();
  const inFlight = states
    .filter((d) => d.status === 'sending' && before.get(d.id) !== d.attempts)
    .map((d) => d.id);
  return { kind: kill.kind, afterMessages: 'afterMessages' in kill ? kill.afterMessages : undefined, killed, received: sink.received.length - receivedBefore, inFlight, planned: states.length, ms: Date.now() - started };
}

/** Waits until every claim a killed sender left has run out, so the next run may retry it. */
async function waitOutLeases(): Promise<void> {
  const until = Math.max(0, ...deliveryStates().filter((d) => d.status === 'sending').map((d) => d.lease_until ?? 0));
  await waitFor('the killed senders’ leases to run out', () => Date.now() > until + 50, { timeoutMs: (LEASE_SECONDS + 5) * 1000, intervalMs: 100 });
}

/** The planning kill, then kills after a random number of messages (seeded), each in a new run. */
async function killRounds(random: (below: number) => number): Promise<Round[]> {
  const rounds: Round[] = [await killedRun({ kind: 'planning' })];
  for (let i = 0; i < MID_SEND_KILLS; i++) {
    const waiting = READERS - deliveryStates().filter((d) => d.status === 'submitted').length;
    const afterMessages = 1 + random(Math.max(1, Math.floor(waiting * 0.6)));
    rounds.push(await killedRun({ kind: 'mid-send', afterMessages, jitterMs: random(12) }));
  }
  for (const [i, r] of rounds.entries()) {
    const point = r.kind === 'planning' ? 'planning' : `after ${r.afterMessages} messages`;
    console.log(`round ${i} (${point}): ${r.killed ? 'killed' : 'finished'} with ${r.planned} deliveries planned, ${r.received} received, ${r.inFlight.length} in flight (${r.ms} ms)`);
  }
  return rounds;
}

/** Runs the sender to the end, after the leases the kills left, until every delivery is settled. */
async function finishSending(): Promise<void> {
  const settled = () => deliveryStates().length === READERS && deliveryStates().every((d) => d.status !== 'pending' && d.status !== 'sending');
  for (let run = 0; run < 3 && !settled(); run++) {
    await waitOutLeases();
    const res = await runDigest(env);
    expect(res.code, res.stderr).toBe(0);
  }
}

/**
 * Every reader has one submitted delivery and at least one copy; a copy beyond the first only
 * for each kill their delivery was in flight at; every copy with the delivery's Message-ID.
 * Returns the number of extra copies.
 */
function expectNothingLostNoStrayCopies(kills: Round[]): number {
  const deliveries = queryDb<{ id: string; status: string; message_id: string | null; email: string }>(
    dbPath(),
    'SELECT d.id, d.status, d.message_id, s.email FROM deliveries d JOIN subscribers s ON s.id = d.subscriber_id',
  );
  expect(deliveries.length, 'one delivery per reader').toBe(READERS);
  expect(new Set(deliveries.map((d) => d.email)).size).toBe(READERS);
  expect(deliveries.filter((d) => d.status !== 'submitted')).toEqual([]);
  expect(queryDb(dbPath(), 'SELECT status, period_key FROM editions')).toEqual([{ status: 'sent', period_key: seeded.localDate }]);

  const inFlightAtKills = new Map<string, number>();
  for (const id of kills.flatMap((r) => r.inFlight)) inFlightAtKills.set(id, (inFlightAtKills.get(id) ?? 0) + 1);
  const copies = new Map<string, string[]>();
  for (const m of sink.received) copies.set(m.to, [...(copies.get(m.to) ?? []), m.messageId]);
  expect([...copies.keys()].filter((to) => !deliveries.some((d) => d.email === to)), 'mail only to readers').toEqual([]);
  let extra = 0;
  for (const d of deliveries) {
    const ids = copies.get(d.email) ?? [];
    const expectedId = `<${d.id.toLowerCase()}@${PUBLIC_HOST}>`;
    expect(ids.length, `${d.email} got the digest`).toBeGreaterThanOrEqual(1);
    expect(ids.length, `${d.email}: a second copy only when in flight at a kill`).toBeLessThanOrEqual(1 + (inFlightAtKills.get(d.id) ?? 0));
    expect(new Set(ids), `${d.email}: every copy has the delivery's Message-ID`).toEqual(new Set([expectedId]));
    expect(d.message_id).toBe(expectedId);
    extra += ids.length - 1;
  }
  expect(Math.max(...[...copies.values()].map((c) => c.length)), 'no reader gets more than one copy per kill').toBeLessThanOrEqual(1 + kills.length);
  return extra;
}

describe('digest sender killed with SIGKILL and restarted', () => {
  it('sends every reader the digest, and a second copy only of messages in flight at a kill', { timeout: 180_000 }, async () => {
    console.log(`digest kill test seed: ${SEED} (replay with DIGEST_KILL_SEED=${SEED})`);
    const rounds = await killRounds(seededRandom(SEED));
    expect(rounds[0]!.received, 'nothing is submitted before the planning kill').toBe(0);
    const kills = rounds.filter((r) => r.killed);
    expect(kills.length, 'the planning kill and at least one mid-send kill happened').toBeGreaterThanOrEqual(2);
    for (const r of kills) expect(r.inFlight.length, 'a sender holds at most its in-flight limit').toBeLessThanOrEqual(IN_FLIGHT_LIMIT);

    await finishSending();
    const duplicates = expectNothingLostNoStrayCopies(kills);
    console.log(`${kills.length} kills, ${sink.received.length} messages for ${READERS} readers, ${duplicates} duplicates`);
    expect(duplicates).toBeLessThanOrEqual(kills.length * IN_FLIGHT_LIMIT);

    // Once everything is settled, another run sends nothing and changes nothing.
    const total = sink.received.length;
    const before = deliveryStates();
    const again = await runDigest(env);
    expect(again.code, again.stderr).toBe(0);
    expect(sink.received.length).toBe(total);
    expect(deliveryStates()).toEqual(before);
  });
});
