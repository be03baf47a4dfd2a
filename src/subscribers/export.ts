/**
 * Subscribers as a CSV file for spreadsheets: every column, the consent record included, read
 * from the database a page at a time into a ReadableStream (both runtimes), so the table is
 * never held in memory. UTF-8 with a byte order mark, so Excel shows Arabic names as they are;
 * cells a spreadsheet would run as a formula are defused (OWASP "CSV injection").
 */
import type { Deps } from '../deps.js';
import { listSubscriberPage, type AdminSubscriberRow, type SubscriberFilter } from '../storage/subscribers-admin.js';
import { formatCsvRow } from './csv.js';

const iso = (d: Date | null) => d?.toISOString() ?? '';

/** Column name and value, in file order; new columns go at the end, so files read by position keep working. */
const COLUMNS: [string, (s: AdminSubscriberRow) => string][] = [
  ['id', (s) => s.id],
  ['email', (s) => s.email],
  ['name', (s) => s.name ?? ''],
  ['status', (s) => s.status],
  ['frequency', (s) => s.frequency],
  ['timezone', (s) => s.timezone],
  ['preferred_hour', (s) => String(s.preferredHour)],
  ['locale', (s) => s.locale],
  ['sections', (s) => s.sections.join(' ')],
  ['authors', (s) => s.authors.join(' ')],
  ['soft_bounces', (s) => String(s.softBounces)],
  ['created_at', (s) => iso(s.createdAt)],
  ['updated_at', (s) => iso(s.updatedAt)],
  ['confirmation_sent_at', (s) => iso(s.confirmationSentAt)],
  ['confirmed_at', (s) => iso(s.confirmedAt)],
  ['unsubscribed_at', (s) => iso(s.unsubscribedAt)],
  ['suppressed_at', (s) => iso(s.suppressedAt)],
  ['erased_at', (s) => iso(s.erasedAt)],
  ['consent_at', (s) => iso(s.consentAt)],
  ['consent_ip', (s) => s.consentIp ?? ''],
  ['consent_user_agent', (s) => s.consentUserAgent ?? ''],
  ['consent_source', (s) => s.consentSource],
  ['consent_policy_version', (s) => s.consentPolicyVersion],
  ['consent_confirmed_at', (s) => iso(s.confirmedAt)],
  ['preferred_weekday', (s) => String(s.preferredWeekday)],
];

/** The names of the exported columns, in order. */
export const EXPORT_COLUMNS = COLUMNS.map(([name]) => name);

/**
 * Rows read per page while exporting. A page costs two queries, and a Worker invocation may make
 * 1,000 D1 queries (50 on the free plan): one export covers up to about 500,000 subscribers.
 */
export const EXPORT_PAGE_SIZE = 1000;

/**
 * A cell a spreadsheet would read as a formula (starting with `=` `+` `-` `@`, tab or CR) gets
 * a leading apostrophe, so it is shown as text and never run.
 */
export function defuseFormula(cell: string): string {
  return /^[=+\-@\t\r]/.test(cell) ? `'${cell}` : cell;
}

/** One subscriber as a CSV line. */
export function subscriberCsvLine(s: AdminSubscriberRow): string {
  return formatCsvRow(COLUMNS.map(([, value]) => defuseFormula(value(s))));
}

/**
 * The subscribers matching `filter`, newest first, as UTF-8 CSV bytes: a byte order mark and
 * the header row first, then a page of rows per pull. A subscriber who signs up during the
 * export is not in it (pages follow ids downwards from the newest at the start).
 */
export function exportSubscribersCsv(deps: Pick<Deps, 'db' | 'log'>, filter: SubscriberFilter): ReadableStream<Uint8Array> {
  const enc = new TextEncoder();
  let beforeId: string | undefined;
  let started = false;
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (!started) {
        started = true;
        controller.enqueue(enc.encode(`\uFEFF${formatCsvRow(EXPORT_COLUMNS)}`));
        return;
      }
      try {
        const { items, hasMore } = await listSubscriberPage(deps.db, filter, { limit: EXPORT_PAGE_SIZE, beforeId });
        if (items.length > 0) controller.enqueue(enc.encode(items.map(subscriberCsvLine).join('')));
        beforeId = items[items.length - 1]?.id;
        if (!hasMore) controller.close();
      } catch (err) {
        deps.log.error('subscriber export failed', { error: String(err) });
        controller.error(err);
      }
    },
  });
}
