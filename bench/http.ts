/**
 * Throughput over real sockets on loopback: the Node entry's serving path (`serve.ts app`,
 * memory feed cache) for the cached 200 and the 304 of `/feed.rss`, next to bare `node:http`
 * servers replaying the same responses byte for byte (`serve.ts bare`): the ceiling. Each
 * server runs in its own child process, started the same way; autocannon runs here, in the
 * parent, so load generator and server do not share a core.
 */
import autocannon, { type RunResult } from 'autocannon';
import { PATH, record, startBare, startServer, type Child } from './http-servers.js';

export type HttpOptions = { connections: number; seconds: number; warmupSeconds: number };
/**
 * `cached200` and `notModified` are the app; `bare` is the ceiling the targets name;
 * `bare304` replays the app's 304 (the same bytes as that path); `bareString` is a diagnostic:
 * the ceiling with the body written as a JS string, encoded to UTF-8 per response as the app does.
 */
export type HttpKind = 'cached200' | 'notModified' | 'bare' | 'bare304' | 'bareString';
export type HttpTarget = {
  name: string;
  kind: HttpKind;
  status: number;
  /** Completed requests ÷ seconds under load. */
  rps: number;
  requests: number;
  /** Milliseconds, as autocannon records them (1 ms resolution). */
  latencyP50: number;
  latencyP99: number;
  /** CPU used while under load, as a share of one core: the server process and autocannon's. */
  serverCpu: number;
  clientCpu: number;
};
export type HttpRun = { articles: number; bodyBytes: number; options: HttpOptions; targets: HttpTarget[] };

type Plan = { name: string; kind: HttpKind; server: Child; headers: Record<string, string>; status: number };
type Load = { runs: RunResult[]; serverMs: number; clientMs: number };

/** One autocannon run of `seconds` against `plan`, with the CPU both sides used meanwhile. */
async function loadOnce(plan: Plan, connections: number, seconds: number, into?: Load): Promise<void> {
  const server0 = plan.server.cpuMs();
  const client0 = process.cpuUsage();
  const url = `http://127.0.0.1:${plan.server.port}${PATH}`;
  const run = await autocannon({ url, connections, pipelining: 1, headers: plan.headers, duration: seconds, skipAggregateResult: true });
  if (!into) return;
  const client = process.cpuUsage(client0);
  into.runs.push(run);
  into.serverMs += plan.server.cpuMs() - server0;
  into.clientMs += (client.user + client.system) / 1000;
}

/**
 * Loads every target for `opts.seconds` rounds of 1 s, each round visiting the targets in a
 * rotated order (after a warm-up of `opts.warmupSeconds` each), so a busy neighbour hits them
 * alike. Throws on errors, timeouts or any status other than the planned one.
 */
async function loadInterleaved(plans: Plan[], opts: HttpOptions): Promise<HttpTarget[]> {
  for (const p of plans) await loadOnce(p, opts.connections, opts.warmupSeconds);
  const loads = plans.map((): Load => ({ runs: [], serverMs: 0, clientMs: 0 }));
  for (let round = 0; round < opts.seconds; round++) {
    for (let k = 0; k < plans.length; k++) {
      const i = (round + k) % plans.length;
      await loadOnce(plans[i] as Plan, opts.connections, 1, loads[i]);
    }
  }
  return plans.map((p, i) => {
    const { runs, serverMs, clientMs } = loads[i] as Load;
    const r = autocannon.aggregateResult(runs, { url: `http://127.0.0.1:${p.server.port}${PATH}`, connections: opts.connections, pipelining: 1 });
    const codes = Object.keys(r.statusCodeStats);
    if (r.errors || r.timeouts || codes.length !== 1 || codes[0] !== String(p.status)) {
      throw new Error(`${p.name}: ${r.errors} errors, ${r.timeouts} timeouts, statuses ${JSON.stringify(r.statusCodeStats)}`);
    }
    const requests = runs.reduce((n, x) => n + x.totalCompletedRequests, 0);
    const ms = 1000 * runs.reduce((n, x) => n + x.duration, 0);
    const rps = (1000 * requests) / ms;
    const { p50, p99 } = r.latency;
    return { name: p.name, kind: p.kind, status: p.status, rps, requests, latencyP50: p50, latencyP99: p99, serverCpu: serverMs / ms, clientCpu: clientMs / ms };
  });
}

/**
 * Serves the seeded database at `dbPath` and measures the targets side by side. `dir` receives
 * the recorded responses. Throws if a server fails, a replay differs from the app's response,
 * or a target sees an error or an unexpected status.
 */
export async function measureHttp(articles: number, dbPath: string, dir: string, opts: HttpOptions): Promise<HttpRun> {
  const maxSeconds = 90 + 2 * 5 * (opts.seconds + opts.warmupSeconds);
  const servers: Child[] = [];
  let failure: unknown;
  try {
    const app = await startServer('app', dbPath, maxSeconds);
    servers.push(app);
    const { res: first } = await record(app.port, {}, dir, 'rss-200-first'); // renders and fills the cache
    const { res: ok, file: okFile } = await record(app.port, {}, dir, 'rss-200');
    const etag = ok.headers.find(([k]) => k.toLowerCase() === 'etag')?.[1] ?? '';
    if (first.status !== 200 || ok.status !== 200 || !etag || !ok.bytes.equals(first.bytes)) throw new Error(`GET ${PATH}: status ${ok.status}, etag ${etag}`);
    const inm = { 'if-none-match': etag };
    const { res: nm, file: nmFile } = await record(app.port, inm, dir, 'rss-304');
    if (nm.status !== 304) throw new Error(`GET ${PATH} If-None-Match: expected 304, got ${nm.status}`);
    const { file: strFile } = await record(app.port, {}, dir, 'rss-200-string', 'string');
    const [bare, bare304, bareString] = await Promise.all([okFile, nmFile, strFile].map((f, i) => startBare(f, i === 1 ? nm : ok, maxSeconds, servers)));
    const targets = await loadInterleaved(
      [
        { name: `GET ${PATH}, cached`, kind: 'cached200', server: app, headers: {}, status: 200 },
        { name: `GET ${PATH} If-None-Match → 304`, kind: 'notModified', server: app, headers: inm, status: 304 },
        { name: 'bare `node:http`, the same 200 (ceiling)', kind: 'bare', server: bare as Child, headers: {}, status: 200 },
        { name: 'bare `node:http`, the same 304', kind: 'bare304', server: bare304 as Child, headers: inm, status: 304 },
        { name: 'bare `node:http`, the same 200, body as a JS string (diagnostic)', kind: 'bareString', server: bareString as Child, headers: {}, status: 200 },
      ],
      opts,
    );
    return { articles, bodyBytes: ok.bytes.length, options: opts, targets };
  } catch (err) {
    failure = err;
    throw err;
  } finally {
    const stopped = await Promise.allSettled(servers.map((s) => s.stop()));
    const failed = stopped.find((s) => s.status === 'rejected');
    if (failed && !failure) throw (failed as PromiseRejectedResult).reason;
  }
}
