import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { deliverDuePings, MAX_ATTEMPTS } from '../../src/feeds/websub.js';
import { websubPings } from '../../src/storage/schema.js';
import { recordPings, takeDuePings } from '../../src/storage/websub-pings.js';
import { adminHeaders, articleBody, createTestApp, createTestDeps, type TestDeps } from '../support/deps.js';

/**
 * A WebSub hub on loopback that records publish pings, answers as told, and measures how many
 * requests it has in hand at once.
 */
type Hub = {
  url: string;
  pings: string[];
  answer: (url: string) => Promise<number> | number;
  inFlight: number;
  maxInFlight: number;
  close(): Promise<void>;
};

async function startHub(): Promise<Hub> {
  const hub: Hub = { url: '', pings: [], answer: () => 204, inFlight: 0, maxInFlight: 0, close: async () => {} };
  const read = async (req: IncomingMessage) => {
    let body = '';
    for await (const chunk of req) body += chunk;
    return new URLSearchParams(body);
  };
  const server: Server = createServer(async (req, res) => {
    hub.maxInFlight = Math.max(hub.maxInFlight, ++hub.inFlight);
    res.on('close', () => void hub.inFlight--);
    const form = await read(req);
    if (form.get('hub.mode') !== 'publish' || req.headers['content-type'] !== 'application/x-www-form-urlencoded') res.statusCode = 400;
    else {
      const url = form.get('hub.url') as string;
      hub.pings.push(url);
      res.statusCode = await hub.answer(url);
    }
    res.end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  hub.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  hub.close = () => new Promise((resolve) => server.close(() => resolve()));
  return hub;
}

const MINUTE = 60_000;
const slowly = (status: number, ms = 15) => () => new Promise<number>((resolve) => setTimeout(() => resolve(status), ms));

let hub: Hub;
let deps: TestDeps;
let app: ReturnType<typeof createTestApp>;
let warnings: { msg: string; fields?: Record<string, unknown> }[];
beforeEach(async () => {
  hub = await startHub();
  deps = createTestDeps({ config: { WEBSUB_HUB_URL: hub.url } });
  warnings = [];
  deps.log = { ...deps.log, warn: (msg, fields) => void warnings.push({ msg, fields }) };
  app = createTestApp(deps);
});
afterEach(async () => {
  await settled();
  await deps.close();
  await hub.close();
});

/** Waits for the background work handed to `defer` so far. */
async function settled(): Promise<void> {
  await Promise.all(deps.deferred);
  deps.deferred.length = 0;
}

const feedsOf = (path: string) => ['rss', 'atom', 'json'].map((f) => `https://nashra.test${path}/feed.${f}`);
const tag = (t: string) => `/tags/${encodeURIComponent(t)}`;
/** The feeds of an article as `articleBody` makes it, tagged `tags`. */
const articleFeeds = (tags = ['إصلاح']) => [...feedsOf(''), ...feedsOf('/sections/opinion'), ...feedsOf('/authors/said-idrissi'), ...tags.flatMap((t) => feedsOf(tag(t)))];
const send = (method: string, path: string, body?: unknown) =>
  app.request(path, { method, headers: adminHeaders, ...(body ? { body: JSON.stringify(body) } : {}) });
const outbox = () => deps.db.select().from(websubPings).orderBy(websubPings.url, websubPings.dueAt).all();
const tick = () => deliverDuePings(deps, deps.clock.now());

describe('WebSub: pings after an article change', () => {
  it('pings the hub once for every feed an article change touches, after the editor has the answer', async () => {
    let release!: () => void;
    const held = new Promise<number>((resolve) => (release = () => resolve(204)));
    hub.answer = () => held;
    const res = await send('POST', '/api/admin/articles', articleBody({ section: 'رأي', author: { name: 'ليلى', slug: 'layla' }, tags: ['المغرب', 'اقتصاد'] }));
    expect(res.status).toBe(201); // answered while the hub has not replied yet
    expect(await outbox()).toHaveLength(15); // recorded in the request, before any ping
    release();
    await settled();
    expect(hub.pings.sort()).toEqual(
      [...feedsOf(''), ...feedsOf(`/sections/${encodeURIComponent('رأي')}`), ...feedsOf('/authors/layla'), ...feedsOf(tag('المغرب')), ...feedsOf(tag('اقتصاد'))].sort(),
    );
    expect(await outbox()).toEqual([]);
  });

  it('pings the old and the new section when an article moves, and its feeds when it is deleted', async () => {
    const created = (await (await send('POST', '/api/admin/articles', articleBody({ section: { name: 'رأي', slug: 'opinion' }, tags: [] }))).json()) as { id: string };
    await settled();
    hub.pings.length = 0;
    await send('PUT', `/api/admin/articles/${created.id}`, articleBody({ section: { name: 'تحليل', slug: 'analysis' }, tags: [] }));
    await settled();
    expect(hub.pings.sort()).toEqual([...feedsOf(''), ...feedsOf('/sections/opinion'), ...feedsOf('/sections/analysis'), ...feedsOf('/authors/said-idrissi')].sort());
    hub.pings.length = 0;
    await send('DELETE', `/api/admin/articles/${created.id}`);
    await settled();
    expect(hub.pings.sort()).toEqual([...feedsOf(''), ...feedsOf('/sections/analysis'), ...feedsOf('/authors/said-idrissi')].sort());
  });

  it('neither pings nor records anything for a draft', async () => {
    await send('POST', '/api/admin/articles', articleBody({ status: 'draft' }));
    await settled();
    expect(hub.pings).toEqual([]);
    expect(await outbox()).toEqual([]);
  });

  it('records nothing and pings nobody without a hub', async () => {
    const plain = createTestDeps();
    try {
      const res = await createTestApp(plain).request('/api/admin/articles', { method: 'POST', headers: adminHeaders, body: JSON.stringify(articleBody()) });
      expect(res.status).toBe(201);
      expect(plain.deferred).toEqual([]);
      expect(await plain.db.select().from(websubPings).all()).toEqual([]);
      await recordPings(plain.db, [{ url: 'https://nashra.test/feed.rss', dueAt: plain.clock.now() }]);
      expect(await deliverDuePings(plain, plain.clock.now())).toEqual({ sent: 0, failed: 0, dropped: 0 });
    } finally {
      await plain.close();
    }
  });

  it('pings at most four feeds at a time, however many an article is in', async () => {
    const tags = Array.from({ length: 20 }, (_, i) => `وسم-${i}`);
    hub.answer = slowly(204);
    await send('POST', '/api/admin/articles', articleBody({ tags }));
    await settled();
    expect(new Set(hub.pings)).toEqual(new Set(articleFeeds(tags)));
    expect(hub.pings).toHaveLength(69);
    expect(hub.maxInFlight).toBe(4);

    // The same bound when the tick sends them again.
    hub.pings.length = 0;
    hub.maxInFlight = 0;
    await recordPings(deps.db, articleFeeds(tags).map((url) => ({ url, dueAt: deps.clock.now() })));
    expect(await tick()).toEqual({ sent: 69, failed: 0, dropped: 0 });
    expect(hub.pings).toHaveLength(69);
    expect(hub.maxInFlight).toBe(4);
  });
});

describe('WebSub: the outbox', () => {
  it('keeps a ping the hub refused, and the tick delivers it once its backoff is over', async () => {
    hub.answer = () => 503;
    await send('POST', '/api/admin/articles', articleBody());
    await settled();
    const start = deps.clock.now().getTime();
    const rows = await outbox();
    expect(rows.map((r) => r.url)).toEqual([...articleFeeds()].sort());
    for (const row of rows) expect(row).toMatchObject({ attempts: 1, lastError: 'HTTP 503', nextAttemptAt: new Date(start + MINUTE) });

    hub.pings.length = 0;
    hub.answer = () => 204;
    deps.clock.advance(MINUTE - 1);
    expect(await tick()).toEqual({ sent: 0, failed: 0, dropped: 0 });
    expect(hub.pings).toEqual([]);
    deps.clock.advance(1);
    expect(await tick()).toEqual({ sent: 12, failed: 0, dropped: 0 });
    expect(hub.pings.sort()).toEqual([...articleFeeds()].sort());
    expect(await outbox()).toEqual([]);
  });

  it('backs off 1, 5, 30 minutes, 2 and 6 hours, then drops the ping with a warning', async () => {
    const url = 'https://nashra.test/feed.rss';
    hub.answer = () => 500;
    await recordPings(deps.db, [{ url, dueAt: deps.clock.now() }]);
    const waits: number[] = [];
    for (let n = 1; n <= MAX_ATTEMPTS; n++) {
      const before = deps.clock.now().getTime();
      await tick();
      const [row] = await outbox();
      if (!row) break;
      expect(row).toMatchObject({ attempts: n, lastError: 'HTTP 500' });
      waits.push(row.nextAttemptAt.getTime() - before);
      deps.clock.set(row.nextAttemptAt);
    }
    expect(waits).toEqual([1, 5, 30, 120, 360].map((m) => m * MINUTE));
    expect(hub.pings).toEqual(Array(MAX_ATTEMPTS).fill(url));
    expect(await outbox()).toEqual([]);
    expect(warnings).toEqual([{ msg: 'websub ping dropped', fields: { hub: hub.url, url, attempts: MAX_ATTEMPTS, error: 'HTTP 500' } }]);
  });

  it('drops at once a ping the hub rejects for good, and retries one it turns away for now', async () => {
    hub.answer = (url) => (url.endsWith('/gone') ? 410 : 429);
    const now = deps.clock.now();
    await recordPings(deps.db, [
      { url: 'https://nashra.test/gone', dueAt: now },
      { url: 'https://nashra.test/busy', dueAt: now },
    ]);
    expect(await tick()).toEqual({ sent: 0, failed: 1, dropped: 1 });
    expect((await outbox()).map((r) => [r.url, r.lastError])).toEqual([['https://nashra.test/busy', 'HTTP 429']]);
    expect(warnings.map((w) => [w.msg, w.fields?.url])).toEqual([['websub ping dropped', 'https://nashra.test/gone']]);
  });

  it('keeps pings when the hub cannot be reached', async () => {
    await hub.close();
    await send('POST', '/api/admin/articles', articleBody());
    await settled();
    const rows = await outbox();
    expect(rows).toHaveLength(12);
    for (const row of rows) expect(row).toMatchObject({ attempts: 1, lastError: expect.any(String) });
  });

  it('two ticks at once ping each due row once', async () => {
    hub.answer = slowly(204);
    const now = deps.clock.now();
    await recordPings(deps.db, articleFeeds().map((url) => ({ url, dueAt: now })));
    const [a, b] = await Promise.all([tick(), tick()]);
    expect(a.sent + b.sent).toBe(12);
    expect(hub.pings.sort()).toEqual([...articleFeeds()].sort());
  });

  it('a tick running beside the first attempt does not ping the same feed twice', async () => {
    hub.answer = slowly(204);
    await send('POST', '/api/admin/articles', articleBody());
    await Promise.all([tick(), settled()]);
    expect(hub.pings.sort()).toEqual([...articleFeeds()].sort());
    expect(await outbox()).toEqual([]);
  });

  it('retries a ping whose sender stopped once its hold is over, and gives up on one that had its last attempt', async () => {
    const now = deps.clock.now();
    await recordPings(deps.db, [{ url: 'https://nashra.test/a', dueAt: now }]);
    expect(await takeDuePings(deps.db, now, 10, [MINUTE])).toHaveLength(1); // taken, then nothing recorded
    expect(await tick()).toEqual({ sent: 0, failed: 0, dropped: 0 });
    deps.clock.advance(MINUTE);
    expect(await tick()).toEqual({ sent: 1, failed: 0, dropped: 0 });
    expect(hub.pings).toEqual(['https://nashra.test/a']);

    await recordPings(deps.db, [{ url: 'https://nashra.test/b', dueAt: deps.clock.now() }]);
    for (let n = 0; n < MAX_ATTEMPTS; n++) await takeDuePings(deps.db, deps.clock.now(), 10, [0]);
    expect(await tick()).toEqual({ sent: 0, failed: 0, dropped: 1 });
    expect(hub.pings).toEqual(['https://nashra.test/a']);
    expect(await outbox()).toEqual([]);
  });
});

describe('WebSub: articles scheduled for later', () => {
  const LATER = '2026-11-29T10:00:00.000Z'; // the clock starts at 08:00

  it('pings the feeds an article joins when it goes live, not before', async () => {
    const res = await send('POST', '/api/admin/articles', articleBody({ publishedAt: LATER }));
    expect(res.status).toBe(201);
    await settled();
    expect(hub.pings).toEqual([]); // nothing visible has changed yet
    const rows = await outbox();
    expect(rows.map((r) => r.url)).toEqual([...articleFeeds()].sort());
    for (const row of rows) expect(row).toMatchObject({ dueAt: new Date(LATER), attempts: 0 });

    deps.clock.set(new Date(new Date(LATER).getTime() - 1));
    expect(await tick()).toEqual({ sent: 0, failed: 0, dropped: 0 });
    expect(hub.pings).toEqual([]);
    deps.clock.set(new Date(new Date(LATER).getTime() + 30_000)); // the next tick after it
    expect(await tick()).toEqual({ sent: 12, failed: 0, dropped: 0 });
    expect(hub.pings.sort()).toEqual([...articleFeeds()].sort());
    expect(await outbox()).toEqual([]);
  });

  it('keeps a ping due later beside one due now for the same feed, and one per feed and time', async () => {
    hub.answer = () => 503; // the ping due now stays in the outbox
    await send('POST', '/api/admin/articles', articleBody({ tags: [] }));
    await send('POST', '/api/admin/articles', articleBody({ title: 'مقال لاحق', tags: [], publishedAt: LATER }));
    await send('POST', '/api/admin/articles', articleBody({ title: 'مقال لاحق آخر', tags: [], publishedAt: LATER }));
    await settled();
    const site = (await outbox()).filter((r) => r.url === 'https://nashra.test/feed.rss');
    expect(site.map((r) => [r.dueAt.toISOString(), r.attempts])).toEqual([
      [deps.clock.now().toISOString(), 1],
      [LATER, 0],
    ]);
  });

  it('pings now the feeds an article leaves when it is moved to later', async () => {
    const created = (await (await send('POST', '/api/admin/articles', articleBody({ tags: [] }))).json()) as { id: string };
    await settled();
    hub.pings.length = 0;
    await send('PUT', `/api/admin/articles/${created.id}`, articleBody({ tags: [], publishedAt: LATER }));
    await settled();
    expect(hub.pings.sort()).toEqual([...articleFeeds([])].sort());
    expect((await outbox()).map((r) => r.dueAt.toISOString())).toEqual(Array(9).fill(LATER));
  });
});
