/**
 * The `nashra subscribers …` commands: import a CSV file (progress and a summary on stderr)
 * and export subscribers as CSV to stdout.
 */
import { createReadStream, statSync } from 'node:fs';
import type { Deps } from './deps.js';
import { isAppError } from './errors.js';
import { subscriberFilterSchema } from './subscribers/admin.js';
import { CsvError, csvRecords } from './subscribers/csv.js';
import { exportSubscribersCsv } from './subscribers/export.js';
import { importSubscribers, type ImportReport } from './subscribers/import.js';
import { parseOrThrow } from './validation.js';

/** Options of the subscriber commands, for `parseArgs`. */
export const SUBSCRIBER_OPTIONS = {
  'dry-run': { type: 'boolean' },
  'consent-note': { type: 'string' },
  status: { type: 'string' },
  frequency: { type: 'string' },
  locale: { type: 'string' },
  source: { type: 'string' },
  suppressed: { type: 'string' },
  q: { type: 'string' },
} as const;

type Values = Partial<Record<keyof typeof SUBSCRIBER_OPTIONS, string | boolean>>;

/** A progress line at most every second, and at least every PROGRESS_ROWS rows. */
const PROGRESS_MS = 1000;
const PROGRESS_ROWS = 10_000;
/** Skipped rows listed per reason other than `invalid`. */
const SAMPLE = 20;

function progressLine(r: Readonly<ImportReport>): string {
  const s = r.skipped;
  const skipped = s.invalid + s.duplicate + s.existing + s.suppressed;
  return `${r.rowsRead} rows read, ${r.imported} ${r.dryRun ? 'to import' : 'imported'}, ${skipped} skipped (invalid ${s.invalid}, duplicate ${s.duplicate}, existing ${s.existing}, suppressed ${s.suppressed})`;
}

function printSummary(file: string, r: ImportReport): void {
  const lines = [
    r.dryRun ? `Dry run of ${file}: nothing was written.` : `Imported ${file}.`,
    `  rows read:   ${r.rowsRead}`,
    `  ${r.dryRun ? 'to import: ' : 'imported:  '}  ${r.imported} as confirmed subscribers (no email is sent)`,
    `  invalid:     ${r.skipped.invalid}`,
    `  duplicate:   ${r.skipped.duplicate} (the same address earlier in the file)`,
    `  existing:    ${r.skipped.existing} (already subscribers, left as they are)`,
    `  suppressed:  ${r.skipped.suppressed} (on the suppression list)`,
  ];
  if (r.ignoredColumns.length) lines.push(`Ignored columns: ${r.ignoredColumns.join(', ')}`);
  if (r.issues.length) lines.push('Skipped rows:');
  // Every invalid row (they are the ones to fix), a sample of the others.
  for (const reason of ['invalid', 'duplicate', 'existing', 'suppressed'] as const) {
    const listed = r.issues.filter((i) => i.reason === reason).slice(0, reason === 'invalid' ? Infinity : SAMPLE);
    lines.push(...listed.map((i) => `  line ${i.line}: ${i.reason}: ${i.message}`));
    const more = r.skipped[reason] - listed.length;
    if (listed.length && more > 0) lines.push(`  … and ${more} more ${reason}`);
  }
  console.error(lines.join('\n'));
}

/** `subscribers import <file>`: 0 when the file was read to the end, 1 when it could not be. */
export async function importSubscribersFile(deps: Deps, file: string, values: Values): Promise<number> {
  try {
    if (!statSync(file).isFile()) throw new Error('not a file');
  } catch {
    console.error(`nashra: cannot read ${file}`);
    return 1;
  }
  let lastAt = Date.now();
  let lastRows = 0;
  let latest: Readonly<ImportReport> | undefined;
  const onProgress = (r: Readonly<ImportReport>) => {
    latest = r;
    if (Date.now() - lastAt < PROGRESS_MS && r.rowsRead - lastRows < PROGRESS_ROWS) return;
    lastAt = Date.now();
    lastRows = r.rowsRead;
    console.error(`importing: ${progressLine(r)}`);
  };
  try {
    const report = await importSubscribers(deps, csvRecords(createReadStream(file, { highWaterMark: 256 * 1024 })), {
      dryRun: values['dry-run'] === true,
      consentNote: typeof values['consent-note'] === 'string' ? values['consent-note'] : undefined,
      onProgress,
    });
    printSummary(file, report);
    return 0;
  } catch (err) {
    if (!(err instanceof CsvError) && !isAppError(err)) throw err;
    console.error(`nashra: ${file}: ${err.message}`);
    if (latest && !latest.dryRun) console.error(`Stopped there: ${progressLine(latest)}. Importing the file again skips what is already in.`);
    return 1;
  }
}

/** Resolves at the first of these events (an `error` is handled by the caller's listener). */
function settled(stream: NodeJS.WriteStream, events: string[]): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      for (const e of events) stream.off(e, done);
      resolve();
    };
    for (const e of events) stream.once(e, done);
  });
}

/** `subscribers export`: CSV to stdout, read from the database a page at a time. */
export async function exportSubscribers(deps: Deps, values: Values): Promise<number> {
  const query = Object.fromEntries((['status', 'frequency', 'locale', 'source', 'suppressed', 'q'] as const).filter((k) => values[k] !== undefined).map((k) => [k, values[k]]));
  let filter;
  try {
    filter = parseOrThrow(subscriberFilterSchema, query);
  } catch (err) {
    if (!isAppError(err)) throw err;
    console.error(`nashra: ${err.message}`);
    return 2;
  }
  const reader = exportSubscribersCsv(deps, filter).getReader();
  const out = process.stdout;
  let closed = false; // the reader of stdout went away (`| head`): stop quietly
  const onError = () => void (closed = true);
  out.on('error', onError);
  try {
    while (!closed) {
      const { done, value } = await reader.read();
      if (done) break;
      if (!out.write(value)) await settled(out, ['drain', 'close', 'error']);
    }
    // The command exits right after: let the last bytes reach a pipe first.
    if (!closed) await new Promise<void>((resolve) => out.write('', () => resolve()));
  } finally {
    out.off('error', onError);
    if (closed) await reader.cancel();
  }
  return 0;
}
