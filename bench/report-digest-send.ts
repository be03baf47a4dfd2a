/** The markdown for the digest-send bench: targets, the runs side by side, the per-recipient stages. */
import type { DigestSendResult, SendRun, SizeRun } from './digest-send.js';
import { fmt, kb, type Summary } from './stats.js';

const MB = 1e6;
const RSS_TARGET_MB = 200;
const RATIO_TARGET = 0.5;
const RENDER_TARGET_US = 50;

const n = (x: number) => x.toLocaleString('en-US');
const rate = (r: SendRun) => (1000 * r.submitted) / r.ms;
/** The ceiling of a size: the mean rate of its ceiling runs. */
export const ceilingRate = (s: SizeRun) => s.ceilings.reduce((sum, r) => sum + rate(r), 0) / s.ceilings.length;
/** Nashra's i-th run against the ceiling runs just before and just after it. */
const roundRatio = (s: SizeRun, i: number) => rate(s.nashras[i] as SendRun) / ((rate(s.ceilings[i] as SendRun) + rate(s.ceilings[i + 1] as SendRun)) / 2);
const median = (xs: number[]) => {
  const sorted = [...xs].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
};
/** The size's ratio: the median of its rounds'. */
export const sizeRatio = (s: SizeRun) => median(s.nashras.map((_, i) => roundRatio(s, i)));
/** The Nashra run whose time per reader is the median one. */
const medianRun = (s: SizeRun) => [...s.nashras].sort((a, b) => a.ms - b.ms)[s.nashras.length >> 1] as SendRun;
const peakRss = (s: SizeRun) => Math.max(...s.nashras.map((r) => r.maxRssKiB));
const pct = (x: number) => `${fmt(100 * x, 0)} %`;
const mb = (kib: number) => `${fmt((kib * 1024) / MB, 0)} MB`;
const verdict = (ok: boolean) => (ok ? '**met**' : '**missed**');
const us = (ms: number) => `${fmt(ms * 1000)} µs`;

function targetsTable(r: DigestSendResult): string[] {
  const cols = r.sizes.map((s) => `${n(s.readers)} readers`);
  const row = (name: string, cells: string[], ok: string) => `| ${name} | ${cells.join(' | ')} | ${ok} |`;
  const ratios = r.sizes.map(sizeRatio);
  const rss = r.sizes.map(peakRss);
  const perReader = r.sizes.map((s) => medianRun(s).ms / s.readers);
  const first = perReader[0] as number;
  const largest = r.sizes[r.sizes.length - 1] as SizeRun;
  const render = r.recipient.total;
  return [
    `| target | ${cols.join(' | ')} | verdict |`,
    `|---|${cols.map(() => '---:|').join('')}---|`,
    row(
      `Nashra ≥ ${pct(RATIO_TARGET)} of the ceiling (messages/s, planning included; median of the rounds, each against the ceiling runs around it)`,
      r.sizes.map((s, i) => `${pct(ratios[i] as number)} (${s.nashras.map((_, k) => pct(roundRatio(s, k))).join(', ')})`),
      verdict(ratios.every((x) => x >= RATIO_TARGET)),
    ),
    row(
      `peak RSS of the sender < ${RSS_TARGET_MB} MB (judged at the largest size, highest of its rounds)`,
      rss.map(mb),
      verdict((peakRss(largest) * 1024) / MB < RSS_TARGET_MB),
    ),
    row(
      `time per reader flat (linear in readers; the median round)`,
      perReader.map((x, i) => `${fmt(x)} ms${i ? ` (${fmt(x / first, 2)}×)` : ''}`),
      r.sizes.length > 1 ? verdict(perReader.every((x) => x / first < 1.2)) + ' (within 20 %)' : '–',
    ),
    row(
      `per-recipient render < ${RENDER_TARGET_US} µs (2 × \`signToken\` + \`renderDigestFor\` + headers)`,
      r.sizes.map((_, i) => (i === 0 ? `mean ${us(render.mean)}, p50 ${us(render.p50)}` : '–')),
      verdict(render.mean * 1000 < RENDER_TARGET_US),
    ),
  ];
}

/** `ratio`: against the ceiling runs around it (Nashra), or against the size's mean ceiling. */
function runRow(s: SizeRun, r: SendRun, name: string, ratio = rate(r) / ceilingRate(s)): string {
  const phases = r.planMs !== undefined ? ` (plan ${fmt((r.planMs ?? 0) / 1000, 2)} s + send ${fmt((r.sendMs ?? 0) / 1000, 1)} s)` : '';
  return (
    `| ${n(s.readers)} | ${name} | ${fmt(r.ms / 1000, 1)} s${phases} | ${n(Math.round(rate(r)))} | ${pct(ratio)} ` +
    `| ${fmt(r.cpuMs / r.submitted, 2)} ms | ${fmt(r.sinkCpuMs / r.submitted, 2)} ms | ${kb(r.sinkBytes / r.sinkMessages)} | ${n(r.sinkConnections)} ` +
    `| ${mb(r.maxRssBeforeKiB)} → ${mb(r.maxRssKiB)} | ${fmt(r.memory.rssAnon / MB, 0)} / ${fmt(r.memory.rssFile / MB, 0)} MB | ${fmt(r.memory.heapTotal / MB, 0)} MB |`
  );
}

function runsTable(r: DigestSendResult): string[] {
  const lines = [
    '| readers | sender | time | messages/s | ÷ ceiling | sender CPU per message | sink CPU per message | bytes per message at the sink | SMTP connections | sender peak RSS (before the run → peak) | … peak anonymous / file-backed | peak V8 heap |',
    '|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
  ];
  for (const s of r.sizes) {
    lines.push(runRow(s, s.ceilings[0] as SendRun, 'ceiling: bare nodemailer pool, pre-built message'));
    s.nashras.forEach((run, i) => {
      lines.push(
        runRow(s, run, `**Nashra** (round ${i + 1}): \`runDigestTick\` via \`createNodeRuntime\`; ÷ the ceiling runs around it`, roundRatio(s, i)),
        runRow(s, s.ceilings[i + 1] as SendRun, 'ceiling again'),
      );
    });
    lines.push(runRow(s, s.composed, 'diagnostic: bare pool, the message\'s bytes built again for each send (`createMessageBuffers`)'));
  }
  return lines;
}

const stageRow = (name: string, s: Summary) => `| ${name} | ${us(s.mean)} | ${us(s.p50)} | ${us(s.p99)} |`;

function recipientTable(r: DigestSendResult): string[] {
  const c = r.recipient;
  return [
    `Per recipient, ${n(c.recipients)} real reader rows, one after another, the edition rendered once ` +
      `(\`editionContent\` + \`renderDigestContent\`: ${fmt(c.editionMs)} ms, cold). Message: HTML ${kb(c.htmlBytes)} + text ${kb(c.textBytes)}.`,
    '',
    '| stage | mean | p50 | p99 |',
    '|---|---:|---:|---:|',
    stageRow('two signed links (`digestLinks`)', c.tokens),
    stageRow('the reader\'s slots (`renderDigestFor`)', c.body),
    stageRow('the message and its headers (`digestMessage`)', c.message),
    stageRow('**total, the per-recipient render**', c.total),
    stageRow('diagnostic: the message\'s bytes, as the SMTP mailer builds them (`buildRawMessage`)', c.raw),
  ];
}

function databaseLine(r: DigestSendResult): string {
  const sizes = r.sizes.map(
    (s) =>
      `${n(s.readers)} readers: ${fmt(s.seed.dbBytes / MB, 1)} MB seeded (readers inserted in ${fmt(s.seed.readersMs / 1000, 1)} s), ` +
      `${fmt((medianRun(s).dbBytesAfter ?? NaN) / MB, 1)} MB with its deliveries after the tick (file + WAL)`,
  );
  return `Databases: ${sizes.join('; ')}. Each has ${r.sizes[0]?.seed.articles ?? 0} articles, of which the edition takes the newest 10 commentary pieces of the last 24 h.`;
}

/** The section of the report; `heading` is the markdown heading level for its title. */
export function renderDigestSendReport(r: DigestSendResult, heading = '###'): string[] {
  return [
    `${heading} Digest sending over SMTP on loopback`,
    '',
    `Pool of ${r.pool} SMTP connections (\`SMTP_POOL_SIZE\`), ${r.inFlight} sends in flight on both sides, ` +
      `sink: ${r.sink === 'raw' ? 'the raw `node:net` responder' : '`smtp-server`'} in its own process; every sender run is its own child process. ` +
      `Per size: a ceiling run, then ${r.sizes[0]?.nashras.length ?? 0} rounds of a Nashra run (on its own copy of the seeded database) and a ceiling run. ` +
      `Seeding and all runs took ${fmt(r.seconds, 0)} s.`,
    '',
    databaseLine(r),
    '',
    ...targetsTable(r),
    '',
    ...runsTable(r),
    '',
    ...recipientTable(r),
  ];
}
