import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { findSubscriberById } from '../../src/storage/subscribers.js';
import { addressKey } from '../../src/subscribers/address-key.js';
import { isSuppressed, suppressAddress } from '../../src/subscribers/suppression.js';
import { adminHeaders, createTestApp, createTestDeps, type TestDeps } from '../support/deps.js';
import { addSubscriber } from '../support/fixtures.js';

let deps: TestDeps;
let app: ReturnType<typeof createTestApp>;
beforeEach(() => {
  deps = createTestDeps();
  app = createTestApp(deps);
});
afterEach(() => deps.close());

const PATH = '/api/admin/suppressions';
const call = (path: string, method = 'GET', body?: unknown) =>
  app.request(path, { method, headers: adminHeaders, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
type Entry = { addressKey: string; reason: string; source: string; detail: string | null; createdAt: string };

describe('admin suppression list', () => {
  it('refuses requests without the admin token', async () => {
    for (const method of ['GET', 'POST', 'DELETE']) {
      const res = await app.request(`${PATH}?email=a@example.com`, { method, headers: { 'content-type': 'application/json' }, body: method === 'POST' ? '{"email":"a@example.com"}' : undefined });
      expect(res.status, method).toBe(401);
    }
    const wrong = await app.request(PATH, { headers: { authorization: 'Bearer wrong-token-0123456789' } });
    expect(wrong.status).toBe(401);
    expect(await isSuppressed(deps, 'a@example.com')).toBe(false);
  });

  it('adds an address by hand (201), keeps the first entry when it is listed already (200)', async () => {
    const s = await addSubscriber(deps, { email: 'reader@example.com' });
    const res = await call(PATH, 'POST', { email: 'Reader@Example.com', detail: 'asked by phone' });
    expect(res.status).toBe(201);
    const entry = (await res.json()) as Entry;
    expect(entry).toEqual({ addressKey: await addressKey(deps.config.SECRET_KEY, 'reader@example.com'), reason: 'manual', source: 'admin', detail: 'asked by phone', createdAt: deps.clock.now().toISOString() });
    expect((await findSubscriberById(deps.db, s.id))?.suppressedAt).toEqual(deps.clock.now());
    deps.clock.advance(60_000);
    const again = await call(PATH, 'POST', { email: 'reader@example.com' });
    expect(again.status).toBe(200);
    expect(await again.json()).toEqual(entry);
  });

  it('answers 400 for a bad address or body, and 415 for a body that is not JSON', async () => {
    for (const body of [{ email: 'nobody' }, {}, { email: 'a@example.com', detail: 'x'.repeat(501) }]) {
      const res = await call(PATH, 'POST', body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(await res.json()).toMatchObject({ error: { code: 'invalid_request' } });
    }
    const form = await app.request(PATH, { method: 'POST', headers: { ...adminHeaders, 'content-type': 'text/plain' }, body: 'email=a@example.com' });
    expect(form.status).toBe(415);
  });

  it('checks one address', async () => {
    await suppressAddress(deps, 'gone@example.com', { reason: 'hard_bounce', source: 'smtp', detail: '550 no such user' });
    const hit = await call(`${PATH}?email=${encodeURIComponent('GONE@example.com')}`);
    expect(hit.status).toBe(200);
    expect(await hit.json()).toMatchObject({ email: 'GONE@example.com', suppressed: true, entry: { reason: 'hard_bounce', source: 'smtp', detail: '550 no such user' } });
    expect(await (await call(`${PATH}?email=other@example.com`)).json()).toEqual({ email: 'other@example.com', suppressed: false, entry: null });
  });

  it('lists entries newest first, a page at a time, without addresses', async () => {
    const added: string[] = [];
    for (let i = 0; i < 5; i++) {
      await suppressAddress(deps, `r${i}@example.com`, { reason: 'manual', source: 'admin' });
      added.push(await addressKey(deps.config.SECRET_KEY, `r${i}@example.com`));
      if (i !== 2) deps.clock.advance(1000); // two share a date: the key breaks the tie
    }
    const seen: Entry[] = [];
    let cursor: string | null = null;
    do {
      const res = await call(`${PATH}?limit=2${cursor ? `&cursor=${cursor}` : ''}`);
      expect(res.status).toBe(200);
      const page = (await res.json()) as { items: Entry[]; nextCursor: string | null };
      expect(page.items.length).toBeLessThanOrEqual(2);
      seen.push(...page.items);
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen.map((e) => e.addressKey).sort()).toEqual([...added].sort());
    const order = seen.map((e) => `${e.createdAt}|${e.addressKey}`);
    expect(order).toEqual([...order].sort().reverse());
    expect(JSON.stringify(seen)).not.toContain('@example.com');
    expect((await call(`${PATH}?cursor=bogus`)).status).toBe(400);
    expect((await call(`${PATH}?limit=0`)).status).toBe(400);
  });

  it('lifts a suppression (204) without subscribing the reader again, and answers 404 when there is none', async () => {
    const s = await addSubscriber(deps, { email: 'back@example.com', status: 'unsubscribed' });
    await suppressAddress(deps, 'back@example.com', { reason: 'complaint', source: 'webhook' });
    const res = await call(`${PATH}?email=back@example.com`, 'DELETE');
    expect(res.status).toBe(204);
    expect(await isSuppressed(deps, 'back@example.com')).toBe(false);
    expect(await findSubscriberById(deps.db, s.id)).toMatchObject({ suppressedAt: null, status: 'unsubscribed' });
    const none = await call(`${PATH}?email=back@example.com`, 'DELETE');
    expect(none.status).toBe(404);
    expect(await none.json()).toMatchObject({ error: { code: 'not_found' } });
    expect((await call(PATH, 'DELETE')).status).toBe(400);
  });
});
