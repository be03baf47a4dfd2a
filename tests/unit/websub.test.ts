import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { pingHub } from '../../src/feeds/websub.js';
import { adminHeaders, articleBody, createTestApp, createTestDeps, type TestDeps } from '../support/deps.js';

/** A WebSub hub on loopback that records publish pings and answers as told. */
type Hub = { url: string; pings: string[]; answer: (url: string) => Promise<number> | number; close(): Promise<void> };

async function startHub(): Promise<Hub> {
  const hub: Hub = { url: '', pings: [], answer: () => 204, close: async () => {} };
  const read = async (req: IncomingMessage) => {
    let body = '';
    for await (const chunk of req) body += chunk;
    return new URLSearchParams(body);
  };
  const server: Server = createServer(async (req, res) => {
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

let hub: Hub;
let deps: TestDeps;
let app: ReturnType<typeof createTestApp>;
beforeEach(async () => {
  hub = await startHub();
  deps = createTestDeps({ config: { WEBSUB_HUB_URL: hub.url } });
  app = createTestApp(deps);
});
afterEach(async () => {
  await Promise.all(deps.deferred);
  deps.close();
  await hub.close();
});

const feedsOf = (path: string) => ['rss', 'atom', 'json'].map((f) => `https://nashra.test${path}/feed.${f}`);
const send = (method: string, path: string, body?: unknown) =>
  app.request(path, { method, headers: adminHeaders, ...(body ? { body: JSON.stringify(body) } : {}) });

describe('WebSub', () => {
  it('pings the hub once for every feed an article change touches, after the editor has the answer', async () => {
    let release!: () => void;
    const held = new Promise<number>((resolve) => (release = () => resolve(204)));
    hub.answer = () => held;
    const res = await send('POST', '/api/admin/articles', articleBody({ section: 'رأي', author: { name: 'ليلى', slug: 'layla' }, tags: ['المغرب', 'اقتصاد'] }));
    expect(res.status).toBe(201); // answered while the hub has not replied yet
    release();
    await Promise.all(deps.deferred);
    const tag = (t: string) => `/tags/${encodeURIComponent(t)}`;
    expect(hub.pings.sort()).toEqual(
      [...feedsOf(''), ...feedsOf(`/sections/${encodeURIComponent('رأي')}`), ...feedsOf('/authors/layla'), ...feedsOf(tag('المغرب')), ...feedsOf(tag('اقتصاد'))].sort(),
    );
  });

  it('pings the old and the new section when an article moves, and its feeds when it is deleted', async () => {
    const created = (await (await send('POST', '/api/admin/articles', articleBody({ section: { name: 'رأي', slug: 'opinion' }, tags: [] }))).json()) as { id: string };
    await Promise.all(deps.deferred);
    hub.pings.length = 0;
    await send('PUT', `/api/admin/articles/${created.id}`, articleBody({ section: { name: 'تحليل', slug: 'analysis' }, tags: [] }));
    await Promise.all(deps.deferred);
    expect(hub.pings).toEqual(expect.arrayContaining([...feedsOf('/sections/opinion'), ...feedsOf('/sections/analysis')]));
    hub.pings.length = 0;
    await send('DELETE', `/api/admin/articles/${created.id}`);
    await Promise.all(deps.deferred);
    expect(hub.pings.sort()).toEqual([...feedsOf(''), ...feedsOf('/sections/analysis'), ...feedsOf('/authors/said-idrissi')].sort());
  });

  it('does not ping for a draft', async () => {
    await send('POST', '/api/admin/articles', articleBody({ status: 'draft' }));
    await Promise.all(deps.deferred);
    expect(hub.pings).toEqual([]);
  });

  it('retries a ping the hub refused, and gives up after the last delay', async () => {
    const seen = new Map<string, number>();
    hub.answer = (url) => {
      seen.set(url, (seen.get(url) ?? 0) + 1);
      if (url.endsWith('/never')) return 500;
      return (seen.get(url) ?? 0) < 3 ? 503 : 204;
    };
    const failed = await pingHub(deps, ['https://nashra.test/a', 'https://nashra.test/never'], [1, 1, 1]);
    expect(failed).toEqual(['https://nashra.test/never']);
    expect(seen.get('https://nashra.test/a')).toBe(3);
    expect(seen.get('https://nashra.test/never')).toBe(4);
  });

  it('survives a hub that cannot be reached', async () => {
    await hub.close();
    await expect(pingHub(deps, ['https://nashra.test/a'], [1])).resolves.toEqual(['https://nashra.test/a']);
  });
});
