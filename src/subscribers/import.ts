/**
 * Importing subscribers from a CSV file: people who opted in elsewhere, added as confirmed
 * with consent source `import`, and sent nothing. Rows are read one at a time and written in
 * batches. A row is skipped, with its line number, when it is invalid, repeats an address met
 * earlier in the file, belongs to an existing subscriber (left exactly as they are, so no one
 * who unsubscribed is subscribed again) or is on the suppression list. Addresses are compared
 * without regard to case.
 */
import type { Deps } from '../deps.js';
import { AppError } from '../errors.js';
import type { SubscriberRow } from '../storage/schema.js';
import { allEmailKeys, insertNewSubscribers, suppressedKeys } from '../storage/subscribers-admin.js';
import { addressKey } from './address-key.js';
import type { CsvRecord } from './csv.js';
import { readImportHeader, readImportRow, type ImportedFields } from './import-row.js';

export type SkipReason = 'invalid' | 'duplicate' | 'existing' | 'suppressed';
export type ImportIssue = { line: number; reason: SkipReason; message: string };

export type ImportReport = {
  dryRun: boolean;
  /** Rows after the header, blank ones not counted. */
  rowsRead: number;
  /** Subscribers added (with `dryRun`: that would be added). */
  imported: number;
  skipped: Record<SkipReason, number>;
  /** Skipped rows by line, at most `maxIssues` of them (the first met). */
  issues: ImportIssue[];
  /** Skipped rows beyond `maxIssues` (counted, not listed). */
  issuesOmitted: number;
  /** Header columns that are not import columns. */
  ignoredColumns: string[];
};

export type ImportOptions = {
  /** Check everything, write nothing. */
  dryRun?: boolean;
  /** Where these people gave consent, for rows without a `consent_source` cell. */
  consentNote?: string;
  /** Rows written per batch, and rows between two progress reports. */
  batchSize?: number;
  maxIssues?: number;
  onProgress?(report: Readonly<ImportReport>): void;
};

type ImportDeps = Pick<Deps, 'db' | 'clock' | 'ids' | 'config'>;
type Pending = { line: number; fields: ImportedFields };

/**
 * Imports the records of a CSV file, the first being the header (see `readImportHeader`).
 * Throws `invalid_request` for an empty file or a header without `email`, and whatever the records throw
 * (a `CsvError` for a broken file): rows of earlier batches stay imported, and importing the
 * file again skips them as existing.
 */
export async function importSubscribers(deps: ImportDeps, records: AsyncIterable<CsvRecord>, opts: ImportOptions = {}): Promise<ImportReport> {
  const batchSize = opts.batchSize ?? 500;
  const maxIssues = opts.maxIssues ?? 1000;
  const now = deps.clock.now();
  const report: ImportReport = {
    dryRun: !!opts.dryRun, rowsRead: 0, imported: 0, issues: [], issuesOmitted: 0, ignoredColumns: [],
    skipped: { invalid: 0, duplicate: 0, existing: 0, suppressed: 0 },
  };
  const skip: Skip = (line, reason, message) => {
    report.skipped[reason]++;
    if (report.issues.length < maxIssues) report.issues.push({ line, reason, message });
    else report.issuesOmitted++;
    return false;
  };
  const existing = new Set<string>();
  for await (const keys of allEmailKeys(deps.db)) for (const k of keys) existing.add(k);
  const firstLine = new Map<string, number>();
  const defaults = {
    now, timezone: deps.config.DIGEST_TIMEZONE, hour: deps.config.DIGEST_HOUR, weekday: deps.config.DIGEST_WEEKDAY, consentNote: opts.consentNote?.trim() || null,
  };
  let header: ReturnType<typeof readImportHeader> | undefined;
  let pending: Pending[] = [];

  const flush = async () => {
    const batch = pending;
    pending = [];
    await writeBatch(deps, batch, report, skip, now);
    opts.onProgress?.(report);
  };

  for await (const record of records) {
    if (!header) {
      header = readImportHeader(record.fields);
      report.ignoredColumns = header.ignored;
      continue;
    }
    if (record.fields.every((f) => f.trim() === '')) continue;
    report.rowsRead++;
    const row = readImportRow(record.fields, header, defaults);
    if ('skip' in row) skip(record.line, row.skip, row.message);
    else {
      const key = row.email.toLowerCase();
      const seenAt = firstLine.get(key);
      if (seenAt !== undefined) skip(record.line, 'duplicate', `same address as line ${seenAt}`);
      else {
        firstLine.set(key, record.line);
        if (existing.has(key)) skip(record.line, 'existing', 'already a subscriber; left as is');
        else if (row.suppressedElsewhere) skip(record.line, 'suppressed', 'suppressed where the file came from');
        else pending.push({ line: record.line, fields: row });
      }
    }
    if (pending.length >= batchSize || report.rowsRead % batchSize === 0) await flush();
  }
  if (!header) throw new AppError('invalid_request', 'The file is empty: the first row must name the columns, one of them "email"');
  await flush();
  report.issues.sort((a, b) => a.line - b.line);
  return report;
}

type Skip = (line: number, reason: SkipReason, message: string) => false;

/** Writes a batch (or, in a dry run, counts it), skipping suppressed addresses and any that exist by now. */
async function writeBatch(deps: ImportDeps, batch: Pending[], report: ImportReport, skip: Skip, now: Date): Promise<void> {
  const keys = await Promise.all(batch.map((p) => addressKey(deps.config.SECRET_KEY, p.fields.email)));
  const suppressed = await suppressedKeys(deps.db, keys);
  const fresh = batch.filter((p, i) => !suppressed.has(keys[i] as string) || skip(p.line, 'suppressed', 'on the suppression list'));
  const rows = fresh.map((p) => newSubscriber(deps, p.fields, now));
  if (report.dryRun) {
    report.imported += rows.length;
    return;
  }
  const inserted = await insertNewSubscribers(deps.db, rows);
  report.imported += inserted.size;
  // Signed up between the check and the write: left as they are.
  rows.forEach((r, i) => inserted.has(r.id) || skip((fresh[i] as Pending).line, 'existing', 'already a subscriber (signed up during the import); left as is'));
}

function newSubscriber(deps: ImportDeps, f: ImportedFields, now: Date): SubscriberRow {
  return {
    id: deps.ids.next(),
    email: f.email,
    name: f.name,
    status: 'confirmed',
    frequency: f.frequency,
    timezone: f.timezone,
    preferredHour: f.preferredHour,
    preferredWeekday: f.preferredWeekday,
    segmentKey: 'all',
    locale: f.locale,
    createdAt: now,
    updatedAt: now,
    confirmedAt: now,
    unsubscribedAt: null,
    confirmationSentAt: null,
    consentAt: f.consentAt,
    consentIp: f.consentIp,
    // The consent record's "through what": for an import, where the reader opted in.
    consentUserAgent: f.consentNote ? `import: ${f.consentNote}` : null,
    consentSource: 'import',
    consentPolicyVersion: deps.config.CONSENT_POLICY_VERSION,
    softBounces: 0,
    suppressedAt: null,
    erasedAt: null,
  };
}
