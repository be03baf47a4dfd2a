/**
 * The bench's HTTP servers as child processes (`bench/serve.ts`), and the one-off requests
 * that record the app's responses and check that a bare server replays them byte for byte.
 */
import { fork } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { RecordedResponse } from './serve.js';

export const PATH = '/feed.rss';
const SERVE = fileURLToPath(new URL('./serve.ts', import.meta.url));
/** Set per connection by Node itself; the bare server must not copy them. */
const PER_CONNECTION = new Set(['date', 'connection', 'keep-alive', 'transfer-encoding']);
/** Linux reports process CPU time in clock ticks of 10 ms (USER_HZ = 100). */
const MS_PER_TICK = 10;

export type Child = {
  port: number;
  /** CPU time (user + system) the server process has used so far, in ms; NaN off Linux. */
  cpuMs(): number;
  /** Asks the server to stop and waits for it; throws unless it exits with 0. */
  stop(): Promise<void>;
};
export type Response = RecordedResponse & { bytes: Buffer };

function processCpuMs(pid: number | undefined): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
    return (Number(fields[11]) + Number(fields[12])) * MS_PER_TICK;
  } catch {
    return NaN;
  }
}

/** Forks `serve.ts <mode> <arg> <maxSeconds>` (same Node, same flags) and resolves once it listens. */
export function startServer(mode: 'app' | 'bare', arg: string, maxSeconds: number): Promise<Child> {
  const child = fork(SERVE, [mode, arg, String(maxSeconds)], { execArgv: process.execArgv, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const stop = async () => {
    if (child.exitCode === null && child.connected) child.send('stop');
    const code = await exited;
    if (code !== 0) throw new Error(`bench server (${mode}) exited with ${code}`);
  };
  return new Promise((resolve, reject) => {
    child.once('message', (msg) => resolve({ port: (msg as { port: number }).port, cpuMs: () => processCpuMs(child.pid), stop }));
    child.once('error', reject);
    void exited.then((code) => reject(new Error(`bench server (${mode}) exited with ${code} before listening`)));
  });
}

/** One GET of `PATH` on loopback, as it came over the wire (headers in order, body bytes). */
export function get(port: number, headers: Record<string, string> = {}): Promise<Response> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path: PATH, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('error', reject);
      res.on('end', () => {
        const pairs: [string, string][] = [];
        for (let i = 0; i < res.rawHeaders.length; i += 2) pairs.push([res.rawHeaders[i] as string, res.rawHeaders[i + 1] as string]);
        const bytes = Buffer.concat(chunks);
        const kept = pairs.filter(([k]) => !PER_CONNECTION.has(k.toLowerCase()));
        resolve({ status: res.statusCode ?? 0, headers: kept, body: bytes.toString('base64'), bytes });
      });
    });
    req.on('error', reject);
    req.end();
  });
}

const sameHeaders = (a: [string, string][], b: [string, string][]) =>
  JSON.stringify(a.map(([k, v]) => [k.toLowerCase(), v]).sort()) === JSON.stringify(b.map(([k, v]) => [k.toLowerCase(), v]).sort());

/** Records the app's response to `headers` into `dir/<name>.json`, for a bare server to replay. */
export async function record(port: number, headers: Record<string, string>, dir: string, name: string, bodyAs: 'buffer' | 'string' = 'buffer') {
  const res = await get(port, headers);
  const file = join(dir, `${name}.json`);
  writeFileSync(file, JSON.stringify({ status: res.status, headers: res.headers, body: res.body, bodyAs } satisfies RecordedResponse));
  return { res, file };
}

/** Starts a bare server replaying `file` (pushed onto `servers`) and checks it answers exactly like `like`. */
export async function startBare(file: string, like: Response, maxSeconds: number, servers: Child[]): Promise<Child> {
  const bare = await startServer('bare', file, maxSeconds);
  servers.push(bare);
  const replay = await get(bare.port);
  if (replay.status !== like.status || !replay.bytes.equals(like.bytes) || !sameHeaders(replay.headers, like.headers)) {
    throw new Error(`the bare server (${file}) does not replay the recorded response`);
  }
  return bare;
}
