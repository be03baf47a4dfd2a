/**
 * WebSub publishing: after an article change, tell the hub (WEBSUB_HUB_URL) which feeds
 * changed, so subscribers' readers fetch them at once instead of at their next poll. Runs in
 * the background (`defer`: `waitUntil` on Workers), never in the editor's request, and retries
 * a failed ping with backoff.
 */
import { inArray } from 'drizzle-orm';
import type { Deps } from '../deps.js';
import { authors, sections, tags } from '../storage/schema.js';
import { FEED_FORMATS } from './formats.js';
import { feedUrl } from './links.js';
import { siteScope, termScope, type FeedScope } from './scope.js';

export type WebSubDeps = Pick<Deps, 'db' | 'config' | 'log' | 'fetch'>;

const TABLES = { section: sections, author: authors, tag: tags } as const;

/** The scopes behind feed keys (`all`, `section:<id>`, …); keys of deleted terms are dropped. */
async function scopesOf(deps: Pick<Deps, 'db' | 'config'>, keys: string[]): Promise<FeedScope[]> {
  const scopes: FeedScope[] = [];
  if (keys.includes('all')) scopes.push(siteScope(deps.config));
  for (const kind of ['section', 'author', 'tag'] as const) {
    const ids = keys.filter((k) => k.startsWith(`${kind}:`)).map((k) => k.slice(kind.length + 1));
    if (ids.length === 0) continue;
    const table = TABLES[kind];
    const terms = await deps.db.select({ id: table.id, slug: table.slug, name: table.name }).from(table).where(inArray(table.id, ids)).all();
    for (const term of terms) scopes.push(termScope(deps.config, kind, term));
  }
  return scopes;
}

/** Every feed URL (each format of each scope) behind the given feed keys. */
export async function feedUrlsOf(deps: Pick<Deps, 'db' | 'config'>, keys: string[]): Promise<string[]> {
  const scopes = await scopesOf(deps, [...new Set(keys)]);
  return scopes.flatMap((scope) => FEED_FORMATS.map((format) => feedUrl(deps.config, scope, format)));
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Pings the hub once for each URL (`hub.mode=publish`), retrying each failure after the given
 * delays. Returns the URLs the hub never accepted; logs them. Never throws.
 */
export async function pingHub(deps: WebSubDeps, urls: string[], retryDelaysMs = [1_000, 5_000, 30_000]): Promise<string[]> {
  const hub = deps.config.WEBSUB_HUB_URL;
  if (!hub) return [];
  const failed: string[] = [];
  await Promise.all(
    urls.map(async (url) => {
      for (let attempt = 0; ; attempt++) {
        const error = await publish(deps, hub, url);
        if (!error) return;
        if (attempt >= retryDelaysMs.length) {
          deps.log.warn('websub ping failed', { hub, url, error, attempts: attempt + 1 });
          failed.push(url);
          return;
        }
        await sleep(retryDelaysMs[attempt] as number);
      }
    }),
  );
  return failed;
}

/** One publish request; returns why it failed, or undefined when the hub accepted it (2xx). */
async function publish(deps: WebSubDeps, hub: string, url: string): Promise<string | undefined> {
  try {
    const res = await deps.fetch(hub, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ 'hub.mode': 'publish', 'hub.url': url }).toString(),
    });
    await res.body?.cancel();
    return res.ok ? undefined : `HTTP ${res.status}`;
  } catch (err) {
    return err instanceof Error ? err.message : String(err);
  }
}

/** After an article change: ping the hub for every affected feed, in the background. */
export function announceFeedChanges(deps: WebSubDeps & Pick<Deps, 'defer'>, keys: string[]): void {
  if (!deps.config.WEBSUB_HUB_URL || keys.length === 0) return;
  deps.defer(async () => pingHub(deps, await feedUrlsOf(deps, keys)));
}
