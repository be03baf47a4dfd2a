/**
 * Uncached feed generation: the query alone (baseline), `getFeed` per format, and the
 * same through the Hono app in-process (routing, ETag hashing, headers, Response), all in
 * interleaved rounds, across all article counts at once, so their ratios survive a noisy machine.
 * An archive page from the middle of the series is timed too: with fixed page bounds it reads
 * only its own rows, whatever the size of the database.
 */
import type { App } from '../src/app.js';
import type { Deps } from '../src/deps.js';
import type { FeedFormat } from '../src/feeds/build.js';
import { siteScope } from '../src/feeds/scope.js';
import { getFeed } from '../src/feeds/service.js';
import { latestPublished } from '../src/storage/articles.js';
import { getFeedState } from '../src/storage/feed-state.js';
import { interleave, summarize, type Case, type Summary } from './stats.js';

const FORMATS: FeedFormat[] = ['rss', 'atom', 'json'];
export const WARMUP_ROUNDS = 20;

export type FeedRow = {
  name: string;
  kind: 'query' | 'part' | 'direct' | 'http' | 'http304';
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

type Planned = { rows: Omit<FeedRow, 'stats'>[]; cases: Case[] };

/** The cases for one database; case names carry `tag` so several databases can share the rounds. */
async function feedCases(deps: Deps, app: App, tag: string): Promise<Planned> {
  const limit = deps.config.FEED_ITEMS;
  const probe = await latestPublished(deps.db, limit);
  if (probe.length !== limit) throw new Error(`expected ${limit} feed items, the database has ${probe.length}`);
  const rows: Omit<FeedRow, 'stats'>[] = [];
  const cases: Case[] = [];
  const add = (row: Omit<FeedRow, 'stats'>, run: Case['run']) => {
    rows.push(row);
    cases.push({ name: `${tag} ${row.name}`, run });
  };
  add({ name: `latestPublished(db, ${limit})`, kind: 'query' }, () => latestPublished(deps.db, limit));
  const scope = siteScope(deps.config);
  for (const format of FORMATS) {
    const bytes = (await getFeed(deps, scope, format)).body.length;
    add({ name: `getFeed(site, '${format}'), uncached`, kind: 'direct', format, bytes }, () => getFeed(deps, scope, format));
  }
  // The first render above added the archive pages; take one from the middle of the series.
  const middle = Math.max(1, Math.floor((await getFeedState(deps.db, scope.key)).archivePages / 2));
  const archiveBytes = (await getFeed(deps, scope, 'rss', middle)).body.length;
  add({ name: `getFeed(site, 'rss', middle archive page), uncached`, kind: 'direct', format: 'rss', bytes: archiveBytes }, () => getFeed(deps, scope, 'rss', middle));
  for (const format of FORMATS) {
    const path = `/feed.${format}`;
    add({ name: `GET ${path}`, kind: 'http', format, bytes: await httpGet(app, path) }, () => httpGet(app, path));
  }
  // A reader polling with the ETag it already has: still renders and hashes the whole feed.
  const etag = (await app.request('/feed.rss')).headers.get('etag') ?? '';
  add({ name: 'GET /feed.rss If-None-Match → 304', kind: 'http304', format: 'rss', bytes: 0 }, () => httpGet(app, '/feed.rss', { 'if-none-match': etag }, 304));
  return { rows, cases };
}

/**
 * Runs the feed cases of every database (one per article count) together, for `rounds`
 * interleaved rounds, so the counts are compared side by side too. Returns the rows of each
 * database in order; throws if a feed is short or a status is wrong.
 */
export async function measureFeeds(sets: { deps: Deps; app: App }[], rounds: number): Promise<FeedRow[][]> {
  const planned: Planned[] = [];
  for (const [i, { deps, app }] of sets.entries()) planned.push(await feedCases(deps, app, `#${i}`));
  const samples = await interleave(planned.flatMap((p) => p.cases), rounds, WARMUP_ROUNDS);
  return planned.map((p, i) => p.rows.map((row) => ({ ...row, stats: summarize(samples.get(`#${i} ${row.name}`) ?? []) })));
}
