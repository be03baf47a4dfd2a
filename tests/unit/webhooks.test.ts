import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { signWebhook } from '../../src/http/webhook-signature.js';
import { mailEvents } from '../../src/storage/schema.js';
import { findSubscriberById } from '../../src/storage/subscribers.js';
import { isSuppressed, suppressionFor } from '../../src/subscribers/suppression.js';
import { createTestApp, createTestDeps, type TestDeps } from '../support/deps.js';
import { addSubscriber } from '../support/fixtures.js';

const SECRET = 'whsec-test-0123456789abcdef';
const URL_PATH = '/webhooks/mail-events';

let deps: TestDeps;
let app: ReturnType<typeof createTestApp>;
beforeEach(() => {
  deps = createTestDeps({ config: { WEBHOOK_SECRET: SECRET, MAX_BODY_BYTES: '8192' } });
  app = createTestApp(deps);
});
afterEach(() => deps.close());

type PostOptions = { contentType?: string; secret?: string; at?: Date; signature?: string | null };

/** POSTs `body` signed as a sender would (with `secret`, at `at`), unless `signature` overrides the header. */
async function post(body: string, opts: PostOptions = {}) {
  const signature = opts.signature !== undefined ? opts.signature : await signWebhook(opts.secret ?? SECRET, body, opts.at ?? deps.clock.now());
  const headers: Record<string, string> = { 'content-type': opts.contentType ?? 'application/json' };
  if (signature !== null) headers['x-nashra-signature'] = signature;
  return app.request(URL_PATH, { method: 'POST', headers, body });
}

const events = (...list: unknown[]) => JSON.stringify({ events: list });
const bounce = (id: string, email: string, extra: Record<string, unknown> = {}) => ({ id, type: 'bounce', email, bounceType: 'hard', ...extra });

describe('webhook authentication', () => {
  it('refuses everything with 403 while WEBHOOK_SECRET is not set', async () => {
    const off = createTestDeps();
    const res = await createTestApp(off).request(URL_PATH, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-nashra-signature': await signWebhook(SECRET, '{}', off.clock.now()) },
      body: '{}',
    });
    expect(res.status).toBe(403);
    expect(await res.json()).toMatchObject({ error: { code: 'forbidden' } });
    await off.close();
  });

  it('refuses a missing, malformed or wrong signature with 401, and applies nothing', async () => {
    await addSubscriber(deps, { email: 'reader@example.com' });
    const body = events(bounce('e1', 'reader@example.com'));
    const good = await signWebhook(SECRET, body, deps.clock.now());
    const t = good.split(',')[0];
    for (const signature of [null, '', 'v1=abc', `${t}`, `${t},v1=${'0'.repeat(64)}`, `${t},v1=zz`]) {
      const res = await post(body, { signature });
      expect(res.status, String(signature)).toBe(401);
      expect(await res.json()).toMatchObject({ error: { code: 'unauthorized' } });
    }
    expect((await post(body, { secret: 'another-secret-0123456789' })).status).toBe(401);
    // The body is signed byte for byte: changing it breaks the signature.
    const tampered = await app.request(URL_PATH, { method: 'POST', headers: { 'content-type': 'application/json', 'x-nashra-signature': good }, body: body.replace('e1', 'e2') });
    expect(tampered.status).toBe(401);
    expect(await isSuppressed(deps, 'reader@example.com')).toBe(false);
    expect(await deps.db.select().from(mailEvents).all()).toEqual([]);
  });

  it('refuses a timestamp more than 5 minutes off (replay), either way', async () => {
    const body = events(bounce('e1', 'reader@example.com'));
    const now = deps.clock.now().getTime();
    expect((await post(body, { at: new Date(now - 5 * 60_000 - 1000) })).status).toBe(401);
    expect((await post(body, { at: new Date(now + 5 * 60_000 + 1000) })).status).toBe(401);
    expect((await post(body, { at: new Date(now - 4 * 60_000) })).status).toBe(200);
  });

  it('accepts any one matching v1 among several (a secret being changed)', async () => {
    const body = events();
    const good = await signWebhook(SECRET, body, deps.clock.now());
    const [t, v1] = good.split(',');
    expect((await post(body, { signature: `${t},v1=${'a'.repeat(64)},${v1}` })).status).toBe(200);
  });
});

describe('neutral events', () => {
  it('applies bounces, complaints and deliveries, and counts unknown types as ignored', async () => {
    const soft = await addSubscriber(deps, { email: 'full@example.com', softBounces: 1 });
    const res = await post(
      JSON.stringify({
        provider: 'postmark',
        events: [
          bounce('e1', 'gone@example.com', { detail: '550 5.1.1 user unknown', occurredAt: '2026-11-29T07:59:00Z' }),
          { id: 'e2', type: 'complaint', email: 'angry@example.com' },
          { id: 'e3', type: 'bounce', email: 'full@example.com', bounceType: 'soft' },
          { id: 'e4', type: 'opened', email: 'reader@example.com' },
          { id: 'e5', type: 'bounce', email: 'not an address' },
        ],
      }),
    );
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ applied: 3, duplicates: 0, ignored: 2 });
    expect(await suppressionFor(deps, 'gone@example.com')).toMatchObject({ reason: 'hard_bounce', source: 'webhook:postmark', detail: '550 5.1.1 user unknown' });
    expect(await suppressionFor(deps, 'angry@example.com')).toMatchObject({ reason: 'complaint' });
    expect((await findSubscriberById(deps.db, soft.id))?.softBounces).toBe(2);
    expect(await isSuppressed(deps, 'full@example.com')).toBe(false);

    expect(await (await post(events({ id: 'e6', type: 'delivered', email: 'full@example.com' }))).json()).toEqual({ applied: 1, duplicates: 0, ignored: 0 });
    expect((await findSubscriberById(deps.db, soft.id))?.softBounces).toBe(0);
  });

  it('applies a retried event once, even within one request', async () => {
    const s = await addSubscriber(deps, { email: 'full@example.com' });
    const softOnce = { id: 'evt-1', type: 'bounce', email: 'full@example.com', bounceType: 'soft' };
    expect(await (await post(events(softOnce, softOnce))).json()).toEqual({ applied: 1, duplicates: 1, ignored: 0 });
    deps.clock.advance(60_000); // the retry is signed afresh
    expect(await (await post(events(softOnce))).json()).toEqual({ applied: 0, duplicates: 1, ignored: 0 });
    expect((await findSubscriberById(deps.db, s.id))?.softBounces).toBe(1);
    // Ids are per provider: another provider's "evt-1" is another event.
    expect(await (await post(JSON.stringify({ provider: 'other', events: [softOnce] }))).json()).toEqual({ applied: 1, duplicates: 0, ignored: 0 });
  });

  it('answers 400, naming the fields, for a malformed body, and applies none of it', async () => {
    const cases: [string, RegExp][] = [
      ['not json', /not valid JSON/],
      ['[]', /Invalid mail events/],
      ['{"events": "x"}', /events/],
      [JSON.stringify({ events: Array.from({ length: 101 }, (_, i) => bounce(`e${i}`, 'a@example.com')) }), /events/],
      [JSON.stringify({ provider: 'Bad Name!', events: [] }), /provider/],
      [events(bounce('ok', 'first@example.com'), { id: '', type: 'bounce', email: 'x@example.com', bounceType: 'medium' }), /events\.1\.id.*events\.1\.bounceType/],
      [events({ type: 'complaint', email: 'x@example.com', occurredAt: 'yesterday' }), /events\.0\.id/],
      [events('a string'), /events\.0/],
    ];
    for (const [body, message] of cases) {
      const res = await post(body);
      expect(res.status, body.slice(0, 40)).toBe(400);
      expect(((await res.json()) as { error: unknown }).error).toMatchObject({ code: 'invalid_request', message: expect.stringMatching(message) });
    }
    expect(await isSuppressed(deps, 'first@example.com')).toBe(false);
  });

  it('answers 415 for other content types and 413 for a body over MAX_BODY_BYTES', async () => {
    expect((await post(events(), { contentType: 'text/plain' })).status).toBe(415);
    expect((await post('--b--', { contentType: 'multipart/report; report-type=feedback-report; boundary=b' })).status).toBe(415);
    expect((await post(JSON.stringify({ events: [], pad: 'x'.repeat(9000) }))).status).toBe(413);
  });
});

const BOUNDARY = 'dsn-boundary';
const dsn = (recipients: string) =>
  [`--${BOUNDARY}`, 'Content-Type: text/plain', '', 'Delivery failed.', `--${BOUNDARY}`, 'Content-Type: message/delivery-status', '', 'Reporting-MTA: dns; relay.nashra.test', '', recipients, `--${BOUNDARY}--`, ''].join('\r\n');

describe('delivery status reports', () => {
  const contentType = `multipart/report; report-type=delivery-status; boundary="${BOUNDARY}"`;

  it('suppresses a 5.x.x failure, counts a 4.x.x one, and applies a report posted twice once', async () => {
    const full = await addSubscriber(deps, { email: 'full@example.com' });
    const report = dsn(
      [
        'Final-Recipient: rfc822; gone@example.com', 'Action: failed', 'Status: 5.1.1', 'Diagnostic-Code: smtp; 550 5.1.1 <gone@example.com>: No such user', '',
        'Final-Recipient: rfc822; full@example.com', 'Action: failed', 'Status: 4.2.2', '',
        'Final-Recipient: rfc822; slow@example.com', 'Action: delayed', 'Status: 4.4.1', '',
      ].join('\r\n'),
    );
    const res = await post(report, { contentType });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ applied: 2, duplicates: 0, ignored: 1 });
    expect(await suppressionFor(deps, 'gone@example.com')).toMatchObject({ reason: 'hard_bounce', source: 'dsn', detail: 'Status: 5.1.1; Diagnostic-Code: smtp; 550 5.1.1 <[address]>: No such user' });
    expect((await findSubscriberById(deps.db, full.id))?.softBounces).toBe(1);
    expect(await isSuppressed(deps, 'slow@example.com')).toBe(false);

    deps.clock.advance(30_000);
    expect(await (await post(report, { contentType })).json()).toEqual({ applied: 0, duplicates: 2, ignored: 1 });
    expect((await findSubscriberById(deps.db, full.id))?.softBounces).toBe(1);
  });

  it('takes a bare message/delivery-status body, and answers 400 for a report without one', async () => {
    const bare = 'Reporting-MTA: dns; relay\n\nFinal-Recipient: rfc822; gone@example.com\nAction: failed\nStatus: 5.1.1\n';
    expect(await (await post(bare, { contentType: 'message/delivery-status' })).json()).toEqual({ applied: 1, duplicates: 0, ignored: 0 });
    expect(await isSuppressed(deps, 'gone@example.com')).toBe(true);
    const empty = await post(`--${BOUNDARY}\r\nContent-Type: text/plain\r\n\r\nhi\r\n--${BOUNDARY}--\r\n`, { contentType });
    expect(empty.status).toBe(400);
    expect(await empty.json()).toMatchObject({ error: { code: 'invalid_request' } });
    const many = Array.from({ length: 101 }, (_, i) => `Final-Recipient: rfc822; r${i}@example.com\nAction: failed\nStatus: 5.1.1\n`).join('\n');
    const tooMany = await post(`Reporting-MTA: dns; relay\n\n${many}`, { contentType: 'message/delivery-status' });
    expect(tooMany.status).toBe(400);
    expect(await isSuppressed(deps, 'r0@example.com')).toBe(false);
  });

  it('never answers 500 to garbage', async () => {
    const garbage = ['\u0000\uffff', '--x', 'Final-Recipient:', `--${BOUNDARY}\r\nContent-Type: message/delivery-status\r\nContent-Transfer-Encoding: base64\r\n\r\n!!!\r\n--${BOUNDARY}--`];
    for (const body of garbage) {
      for (const type of [contentType, 'message/delivery-status', 'message/rfc822', 'application/json']) {
        const res = await post(body, { contentType: type });
        expect(res.status, `${type}: ${JSON.stringify(body)}`).toBeLessThan(500);
      }
    }
  });
});
