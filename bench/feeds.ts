/**
 * Uncached feed generation: the query alone (baseline), `getFeed` per format, and the
 * same through the Hono app in-process (routing, ETag hashing, headers, Response), all in
 * interleaved rounds so their ratios survive a noisy machine.
 */
import type { App } from '../src/app.js';
import type { Deps } from '../src/deps.js';
import type { FeedFormat } from '../src/feeds/build.js';
import { siteScope } from '../src/feeds/scope.js';
import { getFeed } from '../src/feeds/service.js';
import { latestPublished } from '../src/storage/articles.js';
import { interleave, summarize, type Case, type Summary } from './stats.js';

export const QUERY = 'query';
const FORMATS: FeedFormat[] = ['rss', 'atom', 'json'];
export const WARMUP_ROUNDS = 20;

export type FeedRow = {
  name: string;
  kind: 'query' | 'direct' | 'http' | 'http304';
  format?: FeedFormat;
  bytes?: number;
  stats: Summary;
};

async function httpGet(app: App, path: string, headers: Record<string, string> = {}, expect = 200): Promise<number> {
  const res = await app.request(path, { headers });
  const body = await res.arrayBuffer();
  if (res.status !== expect) throw new Error(`GET ${path}: expected ${expect}, got ${res.status}`);
  return body.byteLength;
}

/** Runs the feed cases for `rounds` interleaved rounds; throws if a feed is short or a status is wrong. */
export async function measureFeeds(deps: Deps, app: App, rounds: number): Promise<FeedRow[]> {
  const limit = deps.config.FEED_ITEMS;
  const probe = await latestPublished(deps.db, limit);
  if (probe.length !== limit) throw new Error(`expected ${limit} feed items, the database has ${probe.length}`);

  const rows: Omit<FeedRow, 'stats'>[] = [{ name: `latestPublished(db, ${limit})`, kind: 'query' }];
  const cases: Case[] = [{ name: rows[0]!.name, run: () => latestPublished(deps.db, limit) }];
  for (const format of FORMATS) {
    const scope = siteScope(deps.config);
    const bytes = Buffer.byteLength((await getFeed(deps, scope, format)).body, 'utf8');
    const name = `getFeed(site, '${format}'), uncached`;
    rows.push({ name, kind: 'direct', format, bytes });
    cases.push({ name, run: () => getFeed(deps, scope, format) });
  }
  for (const format of FORMATS) {
    const path = `/feed.${format}`;
    const bytes = await httpGet(app, path);
    rows.push({ name: `GET ${path}`, kind: 'http', format, bytes });
    cases.push({ name: `GET ${path}`, run: () => httpGet(app, path) });
  }
  // A reader polling with the ETag it already has: still renders and hashes the whole feed.
  const etag = (await app.request('/feed.rss')).headers.get('etag') ?? '';
  const name304 = 'GET /feed.rss If-None-Match → 304';
  rows.push({ name: name304, kind: 'http304', format: 'rss', bytes: 0 });
  cases.push({ name: name304, run: () => httpGet(app, '/feed.rss', { 'if-none-match': etag }, 304) });

  const samples = await interleave(cases, rounds, WARMUP_ROUNDS);
  return rows.map((row) => ({ ...row, stats: summarize(samples.get(row.name) ?? []) }));
}
