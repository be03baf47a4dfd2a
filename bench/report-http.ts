/** The report's throughput tables and the summary against the feed performance targets. */
import type { FeedRow } from './feeds.js';
import type { HttpKind, HttpRun } from './http.js';
import type { FeedRun } from './report.js';
import { fmt, kb, ratio, share } from './stats.js';

/** Issue 3, item 9. */
export const TARGETS = { uncachedP50Ms: 5, flatSpread: 0.2, cached200: 0.5, notModified: 0.8 };

const count = (n: number) => n.toLocaleString('en-US');
const rps = (run: HttpRun, kind: HttpKind) => run.targets.find((t) => t.kind === kind)?.rps ?? NaN;
const verdict = (ok: boolean) => (ok ? '**met**' : '**not met**');

export function httpTables(runs: HttpRun[], servers: string): string[] {
  if (runs.length === 0) return [];
  const o = (runs[0] as HttpRun).options;
  const lines = [
    '### Throughput on loopback: `GET /feed.rss` through the Node entry vs a bare `node:http` server',
    '',
    `autocannon, ${o.connections} connections, no pipelining: ${o.warmupSeconds} s of warm-up per target, then ${o.seconds} rounds ` +
      `in which every target gets 1 s of load, in a rotated order; ${servers}. The app serves the seeded file with the memory feed cache; ` +
      `the bare servers replay the app's recorded responses (same status, headers and body bytes; checked before the load). ` +
      `CPU columns: the server process's and autocannon's CPU time while under load, as a share of one core (100 % = one core busy), ` +
      `and the server's CPU time per response.`,
    '',
    '| articles | target | status | body | req/s | latency p50 | latency p99 | server CPU | … per request | autocannon CPU | ÷ ceiling |',
    '|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
  ];
  for (const run of runs) {
    const ceiling = rps(run, 'bare');
    for (const t of run.targets) {
      lines.push(
        `| ${count(run.articles)} | ${t.name} | ${t.status} | ${t.status === 304 ? '0' : kb(run.bodyBytes)} | ${fmt(t.rps, 0)} ` +
          `| ${t.latencyP50} ms | ${t.latencyP99} ms | ${share(t.serverCpu, 1)} | ${fmt((1000 * t.serverCpu) / t.rps)} ms | ${share(t.clientCpu, 1)} | ${share(t.rps, ceiling)} |`,
      );
    }
  }
  const row = (name: string, a: HttpKind, b: HttpKind, target: string) =>
    `| ${name} | ${runs.map((r) => share(rps(r, a), rps(r, b))).join(' | ')} | ${target} |`;
  lines.push(
    '',
    `| ratio of req/s | ${runs.map((r) => `${count(r.articles)} articles`).join(' | ')} | target |`,
    `|---|${runs.map(() => '---:').join('|')}|---|`,
    row('(a) cached 200 ÷ (c) ceiling', 'cached200', 'bare', `≥ ${share(TARGETS.cached200, 1)}`),
    row('(b) 304 ÷ (c) ceiling', 'notModified', 'bare', `≥ ${share(TARGETS.notModified, 1)}`),
    row('(b) 304 ÷ bare server replaying the same 304', 'notModified', 'bare304', '–'),
    row('bare, body as a JS string ÷ (c) ceiling (cost of encoding the body per response)', 'bareString', 'bare', '–'),
    row('(a) cached 200 ÷ bare, body as a JS string (the rest of the app)', 'cached200', 'bareString', '–'),
  );
  return lines;
}

/** p50 of the uncached direct render (`getFeed`) per format, per article count. */
function uncachedRows(feeds: FeedRun[]): string[] {
  const lines: string[] = [];
  for (const format of ['rss', 'atom', 'json'] as const) {
    const p50s = feeds.map((f) => (f.rows.find((r) => r.kind === 'direct' && r.format === format) as FeedRow).stats.p50);
    const spread = Math.max(...p50s) / Math.min(...p50s) - 1;
    const under = p50s.every((x) => x < TARGETS.uncachedP50Ms);
    lines.push(
      `| uncached \`getFeed\` ${format}: p50 < ${TARGETS.uncachedP50Ms} ms | ${p50s.map((x) => `${fmt(x)} ms`).join(' | ')} | ${verdict(under)} (worst ${fmt(Math.max(...p50s) / TARGETS.uncachedP50Ms, 1)}× the target) |`,
      `| … flat within ${share(TARGETS.flatSpread, 1)}: p50 ÷ p50 at ${count(feeds[0]?.seed.articles ?? 0)} | ${p50s.map((x) => ratio(x, p50s[0] as number)).join(' | ')} | ${verdict(spread <= TARGETS.flatSpread)} (max ÷ min ${ratio(spread + 1, 1)}) |`,
    );
  }
  return lines;
}

/** One table: each target, its measured values per article count, met or not. */
export function targetsTable(feeds: FeedRun[], http: HttpRun[]): string[] {
  if (feeds.length === 0) return [];
  const lines = [
    '### Against the feed performance targets',
    '',
    `| target | ${feeds.map((f) => `${count(f.seed.articles)} articles`).join(' | ')} | verdict |`,
    `|---|${feeds.map(() => '---:').join('|')}|---|`,
    ...uncachedRows(feeds),
  ];
  if (http.length === feeds.length) {
    for (const [kind, min, name] of [['cached200', TARGETS.cached200, 'cached 200'], ['notModified', TARGETS.notModified, '304']] as const) {
      const ratios = http.map((r) => rps(r, kind) / rps(r, 'bare'));
      lines.push(`| ${name} ≥ ${share(min, 1)} of the ceiling (req/s) | ${ratios.map((x) => share(x, 1)).join(' | ')} | ${verdict(ratios.every((x) => x >= min))} |`);
    }
  }
  return lines;
}
