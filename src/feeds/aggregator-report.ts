/**
 * Subscriber counts that hosted feed readers put in their User-Agent when they fetch a feed
 * for many people at once. There is no standard; the formats below are the ones in use:
 *
 *   Feedly/1.0 (+http://www.feedly.com/fetcher.html; 123 subscribers; )
 *   Mozilla/5.0 (compatible; Inoreader/1.0; +https://www.inoreader.com; 45 subscribers)
 *   Inoreader/1.0 (+http://www.inoreader.com/feed-fetcher; 26 subscribers; )
 *   NewsBlur Feed Fetcher - 12 subscribers - https://www.newsblur.com/site/42/name (Mozilla/5.0 …)
 *   Mozilla/5.0 (compatible; theoldreader.com; 18 subscribers; feed-id=0719795c4d27c784217b0bc0)
 *   Feedbin feed-id:1373711 - 142 subscribers
 *   Mozilla/5.0 (compatible; BazQux/2.4; +https://bazqux.com/fetcher; 5 subscribers)
 *
 * Older and smaller services say `N subscribers` or `N readers` after their product token
 * (`Bloglines/3.1 (http://www.bloglines.com; 7 subscribers)`, `kinjabot (…; 1 Readers)`).
 * Miniflux, FreshRSS and other self-hosted readers fetch for one person and report nothing.
 */

export type AggregatorReport = { aggregator: string; subscribers: number };

/** Longer User-Agents are not read at all; real fetchers stay far below this. */
const MAX_UA_LENGTH = 512;

/**
 * Reports above this are rejected as not credible: the largest feeds on Feedly have a few
 * million followers, and scrapers posing as readers like to claim "1000000000 subscribers".
 */
export const MAX_REPORTED_SUBSCRIBERS = 10_000_000;

type KnownReader = { name: string; match: RegExp; reports: boolean };

/** Checked in order; the first match decides, whatever else the string says. */
const KNOWN_READERS: KnownReader[] = [
  { name: 'Feedly', match: /(?:^|[\s(;])Feedly\/\d/i, reports: true },
  { name: 'Inoreader', match: /(?:^|[\s(;])Inoreader\/\d|(?:^|[\s(;])inoreader\.com\b/i, reports: true },
  { name: 'NewsBlur', match: /^NewsBlur Feed Fetcher\b/i, reports: true },
  { name: 'The Old Reader', match: /(?:^|[\s(;])theoldreader\.com\b/i, reports: true },
  { name: 'Feedbin', match: /(?:^|[\s(;])Feedbin\b/i, reports: true },
  { name: 'BazQux', match: /(?:^|[\s(;])BazQux\/\d/i, reports: true },
  { name: 'Miniflux', match: /(?:^|[\s(;])Miniflux\/\d/i, reports: false },
  { name: 'FreshRSS', match: /(?:^|[\s(;])FreshRSS\/\d/i, reports: false },
];

/** Product tokens that say nothing about who is fetching. */
const GENERIC_TOKENS = new Set(['mozilla', 'applewebkit', 'khtml', 'gecko', 'chrome', 'chromium', 'safari', 'version', 'firefox', 'edg', 'edge', 'opr', 'mobile', 'trident', 'msie', 'compatible']);

/**
 * `N subscriber(s)` or `N reader(s)`: digits only, standing alone (no sign, decimal point,
 * thousands separator or letter glued to the front), then plain spaces.
 */
const COUNT = /(?<![\w.,+\-])(\d+)[ \t]+(?:subscribers?|readers?)\b/gi;

/** The one count in `ua`, or null when there is none, more than one, or it is not credible. */
function reportedCount(ua: string): number | null {
  const matches = [...ua.matchAll(COUNT)];
  if (matches.length !== 1) return null;
  const digits = (matches[0] as RegExpMatchArray)[1] as string;
  if (!/^(?:0|[1-9]\d{0,7})$/.test(digits)) return null;
  const n = Number(digits);
  return n <= MAX_REPORTED_SUBSCRIBERS ? n : null;
}

/** Names for readers outside the known list: ASCII letters, digits, `.`, `_`, `-`; at most 32. */
const NAME = '[A-Za-z][A-Za-z0-9._-]{0,31}';
const PRODUCT_TOKEN = new RegExp(`(?:^|[\\s(;])(${NAME})/\\d`, 'g');
const COMPATIBLE_TOKEN = new RegExp(`\\(compatible;\\s*(${NAME})(?=[;)\\s])`);
const LEADING_WORD = new RegExp(`^(${NAME})(?=[\\s(;]|$)`);

/** The first product token that names the fetcher (`Bloglines` in `Bloglines/3.1 (…)`). */
function productName(ua: string): string | null {
  const usable = (name: string | undefined) => (name && !GENERIC_TOKENS.has(name.toLowerCase()) ? name : null);
  for (const m of ua.matchAll(PRODUCT_TOKEN)) {
    const name = usable(m[1]);
    if (name) return name;
  }
  return usable(COMPATIBLE_TOKEN.exec(ua)?.[1]) ?? usable(LEADING_WORD.exec(ua)?.[1]);
}

/**
 * The aggregator and subscriber count a User-Agent reports, or null when it reports none (a
 * browser, a personal reader, a known reader that does not count, or anything malformed).
 * Never throws. The name is one of a fixed set or a sanitized product token, so it is safe to
 * store and show; the count is a non-negative integer up to {@link MAX_REPORTED_SUBSCRIBERS}.
 */
export function parseAggregatorReport(userAgent: string): AggregatorReport | null {
  if (typeof userAgent !== 'string' || userAgent.length > MAX_UA_LENGTH) return null;
  const ua = userAgent.trim();
  const known = KNOWN_READERS.find((r) => r.match.test(ua));
  if (known && !known.reports) return null;
  const subscribers = reportedCount(ua);
  if (subscribers === null) return null;
  const aggregator = known?.name ?? productName(ua);
  return aggregator ? { aggregator, subscribers } : null;
}

/** Whether `name` is one of the readers this module knows by name (as opposed to a guess). */
export function isKnownAggregator(name: string): boolean {
  return KNOWN_READERS.some((r) => r.reports && r.name === name);
}
