/**
 * WebSub publishing: after an article change, tell the hub (WEBSUB_HUB_URL) which feeds
 * changed (`hub.mode=publish`, one POST per feed URL), so subscribers' readers fetch them at
 * once instead of at their next poll.
 *
 * Every ping goes through an outbox table (`websub_pings`), so none is lost to a restart or to
 * the end of a Worker's `waitUntil`. The request that changes an article records one row per
 * feed URL right after saving it (a single insert, not left to the background): due now for
 * the feeds that change now, and due at a scheduled article's publication time for the feeds
 * it will join then. The rows due now are tried once in the background (`defer`); the
 * scheduler tick ({@link deliverDuePings}) sends whatever else is due: rows a background
 * attempt never reached, failed rows whose backoff is over, scheduled rows whose time has come.
 * The insert is not part of the article's own batch, so that batch stays the same with or
 * without a hub; should it fail, the article is saved and the error is logged.
 *
 * A sender takes rows with a conditional update that pushes their next attempt back before it
 * pings: two ticks never ping the same row, and a sender that dies leaves its rows to be
 * retried when that hold ends. Rows for one URL taken together share one ping, at most
 * CONCURRENCY at a time. The hub accepting (2xx) deletes the rows; a failure is retried after
 * 1, 5 and 30 minutes, 2 and 6 hours, and then logged and dropped; a 4xx answer other than
 * 408 and 429 means the hub will never take it, and is dropped with a log at once.
 */
import type { Deps } from '../deps.js';
import { settlePings, takeDuePings, takePings, recordPings, type PingKey, type TakenPing } from '../storage/websub-pings.js';
import { termsByIds } from '../storage/taxonomy.js';
import { FEED_FORMATS } from './formats.js';
import { feedUrl } from './links.js';
import { siteScope, termScope, type FeedScope } from './scope.js';

export type WebSubDeps = Pick<Deps, 'db' | 'config' | 'log' | 'fetch' | 'clock'>;

const MINUTE = 60_000;
/** Wait after the n-th failed attempt; after the last, the ping is dropped. */
const RETRY_AFTER_MS = [MINUTE, 5 * MINUTE, 30 * MINUTE, 120 * MINUTE, 360 * MINUTE];
export const MAX_ATTEMPTS = RETRY_AFTER_MS.length + 1;
/** How long a taken row is held: its backoff, and a minute on the last attempt. */
const HOLDS_MS = [...RETRY_AFTER_MS, MINUTE];
const CONCURRENCY = 4;
const TIMEOUT_MS = 10_000;
/**
 * Rows taken at once. Pinged CONCURRENCY at a time, each within TIMEOUT_MS, a batch is done in
 * 40 s, before the shortest hold (a minute) would let another sender take its rows.
 */
const BATCH = 16;
/** Batches one scheduler tick sends at most; the next tick takes the rest. */
const BATCHES_PER_TICK = 8;

/** The scopes behind feed keys (`all`, `section:<id>`, …); keys of deleted terms are dropped. */
async function scopesOf(deps: Pick<Deps, 'db' | 'config'>, keys: string[]): Promise<FeedScope[]> {
  const scopes: FeedScope[] = [];
  if (keys.includes('all')) scopes.push(siteScope(deps.config));
  for (const kind of ['section', 'author', 'tag'] as const) {
    const ids = keys.filter((k) => k.startsWith(`${kind}:`)).map((k) => k.slice(kind.length + 1));
    if (ids.length === 0) continue;
    for (const term of await termsByIds(deps.db, kind, ids)) scopes.push(termScope(deps.config, kind, term));
  }
  return scopes;
}

/** Every feed URL (each format of each scope) behind the given feed keys. */
export async function feedUrlsOf(deps: Pick<Deps, 'db' | 'config'>, keys: string[]): Promise<string[]> {
  const scopes = await scopesOf(deps, [...new Set(keys)]);
  return scopes.flatMap((scope) => FEED_FORMATS.map((format) => feedUrl(deps.config, scope, format)));
}

/** Feeds an article is in (keys), and when it shows in them: its publication time. */
export type FeedPlacement = { feeds: string[]; from: Date | null | undefined };

/**
 * After an article change, records the pings it calls for, before the request ends, and tries
 * those due now in the background. `placements` are where the article was and where it is:
 * a feed changes now, or at the publication time of an article scheduled for later (a ping
 * for that time is already recorded when the article was scheduled, and is kept). Does
 * nothing without a hub. Never throws: a failure to record is logged.
 */
export async function announceFeedChanges(deps: WebSubDeps & Pick<Deps, 'defer'>, placements: FeedPlacement[]): Promise<void> {
  if (!deps.config.WEBSUB_HUB_URL) return;
  const now = deps.clock.now();
  const feedsAt = new Map<number, string[]>();
  for (const { feeds, from } of placements) {
    if (feeds.length === 0) continue;
    const at = Math.max(now.getTime(), from?.getTime() ?? 0);
    feedsAt.set(at, [...(feedsAt.get(at) ?? []), ...feeds]);
  }
  if (feedsAt.size === 0) return;
  const pings: PingKey[] = [];
  try {
    for (const [at, feeds] of feedsAt) for (const url of await feedUrlsOf(deps, feeds)) pings.push({ url, dueAt: new Date(at) });
    await recordPings(deps.db, pings);
  } catch (err) {
    deps.log.error('websub pings not recorded', { error: errorText(err), pings: pings.length });
    return;
  }
  const dueNow = pings.filter((p) => p.dueAt.getTime() === now.getTime()).map((p) => p.url);
  if (dueNow.length > 0) {
    // A failure here loses nothing: the rows stay for the scheduler tick.
    deps.defer(() => sendRecorded(deps, dueNow, now).catch((err) => deps.log.error('websub first attempt failed', { error: errorText(err) })));
  }
}

/** The first attempt at pings recorded due at `dueAt`, BATCH rows at a time. */
async function sendRecorded(deps: WebSubDeps, urls: string[], dueAt: Date): Promise<void> {
  const hub = deps.config.WEBSUB_HUB_URL as string;
  for (let i = 0; i < urls.length; i += BATCH) {
    await attempt(deps, hub, await takePings(deps.db, urls.slice(i, i + BATCH), dueAt, deps.clock.now(), HOLDS_MS));
  }
}

/** Recorded pings sent, failed (kept for a later attempt) and dropped. */
export type DeliverySummary = { sent: number; failed: number; dropped: number };

/**
 * One scheduler tick: pings the hub for the recorded pings due at `now` (up to
 * BATCHES_PER_TICK batches). Safe to run concurrently with itself and with a request's
 * background attempt. Throws only when the database does.
 */
export async function deliverDuePings(deps: WebSubDeps, now: Date): Promise<DeliverySummary> {
  const summary: DeliverySummary = { sent: 0, failed: 0, dropped: 0 };
  const hub = deps.config.WEBSUB_HUB_URL;
  if (!hub) return summary;
  for (let n = 0; n < BATCHES_PER_TICK; n++) {
    // A long tick holds later batches from when they are taken, not from when it began.
    const at = new Date(Math.max(now.getTime(), deps.clock.now().getTime()));
    const batch = await takeDuePings(deps.db, at, BATCH, HOLDS_MS);
    const outcome = await attempt(deps, hub, batch);
    for (const key of Object.keys(summary) as (keyof DeliverySummary)[]) summary[key] += outcome[key];
    if (batch.length < BATCH) break;
  }
  if (summary.sent + summary.failed + summary.dropped > 0) deps.log.info('websub pings delivered', summary);
  return summary;
}

/** Pings the hub once per URL among `taken`, CONCURRENCY at a time, and records the outcome. */
async function attempt(deps: WebSubDeps, hub: string, taken: TakenPing[]): Promise<DeliverySummary> {
  const summary: DeliverySummary = { sent: 0, failed: 0, dropped: 0 };
  const finished: PingKey[] = [];
  const failed: (PingKey & { error: string })[] = [];
  const byUrl = new Map<string, TakenPing[]>();
  for (const ping of taken) {
    // Its last attempt never reported back (the sender stopped): that attempt counts.
    if (ping.attempts > MAX_ATTEMPTS) {
      deps.log.warn('websub ping dropped', { hub, url: ping.url, attempts: MAX_ATTEMPTS, error: 'no outcome recorded' });
      finished.push(ping);
      summary.dropped++;
    } else byUrl.set(ping.url, [...(byUrl.get(ping.url) ?? []), ping]);
  }
  await eachLimited([...byUrl], CONCURRENCY, async ([url, rows]) => {
    const result = await publish(deps, hub, url);
    if (result.ok) {
      finished.push(...rows);
      summary.sent += rows.length;
      return;
    }
    for (const row of rows) {
      if (result.final || row.attempts >= MAX_ATTEMPTS) {
        deps.log.warn('websub ping dropped', { hub, url, attempts: row.attempts, error: result.error });
        finished.push(row);
        summary.dropped++;
      } else {
        failed.push({ ...row, error: result.error });
        summary.failed++;
      }
    }
  });
  await settlePings(deps.db, finished, failed);
  return summary;
}

/** Runs `task` on every item, at most `limit` at a time. */
async function eachLimited<T>(items: T[], limit: number, task: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await task(items[next++] as T);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

type Published = { ok: true } | { ok: false; error: string; final: boolean };

/** One publish request. `final`: the hub refused it in a way that retrying will not change. */
async function publish(deps: WebSubDeps, hub: string, url: string): Promise<Published> {
  try {
    const res = await deps.fetch(hub, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ 'hub.mode': 'publish', 'hub.url': url }).toString(),
      signal: AbortSignal.timeout(TIMEOUT_MS),
    });
    await res.body?.cancel();
    if (res.ok) return { ok: true };
    const final = res.status >= 400 && res.status < 500 && res.status !== 408 && res.status !== 429;
    return { ok: false, error: `HTTP ${res.status}`, final };
  } catch (err) {
    return { ok: false, error: errorText(err), final: false };
  }
}

/** An error's message, with its cause's ("fetch failed" says little without "ECONNREFUSED"). */
function errorText(err: unknown): string {
  if (!(err instanceof Error)) return String(err).slice(0, 500);
  const cause = err.cause instanceof Error ? ` (${err.cause.message})` : '';
  return `${err.message}${cause}`.slice(0, 500);
}
