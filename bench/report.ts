/** The markdown report: machine, command, then one feed table per article count and the digest table. */
import { execFileSync } from 'node:child_process';
import { cpus, release, totalmem, type } from 'node:os';
import type { DigestResult } from './digest.js';
import type { FeedRow } from './feeds.js';
import type { HttpRun } from './http.js';
import { httpTables, targetsTable } from './report-http.js';
import type { SeedResult } from './seed.js';
import { fmt, kb, ratio, share, type Summary } from './stats.js';

export type FeedRun = { seed: SeedResult; dbBytes: number; rounds: number; warmup: number; rows: FeedRow[] };
export type Report = {
  command: string;
  startedAt: Date;
  seconds: number;
  feedItems: number;
  feeds: FeedRun[];
  /** Empty with `--no-http`. */
  http: HttpRun[];
  /** How the servers and the load generator were placed. */
  httpServers: string;
  digest: DigestResult;
};

function gitRevision(): string {
  try {
    const rev = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { encoding: 'utf8' }).trim();
    const dirty = execFileSync('git', ['status', '--porcelain', '--', 'src', 'templates', 'db'], { encoding: 'utf8' }).trim();
    return dirty ? `${rev} (with uncommitted changes in src/templates/db)` : rev;
  } catch {
    return 'unknown';
  }
}

export function machineLines(): string[] {
  const cpu = cpus();
  return [
    `- Machine: Node ${process.version}, ${cpu[0]?.model.trim() ?? 'unknown CPU'} × ${cpu.length} cores, ` +
      `${fmt(totalmem() / 2 ** 30, 1)} GiB RAM, ${type()} ${release()}`,
    `- Revision: ${gitRevision()}`,
  ];
}

const ms = (x: number) => `${fmt(x)} ms`;
const us = (x: number) => `${fmt(x * 1000)} µs`;

function caseLabel(r: FeedRow): string {
  if (r.kind === 'query') return `\`${r.name}\` (baseline)`;
  return r.kind === 'part' ? `\`${r.name}\` (a step of \`getFeed\`)` : `\`${r.name}\``;
}

function feedTable(run: FeedRun, feedItems: number): string[] {
  const query = run.rows.find((r) => r.kind === 'query') as FeedRow;
  const direct = (format: FeedRow['format']) => run.rows.find((r) => r.kind === 'direct' && r.format === format);
  const { seed } = run;
  const lines = [
    `### ${seed.articles.toLocaleString('en-US')} published articles, ${feedItems}-item full-text feeds`,
    '',
    `Seeded in ${fmt(seed.ms / 1000, 1)} s: article HTML ${kb(seed.avgHtmlBytes)} on average, ` +
      `${share(seed.withImage, seed.articles)} with an image; database ${fmt(run.dbBytes / 2 ** 20, 1)} MiB. ` +
      `${run.rounds} interleaved rounds after ${run.warmup} warm-up rounds; each round runs every case of every article count of the run.`,
    '',
    '| case | body | p50 | p99 | p50 ÷ query | query share of p50 | p50 ÷ direct render |',
    '|---|---:|---:|---:|---:|---:|---:|',
  ];
  for (const r of run.rows) {
    const base = r.kind === 'http' || r.kind === 'http304' ? direct(r.format) : undefined;
    lines.push(
      `| ${caseLabel(r)} | ${r.bytes === undefined ? '–' : r.bytes ? kb(r.bytes) : '0 (304)'} ` +
        `| ${ms(r.stats.p50)} | ${ms(r.stats.p99)} | ${ratio(r.stats.p50, query.stats.p50)} ` +
        `| ${r.kind === 'query' || r.kind === 'part' ? '–' : share(query.stats.p50, r.stats.p50)} | ${base ? ratio(r.stats.p50, base.stats.p50) : '–'} |`,
    );
  }
  return lines;
}

function digestRow(name: string, s: Summary, unit: (x: number) => string, vs: string): string {
  return `| ${name} | ${s.n.toLocaleString('en-US')} | ${unit(s.mean)} | ${unit(s.p50)} | ${unit(s.p99)} | ${vs} |`;
}

function digestTable(d: DigestResult): string[] {
  const p = d.perRecipient;
  const fill = d.edition.p50 + d.recipients * p.render.mean;
  const flat = d.edition.p50 + d.recipients * p.renderFlat.mean;
  const vs = (a: Summary, b: Summary) => `${ratio(a.mean, b.mean)} (mean), ${ratio(a.p50, b.p50)} (p50)`;
  return [
    `### Digest: one edition of ${d.articles} articles for ${d.recipients.toLocaleString('en-US')} recipients`,
    '',
    `Each recipient's message: HTML ${kb(d.htmlBytes)} (${d.htmlChars.toLocaleString('en-US')} UTF-16 chars) + text ${kb(d.textBytes)}. ` +
      `First \`renderDigestContent\` call (cold): ${ms(d.editionFirst)}.`,
    '',
    '| stage | runs | mean | p50 | p99 | ratio to baseline |',
    '|---|---:|---:|---:|---:|---:|',
    digestRow('`digestContent` (edition data: excerpts, dates, UTM links), once per edition', d.content, ms, '–'),
    digestRow('`renderDigestContent`, once per edition', d.edition, ms, `= ${fmt(d.edition.p50 / p.render.p50, 0)} recipients (p50)`),
    digestRow('`renderDigestFor`, per recipient', p.render, us, vs(p.render, p.concat)),
    digestRow('plain concatenation of the same size, per recipient (baseline)', p.concat, us, '1.00×'),
    digestRow('`renderDigestFor` + `Buffer.byteLength` (flattens), per recipient', p.renderFlat, us, vs(p.renderFlat, p.concatFlat)),
    digestRow('plain concatenation + `Buffer.byteLength`, per recipient (baseline)', p.concatFlat, us, '1.00×'),
    '',
    `The whole edition for ${d.recipients.toLocaleString('en-US')} recipients: ≈ ${ms(fill)} to render and fill the slots ` +
      `(edition render ${share(d.edition.p50, fill)} of it); ≈ ${fmt(flat / 1000, 1)} s once each message's strings are flattened.`,
  ];
}

export function renderReport(r: Report): string {
  const lines = [
    '## Results',
    '',
    `- Date: ${r.startedAt.toISOString().replace(/\.\d+Z$/, 'Z')}`,
    ...machineLines(),
    `- Command: \`${r.command}\` (whole run ${fmt(r.seconds, 0)} s)`,
    '',
  ];
  lines.push(...targetsTable(r.feeds, r.http), '');
  for (const run of r.feeds) lines.push(...feedTable(run, r.feedItems), '');
  if (r.http.length) lines.push(...httpTables(r.http, r.httpServers), '');
  lines.push(...digestTable(r.digest), '');
  return lines.join('\n');
}
