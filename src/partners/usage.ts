/** What partners used: requests, items and bytes per UTC day, as JSON or CSV. */
import type { Deps } from '../deps.js';
import { AppError } from '../errors.js';
import { partnerUsageBetween } from '../storage/partner-usage.js';
import { findPartner } from './service.js';

const DAY_MS = 86_400_000;
/** Days shown when the request names none: the last 30, today included. */
export const DEFAULT_USAGE_DAYS = 30;
export const MAX_USAGE_DAYS = 366;

export type UsageDay = { day: string; requests: number; items: number; bytes: number };
export type UsageReport = {
  partner: { id: string; slug: string; name: string };
  from: string;
  to: string;
  days: UsageDay[];
  totals: { requests: number; items: number; bytes: number };
};

const utcDay = (ms: number) => new Date(ms).toISOString().slice(0, 10);
const dayMs = (day: string) => Date.parse(`${day}T00:00:00Z`);

/**
 * The partner's usage from `from` to `to` (UTC days, `YYYY-MM-DD`, both included; default the
 * last 30 days to today), one entry per day, days without requests as zeros. Throws
 * `not_found`, and `invalid_request` when `from` is after `to` or the span passes 366 days.
 */
export async function partnerUsageReport(deps: Pick<Deps, 'db' | 'clock'>, idOrSlug: string, range: { from?: string; to?: string }): Promise<UsageReport> {
  const partner = await findPartner(deps, idOrSlug);
  const to = range.to ?? utcDay(deps.clock.now().getTime());
  const from = range.from ?? utcDay(dayMs(to) - (DEFAULT_USAGE_DAYS - 1) * DAY_MS);
  const span = (dayMs(to) - dayMs(from)) / DAY_MS + 1;
  if (!(span >= 1)) throw new AppError('invalid_request', '"from" must not be after "to"');
  if (span > MAX_USAGE_DAYS) throw new AppError('invalid_request', `At most ${MAX_USAGE_DAYS} days at once`);
  const rows = new Map((await partnerUsageBetween(deps.db, partner.id, from, to)).map((r) => [r.day, r]));
  const days = Array.from({ length: span }, (_, i) => {
    const day = utcDay(dayMs(from) + i * DAY_MS);
    const r = rows.get(day);
    return { day, requests: r?.requests ?? 0, items: r?.items ?? 0, bytes: r?.bytes ?? 0 };
  });
  const totals = days.reduce((t, d) => ({ requests: t.requests + d.requests, items: t.items + d.items, bytes: t.bytes + d.bytes }), { requests: 0, items: 0, bytes: 0 });
  return { partner: { id: partner.id, slug: partner.slug, name: partner.name }, from, to, days, totals };
}

/** The report as CSV (RFC 4180, CRLF line ends): a header line, then one line per day. */
export function usageCsv(report: UsageReport): string {
  const lines = ['day,requests,items,bytes', ...report.days.map((d) => `${d.day},${d.requests},${d.items},${d.bytes}`)];
  return `${lines.join('\r\n')}\r\n`;
}
