/**
 * The `nashra digest status|pause|resume|cancel` commands: editions with their progress, one
 * line each, and the editors' status changes from a terminal.
 */
import type { Deps } from './deps.js';
import { cancelEdition, pauseEdition, recentEditions, resumeEdition, type EditionView } from './digests/admin.js';
import { isAppError } from './errors.js';
import type { DeliveryCounts } from './storage/editions-admin.js';

/** Options of the digest commands, for `parseArgs`. */
export const DIGEST_OPTIONS = { limit: { type: 'string' } } as const;

export const DIGEST_USAGE = `  digest status [--limit N]    recent editions (default 10), open ones first, with their
                               progress and anything stuck
  digest pause|resume|cancel <edition id>
                               hold an edition, let it go on, or call it off (its readers
                               not yet sent to get nothing)`;

const BAR_WIDTH = 20;

/** What one line shows of an edition. */
export type EditionLine = {
  id: string;
  cadence: string;
  periodKey: string;
  /** `all`, or the slugs of the sections and authors its readers follow. */
  segment: string;
  status: string;
  counts: DeliveryCounts;
  stuck: boolean;
  problems: string[];
};

/** `[########............]` for settled out of total: full blocks and shade on a terminal, ASCII otherwise. */
export function progressBar(settled: number, total: number, unicode: boolean, width = BAR_WIDTH): string {
  const filled = total > 0 ? Math.min(width, Math.floor((settled * width) / total)) : 0;
  const [on, off] = unicode ? ['█', '░'] : ['#', '.'];
  return `[${on.repeat(filled)}${off.repeat(width - filled)}]`;
}

/** Deliveries that reached an end: submitted, bounced, failed or skipped. */
export const settledOf = (c: DeliveryCounts) => c.submitted + c.bounced + c.failed + c.skipped;

/**
 * One line for an edition, e.g. `<id>  daily   2026-11-29  all  sending    [########............]  41%
 * submitted 410 · bounced 2 · failed 1 · skipped 3 · pending 584  (of 1000)`, then `STUCK:` and
 * its problems when it stopped moving (`!` when it only has failures).
 */
export function formatEditionLine(e: EditionLine, opts: { unicode: boolean; segmentWidth?: number }): string {
  const c = e.counts;
  const settled = settledOf(c);
  const pct = c.total > 0 ? `${Math.floor((settled * 100) / c.total)}%` : '-';
  const parts = [`submitted ${c.submitted}`, `bounced ${c.bounced}`, `failed ${c.failed}`, `skipped ${c.skipped}`];
  if (c.sending > 0) parts.push(`sending ${c.sending}`);
  parts.push(`pending ${c.pending}`);
  const tally = c.total > 0 ? `${parts.join(' · ')}  (of ${c.total})` : e.status === 'skipped' ? 'nothing new: not sent' : 'no deliveries yet';
  const cols = [e.id, e.cadence.padEnd(6), e.periodKey.padEnd(10), e.segment.padEnd(opts.segmentWidth ?? 0), e.status.padEnd(9)];
  let line = `${cols.join('  ')}  ${progressBar(settled, c.total, opts.unicode)}  ${pct.padStart(4)}  ${tally}`;
  if (e.problems.length) line += `  ${e.stuck ? 'STUCK' : '!'}: ${e.problems.join('; ')}`;
  return line;
}

/** `all`, or `s:opinion,economy a:layla` for the sections and authors the segment's readers chose. */
export function segmentLabel(segment: EditionView['segment']): string {
  if (segment.key === 'all') return 'all';
  const parts: string[] = [];
  if (segment.sections.length) parts.push(`s:${segment.sections.map((t) => t.slug).join(',')}`);
  if (segment.authors.length) parts.push(`a:${segment.authors.map((t) => t.slug).join(',')}`);
  return parts.join(' ') || segment.key;
}

const lineOf = (v: EditionView): EditionLine => ({
  id: v.edition.id,
  cadence: v.edition.cadence,
  periodKey: v.edition.periodKey,
  segment: segmentLabel(v.segment),
  status: v.edition.status,
  counts: v.counts,
  stuck: v.stuck,
  problems: v.problems,
});

/** Where the commands write; a test gives its own. */
export type CliIo = { print(line: string): void; error(line: string): void; unicode: boolean };

const consoleIo = (): CliIo => ({ print: (l) => console.log(l), error: (l) => console.error(l), unicode: Boolean(process.stdout.isTTY) });

const ACTIONS = { pause: pauseEdition, resume: resumeEdition, cancel: cancelEdition } as const;

/**
 * Runs `digest <args>` (without `run`, which stays in cli.ts). Returns the exit code: 0 done,
 * 1 refused (unknown edition, a change its status does not allow), 2 bad usage; undefined when
 * the arguments are no digest command of this file.
 */
export async function runDigestCli(deps: Deps, args: string[], values: { limit?: string }, io: CliIo = consoleIo()): Promise<number | undefined> {
  const [sub, ...rest] = args;
  if (sub === 'status' && rest.length === 0) {
    const limit = Number(values.limit ?? 10);
    if (!Number.isInteger(limit) || limit < 1 || limit > 100) {
      io.error('--limit must be a whole number from 1 to 100');
      return 2;
    }
    const lines = (await recentEditions(deps, limit)).map(lineOf);
    if (lines.length === 0) io.print('No editions yet.');
    const segmentWidth = Math.max(0, ...lines.map((l) => l.segment.length));
    for (const l of lines) io.print(formatEditionLine(l, { unicode: io.unicode, segmentWidth }));
    return 0;
  }
  if (sub && sub in ACTIONS && rest.length === 1) {
    try {
      const view = await ACTIONS[sub as keyof typeof ACTIONS](deps, rest[0] as string);
      io.print(formatEditionLine(lineOf(view), { unicode: io.unicode }));
      return 0;
    } catch (err) {
      if (!isAppError(err)) throw err;
      io.error(`nashra: ${err.message}`);
      return 1;
    }
  }
  return undefined;
}
