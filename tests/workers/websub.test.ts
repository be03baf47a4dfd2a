/**
 * WebSub publishing inside workerd: the outbox in D1, written by the admin API's request and
 * emptied by the request's background attempt or by the Cron handler. The hub is the worker's
 * own outgoing `fetch`, answered here: nothing leaves the test.
 */
import { createExecutionContext, createScheduledController, waitOnExecutionContext } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { WorkerEnv } from '../../src/adapters/worker-deps.js';
import worker from '../../src/worker.js';
import { articleInput, type ArticleJson } from './support/api.js';
import { envWith, fetchWorker } from './support/feeds.js';

const HUB = 'https://hub.test/websub';
const MINUTE = 60_000;

type PingRow = { url: string; due_at: number; next_attempt_at: number; attempts: number; last_error: string | null };
const outbox = async () => (await env.DB.prepare('SELECT * FROM websub_pings ORDER BY url, due_at').all<PingRow>()).results;

/** What the hub was sent (`hub.url` of each publish request), and how it answers. */
let pings: string[];
let answer: (url: string) => number;
let testEnv: WorkerEnv;
beforeEach(() => {
  pings = [];
  answer = () => 204;
  testEnv = envWith({ WEBSUB_HUB_URL: HUB });
  vi.spyOn(globalThis, 'fetch').mockImplementation(async (input, init) => {
    const request = new Request(input, init);
    if (request.url !== HUB) throw new Error(`unexpected request to ${request.url}`);
    const form = await request.formData();
    if (request.method !== 'POST' || form.get('hub.mode') !== 'publish') return new Response(null, { status: 400 });
    const url = form.get('hub.url') as string;
    pings.push(url);
    return new Response(null, { status: answer(url) });
  });
});
afterEach(() => {
  vi.restoreAllMocks();
});

async function createArticle(overrides: Record<string, unknown> = {}): Promise<ArticleJson> {
  const { res, body } = await fetchWorker(
    '/api/admin/articles',
    { method: 'POST', headers: { authorization: `Bearer ${env.ADMIN_TOKEN}`, 'content-type': 'application/json' }, body: JSON.stringify(articleInput(overrides)) },
    testEnv,
  );
  if (res.status !== 201) throw new Error(`create article: ${res.status} ${body}`);
  return JSON.parse(body) as ArticleJson;
}

/** Runs the every-minute Cron Trigger as if it fired at `at`, and waits for its background work. */
async function runPingsCron(at: number): Promise<void> {
  const ctx = createExecutionContext();
  await worker.scheduled(createScheduledController({ scheduledTime: new Date(at), cron: '* * * * *' }), testEnv, ctx);
  await waitOnExecutionContext(ctx);
}

const feedsOf = (path: string) => ['rss', 'atom', 'json'].map((f) => `https://nashra.test${path}/feed.${f}`);
const ARTICLE_FEEDS = [...feedsOf(''), ...feedsOf('/sections/opinion'), ...feedsOf('/authors/layla-benali')].sort();

describe('WebSub on Workers', () => {
  it("pings every feed of a new article in the request's background work, and leaves no row behind", async () => {
    await createArticle();
    expect(pings.sort()).toEqual(ARTICLE_FEEDS);
    expect(await outbox()).toEqual([]);
  });

  it('keeps what the hub refused in D1, and the Cron handler delivers it after the backoff', async () => {
    answer = () => 503;
    await createArticle();
    const rows = await outbox();
    expect(rows.map((r) => r.url)).toEqual(ARTICLE_FEEDS);
    for (const row of rows) {
      expect(row).toMatchObject({ attempts: 1, last_error: 'HTTP 503' });
      expect(row.next_attempt_at - row.due_at).toBeGreaterThanOrEqual(MINUTE);
    }

    pings = [];
    answer = () => 204;
    const retryAt = Math.max(...rows.map((r) => r.next_attempt_at));
    await runPingsCron(retryAt - MINUTE / 2);
    expect(pings).toEqual([]);
    await runPingsCron(retryAt);
    expect(pings.sort()).toEqual(ARTICLE_FEEDS);
    expect(await outbox()).toEqual([]);
  });

  it('pings the feeds of an article scheduled for later from the Cron handler, at its time and not before', async () => {
    const due = Date.now() + 60 * MINUTE;
    await createArticle({ publishedAt: new Date(due).toISOString() });
    expect(pings).toEqual([]);
    expect((await outbox()).map((r) => [r.url, r.due_at, r.attempts])).toEqual(ARTICLE_FEEDS.map((url) => [url, due, 0]));

    await runPingsCron(due - MINUTE);
    expect(pings).toEqual([]);
    // Two overlapping runs (the 15-minute trigger fires in the same minute): one ping per feed.
    await Promise.all([runPingsCron(due), runPingsCron(due)]);
    expect(pings.sort()).toEqual(ARTICLE_FEEDS);
    expect(await outbox()).toEqual([]);
  });

  it('records nothing without a hub', async () => {
    testEnv = { ...env };
    await createArticle();
    expect(pings).toEqual([]);
    expect(await outbox()).toEqual([]);
  });
});
