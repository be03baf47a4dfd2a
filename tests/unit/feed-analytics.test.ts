import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { feedStats, parseAggregatorReport, recordFeedFetch, type FeedStatsEntry } from '../../src/feeds/analytics.js';
import { authors, feedSubscriberReports, sections, tags } from '../../src/storage/schema.js';
import { adminHeaders, createTestApp, createTestDeps, type TestDeps } from '../support/deps.js';

const NEWSBLUR_BROWSER = '(Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/14.0.1 Safari/605.1.15)';
const CHROME = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36';

describe('parseAggregatorReport', () => {
  it.each([
    ['Feedly/1.0 (+http://www.feedly.com/fetcher.html; 123 subscribers; )', 'Feedly', 123],
    ['Feedly/1.0 (+https://feedly.com/poller.html; 16 subscribers; )', 'Feedly', 16],
    ['Feedly/1.0 (+http://www.feedly.com/fetcher.html; 0 subscribers; )', 'Feedly', 0],
    ['Mozilla/5.0 (compatible; Inoreader/1.0; +https://www.inoreader.com; 45 subscribers)', 'Inoreader', 45],
    ['Inoreader/1.0 (+http://www.inoreader.com/feed-fetcher; 26 subscribers; )', 'Inoreader', 26],
    ['Mozilla/5.0 (compatible; inoreader.com; 7 subscribers)', 'Inoreader', 7],
    [`NewsBlur Feed Fetcher - 12 subscribers - https://www.newsblur.com/site/6129542/nashra ${NEWSBLUR_BROWSER}`, 'NewsBlur', 12],
    [`NewsBlur Feed Fetcher - 1 subscriber - https://www.newsblur.com/site/42/x ${NEWSBLUR_BROWSER}`, 'NewsBlur', 1],
    ['Mozilla/5.0 (compatible; theoldreader.com; 18 subscribers; feed-id=0719795c4d27c784217b0bc0)', 'The Old Reader', 18],
    ['Feedbin feed-id:1373711 - 142 subscribers', 'Feedbin', 142],
    ['Feedbin - 1 subscribers', 'Feedbin', 1],
    ['Mozilla/5.0 (compatible; BazQux/2.4; +https://bazqux.com/fetcher; 5 subscribers)', 'BazQux', 5],
    // Anyone else, by product token.
    ['Bloglines/3.1 (http://www.bloglines.com; 7 subscribers)', 'Bloglines', 7],
    ['NewsGatorOnline/2.0 (http://www.newsgator.com; 20 subscribers)', 'NewsGatorOnline', 20],
    ['Mozilla/5.0 (compatible; SomeReader/2.1; +https://reader.example; 9 readers)', 'SomeReader', 9],
    ['kinjabot (http://www.kinja.com; 1 Readers)', 'kinjabot', 1],
    ['LiveJournal.com (webmaster@livejournal.com; for http://example.org/; 3 readers)', 'LiveJournal.com', 3],
  ])('reads %s', (ua, aggregator, subscribers) => {
    expect(parseAggregatorReport(ua)).toEqual({ aggregator, subscribers });
  });

  it.each([
    ['a browser', CHROME],
    ['a browser that mentions readers', `${CHROME} 5 subscribers`],
    ['Miniflux', 'Mozilla/5.0 (compatible; Miniflux/2.1.3; +https://miniflux.app)'],
    ['Miniflux, even when it claims a count', 'Miniflux/2.1.3 (+https://miniflux.app; 4 subscribers)'],
    ['FreshRSS', 'FreshRSS/1.24.3 (Linux; https://freshrss.org)'],
    ['Feedly without a count', 'Feedly/1.0 (+http://www.feedly.com/fetcher.html; like FeedFetcher-Google)'],
    ['an empty string', ''],
    ['a negative count', 'Feedly/1.0 (+http://www.feedly.com/fetcher.html; -5 subscribers; )'],
    ['a decimal count', 'Feedly/1.0 (1.5 subscribers)'],
    ['an exponent', 'Feedly/1.0 (1e9 subscribers)'],
    ['thousands separators', 'SomeReader/2.1 (1,204 readers)'],
    ['leading zeros', 'Feedly/1.0 (007 subscribers)'],
    ['Arabic-Indic digits', 'Feedly/1.0 (١٢ subscribers)'],
    ['an absurd count', 'NewsBlur Feed Fetcher - 1000000000 subscribers'],
    ['a huge number', 'Feedly/1.0 (99999999999999999999999999 subscribers)'],
    ['two counts', 'Feedly/1.0 (12 subscribers; 13 subscribers)'],
    ['a count glued to a word', 'Feedly/1.0 (5 subscribersx)'],
    ['a count across a line break', 'Feedly/1.0 (5\nsubscribers)'],
    ['markup for a name', '<script>alert(1)</script>/1.0 (5 subscribers)'],
    ['SQL for a name', "'; DROP TABLE feed_fetches; --/1.0 (5 subscribers)"],
    ['a control character in the name', 'Evil\u0000Bot (5 subscribers)'],
    ['an overlong name', `${'A'.repeat(40)}/1.0 (5 subscribers)`],
    ['an overlong User-Agent', `Feedly/1.0 (5 subscribers) ${'x'.repeat(600)}`],
    ['only a count', '5 subscribers'],
  ])('ignores %s', (_, ua) => {
    expect(parseAggregatorReport(ua)).toBeNull();
  });

  it('never names an aggregator with anything but a short, plain token', () => {
    const hostile = ['Bad Name/1.0 (5 subscribers)', 'Ünïcode/1.0 (5 subscribers)', 'a/1.0 b"c/2.0 (5 subscribers)', 'x;y/1 (2 readers)'];
    for (const ua of hostile) {
      const r = parseAggregatorReport(ua);
      if (r) expect(r.aggregator).toMatch(/^[A-Za-z][A-Za-z0-9._-]{0,31}$/);
    }
  });
});

let deps: TestDeps;
beforeEach(() => {
  deps = createTestDeps({ now: '2026-11-29T08:00:00Z' });
});
afterEach(() => deps.close());

const FEEDLY = (n: number) => `Feedly/1.0 (+http://www.feedly.com/fetcher.html; ${n} subscribers; )`;
const INOREADER = (n: number) => `Mozilla/5.0 (compatible; Inoreader/1.0; +https://www.inoreader.com; ${n} subscribers)`;
const NEWSBLUR = (n: number) => `NewsBlur Feed Fetcher - ${n} subscribers - https://www.newsblur.com/site/1/nashra`;

const feed = (stats: { feeds: FeedStatsEntry[] }, key: string) => stats.feeds.find((f) => f.key === key) as FeedStatsEntry;

describe('recordFeedFetch and feedStats', () => {
  it('counts fetches per UTC day and format, with empty days shown as zero', async () => {
    deps.clock.set('2026-11-28T23:59:59.999Z');
    await recordFeedFetch(deps, 'all', 'rss', undefined);
    deps.clock.set('2026-11-29T00:00:00Z');
    await Promise.all([1, 2, 3].map(() => recordFeedFetch(deps, 'all', 'rss', CHROME)));
    await recordFeedFetch(deps, 'all', 'json', undefined);
    await recordFeedFetch(deps, 'section:nope', 'atom', undefined);
    deps.clock.set('2026-12-01T12:00:00Z');
    await recordFeedFetch(deps, 'all', 'atom', '');

    const stats = await feedStats(deps, { days: 4 });
    expect(stats.days).toEqual(['2026-11-28', '2026-11-29', '2026-11-30', '2026-12-01']);
    expect(feed(stats, 'all').fetches).toEqual({
      total: 6,
      byDay: [{ day: '2026-11-28', fetches: 1 }, { day: '2026-11-29', fetches: 4 }, { day: '2026-11-30', fetches: 0 }, { day: '2026-12-01', fetches: 1 }],
      byFormat: { rss: 4, atom: 1, json: 1 },
    });
    expect(feed(stats, 'section:nope')).toMatchObject({ kind: 'section', label: 'section:nope', url: null, fetches: { total: 1 } });
    expect(stats.feeds.map((f) => f.key)).toEqual(['all', 'section:nope']);
    expect((await feedStats(deps, { days: 1 })).feeds.map((f) => [f.key, f.fetches.total])).toEqual([['all', 1]]);
    await expect(feedStats(deps, { days: 0 })).rejects.toMatchObject({ code: 'invalid_request' });
  });

  it('estimates subscribers as the latest report of each aggregator in the window, summed', async () => {
    deps.clock.set('2026-11-20T10:00:00Z');
    await recordFeedFetch(deps, 'all', 'rss', FEEDLY(900)); // outside a 7-day window
    deps.clock.set('2026-11-28T10:00:00Z');
    await recordFeedFetch(deps, 'all', 'rss', FEEDLY(100));
    await recordFeedFetch(deps, 'all', 'atom', INOREADER(40));
    await recordFeedFetch(deps, 'all', 'rss', NEWSBLUR(5));
    deps.clock.set('2026-11-29T09:00:00Z');
    await recordFeedFetch(deps, 'all', 'rss', FEEDLY(110));
    await recordFeedFetch(deps, 'all', 'rss', FEEDLY(120));
    await recordFeedFetch(deps, 'all', 'rss', 'Feedly/1.0 (+http://www.feedly.com/fetcher.html; -3 subscribers; )');

    const week = feed(await feedStats(deps, { days: 7 }), 'all').subscribers;
    expect(week).toEqual({
      estimate: 165,
      byAggregator: [
        { aggregator: 'Feedly', subscribers: 120, day: '2026-11-29' },
        { aggregator: 'Inoreader', subscribers: 40, day: '2026-11-28' },
        { aggregator: 'NewsBlur', subscribers: 5, day: '2026-11-28' },
      ],
    });
    expect(feed(await feedStats(deps, { days: 1 }), 'all').subscribers.estimate).toBe(120);
    expect(feed(await feedStats(deps, { days: 30 }), 'all').subscribers.estimate).toBe(165);
  });

  it('labels each feed and gives its RSS address', async () => {
    const createdAt = deps.clock.now();
    await deps.db.insert(sections).values({ id: 's1', slug: 'opinion', name: 'رأي', createdAt }).run();
    await deps.db.insert(authors).values({ id: 'a1', slug: 'said-idrissi', name: 'سعيد الإدريسي', createdAt }).run();
    await deps.db.insert(tags).values({ id: 't1', slug: 'إصلاح', name: 'إصلاح', createdAt }).run();
    for (const key of ['all', 'section:s1', 'author:a1', 'tag:t1', 'tag:t1', 'tag:gone', 'weird']) await recordFeedFetch(deps, key, 'rss', undefined);

    const stats = await feedStats(deps, { days: 7 });
    expect(stats.feeds.map(({ key, kind, label, url }) => ({ key, kind, label, url }))).toEqual([
      { key: 'all', kind: 'site', label: 'نشرة', url: 'https://nashra.test/feed.rss' },
      { key: 'tag:t1', kind: 'tag', label: 'إصلاح', url: `https://nashra.test/tags/${encodeURIComponent('إصلاح')}/feed.rss` },
      { key: 'author:a1', kind: 'author', label: 'سعيد الإدريسي', url: 'https://nashra.test/authors/said-idrissi/feed.rss' },
      { key: 'section:s1', kind: 'section', label: 'رأي', url: 'https://nashra.test/sections/opinion/feed.rss' },
      { key: 'tag:gone', kind: 'tag', label: 'tag:gone', url: null },
      { key: 'weird', kind: null, label: 'weird', url: null },
    ]);
  });

  it('keeps at most 20 unknown aggregators per feed and day, but always updates and always takes known ones', async () => {
    for (let i = 0; i < 25; i++) await recordFeedFetch(deps, 'all', 'rss', `Fake${i}/1.0 (1000 subscribers)`);
    await recordFeedFetch(deps, 'all', 'rss', 'Fake0/1.0 (3 subscribers)');
    await recordFeedFetch(deps, 'all', 'rss', FEEDLY(50));
    const rows = await deps.db.select().from(feedSubscriberReports).all();
    expect(rows).toHaveLength(21);
    expect(rows.find((r) => r.aggregator === 'Fake0')?.subscribers).toBe(3);
    expect(rows.find((r) => r.aggregator === 'Feedly')?.subscribers).toBe(50);
    expect(rows.some((r) => r.aggregator === 'Fake24')).toBe(false);
    deps.clock.advance(86_400_000);
    await recordFeedFetch(deps, 'all', 'rss', 'Fake24/1.0 (1 subscribers)');
    expect(await deps.db.select().from(feedSubscriberReports).all()).toHaveLength(22);
  });
});

describe('GET /api/admin/stats/feeds', () => {
  const get = (query: string, headers: Record<string, string> = adminHeaders) => createTestApp(deps).request(`/api/admin/stats/feeds${query}`, { headers });

  it('answers the statistics, for 7 days by default', async () => {
    await recordFeedFetch(deps, 'all', 'rss', FEEDLY(12));
    const res = await get('');
    expect(res.status).toBe(200);
    const body = (await res.json()) as { days: string[]; feeds: FeedStatsEntry[] };
    expect(body.days).toHaveLength(7);
    expect(body.days.at(-1)).toBe('2026-11-29');
    expect(body.feeds).toEqual([expect.objectContaining({ key: 'all', fetches: expect.objectContaining({ total: 1 }), subscribers: expect.objectContaining({ estimate: 12 }) })]);
    expect((await (await get('?days=90')).json()) as { days: string[] }).toMatchObject({ days: expect.arrayContaining(['2026-09-01']) });
  });

  it('refuses a request without the admin token', async () => {
    const res = await get('?days=7', {});
    expect(res.status).toBe(401);
    expect(await res.json()).toMatchObject({ error: { code: 'unauthorized' } });
  });

  it.each(['0', '91', '-1', '1.5', 'abc', ''])('answers days=%j with 400', async (days) => {
    const res = await get(`?days=${days}`);
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ error: { code: 'invalid_request' } });
  });
});

describe('feed fetches are counted as readers fetch them', () => {
  it('counts each fetch of a feed, 304s included, and reads the aggregator report', async () => {
    const deps = createTestDeps({ now: '2026-11-29T10:00:00Z' });
    const app = createTestApp(deps);
    try {
      const feedly = 'Feedly/1.0 (+http://www.feedly.com/fetcher.html; 42 subscribers; )';
      const first = await app.request('/feed.rss', { headers: { 'user-agent': feedly } });
      await app.request('/feed.rss', { headers: { 'user-agent': feedly, 'if-none-match': first.headers.get('etag')! } });
      await app.request('/feed.json');
      await Promise.all(deps.deferred);
      const res = await app.request('/api/admin/stats/feeds?days=1', { headers: adminHeaders });
      const site = ((await res.json()) as { feeds: { key: string; fetches: { total: number }; subscribers: { estimate: number } }[] }).feeds.find((f) => f.key === 'all');
      expect(site?.fetches.total).toBe(3);
      expect(site?.subscribers.estimate).toBe(42);
    } finally {
      await deps.close();
    }
  });
});

describe('subscriber reports per format', () => {
  it('adds up what one aggregator reports for the RSS and the Atom address of a feed', async () => {
    const deps = createTestDeps({ now: '2026-11-29T10:00:00Z' });
    try {
      const ua = (n: number) => `Feedly/1.0 (+http://www.feedly.com/fetcher.html; ${n} subscribers; )`;
      await recordFeedFetch(deps, 'all', 'rss', ua(100));
      await recordFeedFetch(deps, 'all', 'atom', ua(20));
      await recordFeedFetch(deps, 'all', 'rss', ua(101)); // the latest RSS count replaces the first
      const { feeds } = await feedStats(deps, { days: 1 });
      const site = feeds.find((f) => f.key === 'all');
      expect(site?.subscribers.estimate).toBe(121);
      expect(site?.subscribers.byAggregator).toEqual([{ aggregator: 'Feedly', subscribers: 121, day: '2026-11-29' }]);
    } finally {
      await deps.close();
    }
  });
});
