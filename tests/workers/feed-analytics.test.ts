/** Feed analytics against D1: the UPSERTs of recordFeedFetch and the admin statistics endpoint. */
import { drizzle } from 'drizzle-orm/d1';
import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { createFixedClock, systemClock } from '../../src/deps.js';
import { recordFeedFetch, type FeedStats } from '../../src/feeds/analytics.js';
import type { Db } from '../../src/storage/db.js';
import * as schema from '../../src/storage/schema.js';
import { admin, call, createArticle } from './support/api.js';

const FEEDLY = (n: number) => `Feedly/1.0 (+http://www.feedly.com/fetcher.html; ${n} subscribers; )`;
const NEWSBLUR = (n: number) => `NewsBlur Feed Fetcher - ${n} subscribers - https://www.newsblur.com/site/1/nashra`;

describe('feed analytics on D1', () => {
  it('counts concurrent fetches, keeps the latest report per aggregator, and serves them to admins', async () => {
    const db = drizzle(env.DB, { schema }) as unknown as Db;
    const article = await createArticle({ section: { name: 'تحليل', slug: 'analysis' } });
    const sectionId = await env.DB.prepare('SELECT id FROM sections WHERE slug = ?').bind('analysis').first<string>('id');

    // The endpoint reads the window from the worker's real clock; record "now" and the day before.
    const yesterday = createFixedClock(new Date(systemClock.now().getTime() - 86_400_000));
    await recordFeedFetch({ db, clock: yesterday }, 'all', 'rss', FEEDLY(100));
    const now = { db, clock: systemClock };
    await Promise.all(Array.from({ length: 20 }, () => recordFeedFetch(now, 'all', 'rss', undefined)));
    await recordFeedFetch(now, 'all', 'rss', FEEDLY(110));
    await recordFeedFetch(now, 'all', 'rss', FEEDLY(120));
    await recordFeedFetch(now, 'all', 'json', NEWSBLUR(7));
    await recordFeedFetch(now, `section:${sectionId}`, 'atom', 'Bloglines/3.1 (http://www.bloglines.com; 3 subscribers)');

    const rows = await env.DB.prepare("SELECT format, sum(fetches) AS n FROM feed_fetches WHERE feed_key = 'all' GROUP BY format ORDER BY format").all();
    expect(rows.results).toEqual([{ format: 'json', n: 1 }, { format: 'rss', n: 23 }]);

    const res = await admin('/api/admin/stats/feeds?days=3');
    expect(res.status).toBe(200);
    const stats = await res.json<FeedStats>();
    expect(stats.days).toHaveLength(3);
    const [site, section] = stats.feeds;
    expect(site).toMatchObject({
      key: 'all',
      kind: 'site',
      url: 'https://nashra.test/feed.rss',
      fetches: { total: 24, byFormat: { rss: 23, atom: 0, json: 1 } },
      subscribers: { estimate: 127 },
    });
    expect(site?.subscribers.byAggregator.map((a) => [a.aggregator, a.subscribers])).toEqual([['Feedly', 120], ['NewsBlur', 7]]);
    expect(section).toMatchObject({
      key: `section:${sectionId}`,
      kind: 'section',
      label: article.section.name,
      url: 'https://nashra.test/sections/analysis/feed.rss',
      fetches: { total: 1, byFormat: { atom: 1 } },
      subscribers: { estimate: 3, byAggregator: [{ aggregator: 'Bloglines', subscribers: 3 }] },
    });

    expect((await call('/api/admin/stats/feeds')).status).toBe(401);
    expect((await admin('/api/admin/stats/feeds?days=91')).status).toBe(400);
  });
});
