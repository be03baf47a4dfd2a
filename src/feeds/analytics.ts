/**
 * Feed analytics: how often each feed is fetched, in which format, and how many people read
 * it through hosted aggregators (from the counts they report in their User-Agent).
 * Days are UTC calendar days (`YYYY-MM-DD`) of `deps.clock`.
 */
import type { Deps } from '../deps.js';
import { AppError } from '../errors.js';
import {
  fetchCountsSince,
  incrementFeedFetch,
  latestReportsSince,
  termsByIds,
  upsertSubscriberReport,
  upsertSubscriberReportCapped,
  type TermKind,
} from '../storage/feed-stats.js';
import { isKnownAggregator, parseAggregatorReport } from './aggregator-report.js';
import { FEED_FORMATS, type FeedFormat } from './formats.js';
import { feedUrl } from './links.js';
import { siteScope, termScope, type FeedKind } from './scope.js';

export { parseAggregatorReport, type AggregatorReport } from './aggregator-report.js';

/** Readers outside the known list that may report for one feed on one day. */
const MAX_OTHER_AGGREGATORS_PER_DAY = 20;

const DAY_MS = 86_400_000;
const utcDay = (d: Date) => d.toISOString().slice(0, 10);

/**
 * Counts one fetch of a feed in a format and, when the User-Agent reports subscribers, stores
 * them as the aggregator's latest count for today. Meant to run after the response
 * (`deps.defer`); it throws what the database throws.
 */
export async function recordFeedFetch(deps: Pick<Deps, 'db' | 'clock'>, feedKey: string, format: FeedFormat, userAgent: string | undefined): Promise<void> {
  const day = utcDay(deps.clock.now());
  await incrementFeedFetch(deps.db, day, feedKey, format);
  const report = userAgent ? parseAggregatorReport(userAgent) : null;
  if (!report) return;
  const row = { day, feedKey, format, ...report };
  if (isKnownAggregator(report.aggregator)) await upsertSubscriberReport(deps.db, row);
  else await upsertSubscriberReportCapped(deps.db, row, MAX_OTHER_AGGREGATORS_PER_DAY);
}

export type FeedStatsEntry = {
  key: string;
  /** From the key; null for a key of no known shape. */
  kind: FeedKind | null;
  /** The site name, or the section's, author's or tag's name; the key itself if it is gone. */
  label: string;
  /** The feed's RSS address; null when its section, author or tag no longer exists. */
  url: string | null;
  fetches: { total: number; byDay: { day: string; fetches: number }[]; byFormat: Record<FeedFormat, number> };
  /** Sum over aggregators of each one's latest report in the window. */
  subscribers: { estimate: number; byAggregator: { aggregator: string; subscribers: number; day: string }[] };
};

export type FeedStats = { days: string[]; feeds: FeedStatsEntry[] };

/**
 * Fetches and estimated aggregator subscribers of every feed fetched or reported on in the
 * last `days` UTC days (today included), the site feed first, then by fetches. Throws
 * `invalid_request` unless `days` is a whole number from 1 to 366.
 */
export async function feedStats(deps: Pick<Deps, 'db' | 'clock' | 'config'>, opts: { days: number }): Promise<FeedStats> {
  if (!Number.isInteger(opts.days) || opts.days < 1 || opts.days > 366) throw new AppError('invalid_request', 'days must be a whole number from 1 to 366');
  const today = Date.parse(`${utcDay(deps.clock.now())}T00:00:00Z`);
  const days = Array.from({ length: opts.days }, (_, i) => utcDay(new Date(today - (opts.days - 1 - i) * DAY_MS)));
  const since = days[0] as string;
  const [counts, reports] = await Promise.all([fetchCountsSince(deps.db, since), latestReportsSince(deps.db, since)]);

  const entries = new Map<string, FeedStatsEntry>();
  const entry = (key: string) => {
    let e = entries.get(key);
    if (!e) {
      const byDay = days.map((day) => ({ day, fetches: 0 }));
      e = { key, kind: null, label: key, url: null, fetches: { total: 0, byDay, byFormat: { rss: 0, atom: 0, json: 0 } }, subscribers: { estimate: 0, byAggregator: [] } };
      entries.set(key, e);
    }
    return e;
  };
  for (const c of counts) {
    const slot = days.indexOf(c.day);
    if (slot < 0) continue; // dated after today: the clock went back
    const f = entry(c.feedKey).fetches;
    f.total += c.fetches;
    (f.byDay[slot] as { fetches: number }).fetches += c.fetches;
    if ((FEED_FORMATS as string[]).includes(c.format)) f.byFormat[c.format as FeedFormat] += c.fetches;
  }
  // An aggregator's subscribers to the RSS and the Atom URL are different people: they add up.
  for (const r of reports) {
    const s = entry(r.feedKey).subscribers;
    s.estimate += r.subscribers;
    const same = s.byAggregator.find((a) => a.aggregator === r.aggregator);
    if (same) {
      same.subscribers += r.subscribers;
      if (r.day > same.day) same.day = r.day;
    } else s.byAggregator.push({ aggregator: r.aggregator, subscribers: r.subscribers, day: r.day });
  }
  for (const e of entries.values()) e.subscribers.byAggregator.sort((a, b) => b.subscribers - a.subscribers || a.aggregator.localeCompare(b.aggregator));

  await describeFeeds(deps, [...entries.values()]);
  const feeds = [...entries.values()].sort((a, b) => Number(b.key === 'all') - Number(a.key === 'all') || b.fetches.total - a.fetches.total || a.key.localeCompare(b.key));
  return { days, feeds };
}

/** Fills in kind, label and RSS address from the key: `all`, `section:<id>`, `author:<id>`, `tag:<id>`. */
async function describeFeeds(deps: Pick<Deps, 'db' | 'config'>, entries: FeedStatsEntry[]): Promise<void> {
  const byKind = new Map<TermKind, { id: string; entry: FeedStatsEntry }[]>();
  for (const e of entries) {
    if (e.key === 'all') {
      e.kind = 'site';
      e.label = deps.config.SITE_NAME;
      e.url = feedUrl(deps.config, siteScope(deps.config), 'rss');
    }
    const m = /^(section|author|tag):(.+)$/.exec(e.key);
    if (!m) continue;
    e.kind = m[1] as TermKind;
    byKind.set(e.kind, [...(byKind.get(e.kind) ?? []), { id: m[2] as string, entry: e }]);
  }
  for (const [kind, list] of byKind) {
    const terms = await termsByIds(deps.db, kind, list.map((t) => t.id));
    for (const { id, entry } of list) {
      const term = terms.get(id);
      if (!term) continue;
      entry.label = term.name;
      entry.url = feedUrl(deps.config, termScope(deps.config, kind, { id, ...term }), 'rss');
    }
  }
}
