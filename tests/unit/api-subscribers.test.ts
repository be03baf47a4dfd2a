import { Hono } from 'hono';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createOutboxMailer } from '../../src/adapters/outbox-mailer.js';
import type { AppEnv } from '../../src/app.js';
import { renderError } from '../../src/http/errors.js';
import { registerTokenGuards, TOKEN_FAILURE_LIMIT } from '../../src/http/rate-limit.js';
import { silentLog } from '../../src/log.js';
import { registerSubscriptionRoutes } from '../../src/routes/subscriptions.js';
import { findSubscriberByEmail } from '../../src/storage/subscribers.js';
import { signToken } from '../../src/subscribers/tokens.js';
import { readRaw } from '../e2e/support/mime.js';
import { createTestApp, createTestDeps, type TestDeps } from '../support/deps.js';
import { addArticle, addSubscriber } from '../support/fixtures.js';
import { startSiteverify, type Siteverify } from '../support/siteverify.js';

const PARTNER = 'https://www.partner.ma';
type Opts = { ip?: string; headers?: Record<string, string> };

let deps: TestDeps;
let app: ReturnType<typeof createTestApp>;
function setUp(config: Record<string, string> = {}, mailer?: TestDeps['mailer']) {
  deps = createTestDeps({ now: '2026-11-29T08:03:00Z', config: { CORS_ORIGINS: PARTNER, ...config }, ...(mailer ? { mailer } : {}) });
  app = createTestApp(deps);
}
beforeEach(() => setUp());
afterEach(() => deps.close());
/** Starts over with other settings (or mailer). */
async function reset(config: Record<string, string>, mailer?: TestDeps['mailer']) {
  await deps.close();
  setUp(config, mailer);
}

/** A request as @hono/node-server hands it over: the peer's address is on the socket. */
function send(path: string, init: RequestInit, opts: Opts = {}, target = app) {
  return target.request(path, { ...init, headers: { ...(init.headers as Record<string, string>), ...opts.headers } }, { incoming: { socket: { remoteAddress: opts.ip ?? '203.0.113.7' } } });
}
const post = (body: unknown, opts: Opts = {}) =>
  send('/api/subscribers', { method: 'POST', headers: { 'content-type': 'application/json' }, body: typeof body === 'string' ? body : JSON.stringify(body) }, opts);

async function answer(res: Response) {
  return { status: res.status, body: await res.text() };
}

/** Waits for the work sign-up leaves for after the response (mailing the confirmation). */
const settled = () => Promise.all(deps.deferred);

const token = async (purpose: 'preferences' | 'unsubscribe', id: string) => signToken(deps.config.SECRET_KEY, purpose, id, deps.clock.now());

describe('POST /api/subscribers', () => {
  it('signs up with double opt-in: 202, a pending subscriber with its consent, one confirmation email', async () => {
    const res = await post({ email: 'Layla@Example.com', name: 'ليلى', frequency: 'weekly', timezone: 'Asia/Dubai' }, { headers: { 'user-agent': 'Partner/2.0' } });
    expect(res.status).toBe(202);
    expect(await res.json()).toEqual({ status: 'pending', message: 'Check your inbox to confirm the subscription' });
    const s = await findSubscriberByEmail(deps.db, 'Layla@example.com');
    expect(s).toMatchObject({ status: 'pending', name: 'ليلى', frequency: 'weekly', timezone: 'Asia/Dubai', consentSource: 'api', consentIp: '203.0.113.7', consentUserAgent: 'Partner/2.0' });
    await settled();
    expect(deps.mailer.sent.map((m) => m.to)).toEqual(['Layla@example.com']);
  });

  it('gives the same answer for new, pending, confirmed and unsubscribed addresses', async () => {
    await addSubscriber(deps, { email: 'pending@example.com', status: 'pending' });
    await addSubscriber(deps, { email: 'confirmed@example.com', status: 'confirmed' });
    await addSubscriber(deps, { email: 'gone@example.com', status: 'unsubscribed', unsubscribedAt: deps.clock.now() });
    const answers = [];
    for (const [i, email] of ['new@example.com', 'pending@example.com', 'confirmed@example.com', 'gone@example.com'].entries()) {
      const res = await post({ email }, { ip: `198.51.100.${i + 1}` });
      answers.push({ ...(await answer(res)), type: res.headers.get('content-type') });
    }
    expect(new Set(answers.map((a) => JSON.stringify(a))).size).toBe(1);
    expect(answers[0]?.status).toBe(202);
  });

  it('records the weekly digest\'s day, DIGEST_WEEKDAY when none is sent', async () => {
    expect((await post({ email: 'tue@example.com', frequency: 'weekly', preferredWeekday: 2 })).status).toBe(202);
    expect((await post({ email: 'sat@example.com', frequency: 'weekly' }, { ip: '198.51.100.2' })).status).toBe(202);
    expect((await findSubscriberByEmail(deps.db, 'tue@example.com'))?.preferredWeekday).toBe(2);
    expect((await findSubscriberByEmail(deps.db, 'sat@example.com'))?.preferredWeekday).toBe(6);
  });

  it.each([0, 8, 'x', 2.5, null, '3'])('refuses the day %j with 400 naming the field preferredWeekday, and records nothing', async (day) => {
    const res = await post({ email: 'day@example.com', frequency: 'weekly', preferredWeekday: day });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({
      error: { code: 'invalid_request', details: { fields: [{ path: 'preferredWeekday', message: expect.stringContaining('1 (Monday) to 7 (Sunday)') }] } },
    });
    expect(await findSubscriberByEmail(deps.db, 'day@example.com')).toBeUndefined();
  });

  it.each([
    ['an unknown field', { email: 'a@example.com', admin: true }],
    ['an email over 254 characters', { email: `${'a'.repeat(60)}@${'b'.repeat(190)}.example.com` }],
    ['CR/LF in the email', { email: 'a@example.com\r\nBcc: victim@example.com' }],
    ['a bare LF in the email', { email: 'a@example.com\nBcc: victim@example.com' }],
    ['NUL in the email', { email: 'a@example.com\u0000' }],
    ['CR/LF in the name', { email: 'a@example.com', name: 'Layla\r\nBcc: victim@example.com' }],
    ['a Unicode line separator in the name', { email: 'a@example.com', name: 'Layla\u2028Bcc: victim@example.com' }],
    ['a bad frequency', { email: 'a@example.com', frequency: 'hourly' }],
    ['an unknown time zone', { email: 'a@example.com', timezone: 'Mars/Olympus' }],
    ['an hour out of range', { email: 'a@example.com', preferredHour: 24 }],
    ['a section that is not a slug', { email: 'a@example.com', sections: ['<script>'] }],
    ['no email', { name: 'x' }],
    ['an array', [{ email: 'a@example.com' }]],
  ])('refuses %s with 400 JSON and mails nothing', async (_, body) => {
    const res = await post(body);
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ error: { code: 'invalid_request' } });
    await settled();
    expect(deps.mailer.sent).toEqual([]);
  });

  it('refuses malformed JSON with 400, another content type with 415', async () => {
    expect(await (await post('{"email": "a@example.com"')).json()).toMatchObject({ error: { code: 'invalid_request', message: 'The body is not valid JSON' } });
    const form = await send('/api/subscribers', { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'email=a%40example.com' });
    expect(form.status).toBe(415);
    expect(await form.json()).toMatchObject({ error: { code: 'unsupported_media_type' } });
  });

  it('refuses a body over MAX_BODY_BYTES with 413, announced or streamed', async () => {
    await reset({ MAX_BODY_BYTES: '1024' });
    const big = JSON.stringify({ email: 'a@example.com', name: 'x'.repeat(2000) });
    const announced = await post(big);
    expect(announced.status).toBe(413);
    expect(await announced.json()).toMatchObject({ error: { code: 'payload_too_large' } });
    const stream = new ReadableStream({
      start(c) {
        c.enqueue(new TextEncoder().encode(big));
        c.close();
      },
    });
    const streamed = await send('/api/subscribers', { method: 'POST', headers: { 'content-type': 'application/json' }, body: stream, duplex: 'half' } as RequestInit);
    expect(streamed.status).toBe(413);
    await settled();
    expect(deps.mailer.sent).toEqual([]);
  });

  it('writes a confirmation whose headers gain nothing from the name or the address', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'nashra-api-'));
    try {
      await reset({}, createOutboxMailer(dir, silentLog) as TestDeps['mailer']);
      const res = await post({ email: 'reader+x@example.com', name: 'ليلى Bcc: victim@example.com =?utf-8?q?=0D=0ABcc:_v@x.y?=' });
      expect(res.status).toBe(202);
      await settled();
      const [file] = readdirSync(dir);
      const raw = readRaw(readFileSync(join(dir, file as string)));
      expect(raw.header('to')).toEqual(['reader+x@example.com']);
      expect(raw.header('bcc')).toEqual([]);
      expect(raw.header('cc')).toEqual([]);
      expect(raw.header('from')).toHaveLength(1);
      expect(raw.header('subject')).toHaveLength(1);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('rate limits over HTTP', () => {
  it('throttles a flood from one address with 429, Retry-After and a JSON error, while another address signs up', async () => {
    for (let i = 0; i < 5; i++) expect((await post({ email: `flood${i}@example.com` }, { ip: '203.0.113.66' })).status).toBe(202);
    const refused = await post({ email: 'flood5@example.com' }, { ip: '203.0.113.66' });
    expect(refused.status).toBe(429);
    expect(refused.headers.get('retry-after')).toBe('420');
    expect(await refused.json()).toEqual({ error: { code: 'rate_limited', message: expect.any(String), retryAfter: 420 } });
    expect((await post({ email: 'someone@example.com' }, { ip: '198.51.100.4' })).status).toBe(202);
    await settled();
    expect(deps.mailer.sent.map((m) => m.to)).not.toContain('flood5@example.com');
  });

  it('throttles repeated attempts for one address from many networks', async () => {
    for (let i = 0; i < 3; i++) expect((await post({ email: 'target@example.com' }, { ip: `198.51.100.${i + 1}` })).status).toBe(202);
    const refused = await post({ email: 'TARGET@example.com' }, { ip: '198.51.100.9' });
    expect(refused.status).toBe(429);
    expect(refused.headers.get('retry-after')).toBe(String(57 * 60));
  });

  it('cannot be dodged by writing X-Forwarded-For or CF-Connecting-IP on Node', async () => {
    for (let i = 0; i < 6; i++) {
      const res = await post({ email: `spoof${i}@example.com` }, { headers: { 'x-forwarded-for': `10.9.8.${i}`, 'cf-connecting-ip': `10.7.6.${i}` } });
      expect(res.status).toBe(i < 5 ? 202 : 429);
    }
  });
});

describe('Turnstile over HTTP', () => {
  let siteverify: Siteverify;
  beforeEach(async () => {
    siteverify = await startSiteverify();
    await reset({ TURNSTILE_SECRET: 'turnstile-test-secret' });
    deps.fetch = siteverify.routeFetch(deps.fetch);
  });
  afterEach(() => siteverify.close());

  it('signs up with a token siteverify accepts, and refuses without one', async () => {
    const missing = await post({ email: 'a@example.com' });
    expect(missing.status).toBe(400);
    expect(await missing.json()).toMatchObject({ error: { code: 'invalid_request', message: expect.stringMatching(/anti-bot/) } });
    expect((await post({ email: 'a@example.com', turnstileToken: 'forged' })).status).toBe(400);
    await settled();
    expect(deps.mailer.sent).toEqual([]);
    expect((await post({ email: 'a@example.com', turnstileToken: 'pass' })).status).toBe(202);
    expect(siteverify.requests.at(-1)).toEqual({ secret: 'turnstile-test-secret', response: 'pass', remoteip: '203.0.113.7' });
    await settled();
    expect(deps.mailer.sent).toHaveLength(1);
  });

  it('answers 503 with Retry-After when siteverify fails', async () => {
    siteverify.answerWith(() => ({ status: 502, body: 'bad gateway' }));
    const res = await post({ email: 'a@example.com', turnstileToken: 'pass' });
    expect(res.status).toBe(503);
    expect(res.headers.get('retry-after')).toBe('30');
    expect(await res.json()).toMatchObject({ error: { code: 'unavailable' } });
    expect(await findSubscriberByEmail(deps.db, 'a@example.com')).toBeUndefined();
  });
});

describe('CORS', () => {
  const preflight = (origin?: string) =>
    send('/api/subscribers', { method: 'OPTIONS', headers: { ...(origin ? { origin } : {}), 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type' } });

  it('answers a preflight from a listed origin with 204, methods, headers and a max-age, without credentials', async () => {
    const res = await preflight(PARTNER);
    expect(res.status).toBe(204);
    expect(res.headers.get('access-control-allow-origin')).toBe(PARTNER);
    expect(res.headers.get('access-control-allow-methods')).toContain('POST');
    expect(res.headers.get('access-control-allow-headers')?.toLowerCase()).toContain('content-type');
    expect(Number(res.headers.get('access-control-max-age'))).toBeGreaterThan(0);
    expect(res.headers.get('vary')).toMatch(/origin/i);
    expect(res.headers.get('access-control-allow-credentials')).toBeNull();
  });

  it('refuses a preflight from any other origin, a look-alike or none, with 403 JSON', async () => {
    for (const origin of ['https://evil.example', 'https://www.partner.ma.evil.example', 'http://www.partner.ma', 'null', undefined]) {
      const res = await preflight(origin);
      expect(res.status).toBe(403);
      expect(await res.json()).toMatchObject({ error: { code: 'forbidden' } });
      expect(res.headers.get('access-control-allow-origin')).toBeNull();
    }
  });

  it('answers preflights for the token endpoints too', async () => {
    const res = await send('/api/subscribers/preferences?token=x', { method: 'OPTIONS', headers: { origin: PARTNER, 'access-control-request-method': 'PUT' } });
    expect(res.status).toBe(204);
    expect(res.headers.get('access-control-allow-methods')).toContain('PUT');
  });

  it('marks responses (errors included) for a listed origin and only for it', async () => {
    const ok = await post({ email: 'a@example.com' }, { headers: { origin: PARTNER } });
    expect(ok.headers.get('access-control-allow-origin')).toBe(PARTNER);
    expect(ok.headers.get('vary')).toBe('Origin');
    const bad = await post({ email: 'nope' }, { headers: { origin: PARTNER } });
    expect(bad.status).toBe(400);
    expect(bad.headers.get('access-control-allow-origin')).toBe(PARTNER);
    const other = await post({ email: 'b@example.com' }, { headers: { origin: 'https://evil.example' } });
    expect(other.headers.get('access-control-allow-origin')).toBeNull();
    expect(other.headers.get('vary')).toMatch(/origin/i);
    expect(other.headers.get('access-control-allow-credentials')).toBeNull();
  });

  it('lets partner code read Retry-After on a 429', async () => {
    for (let i = 0; i < 5; i++) await post({ email: `c${i}@example.com` });
    const res = await post({ email: 'c9@example.com' }, { headers: { origin: PARTNER } });
    expect(res.status).toBe(429);
    expect(res.headers.get('access-control-allow-origin')).toBe(PARTNER);
    expect(res.headers.get('access-control-expose-headers')).toMatch(/retry-after/i);
  });
});

describe('preferences and unsubscribe by token', () => {
  it('reads and changes preferences with a preferences token', async () => {
    const s = await addSubscriber(deps, { email: 'prefs@example.com', name: 'سعيد' });
    const t = await token('preferences', s.id);
    const got = await send(`/api/subscribers/preferences?token=${t}`, { method: 'GET' });
    expect(got.status).toBe(200);
    expect(await got.json()).toMatchObject({
      email: 'prefs@example.com', name: 'سعيد', status: 'confirmed', frequency: 'daily', timezone: 'Africa/Casablanca', preferredHour: 7, preferredWeekday: 6, locale: 'ar',
    });
    const put = await send(`/api/subscribers/preferences?token=${t}`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ frequency: 'weekly' }) });
    expect(put.status).toBe(200);
    expect(await put.json()).toMatchObject({ frequency: 'weekly', preferredWeekday: 6 });
    expect((await findSubscriberByEmail(deps.db, 'prefs@example.com'))?.frequency).toBe('weekly');
  });

  it('changes the weekly digest\'s day, keeps it when left out, and refuses one that is not 1–7', async () => {
    const s = await addSubscriber(deps, { email: 'day@example.com', frequency: 'weekly', preferredWeekday: 3 });
    const path = `/api/subscribers/preferences?token=${await token('preferences', s.id)}`;
    const put = (body: unknown) => send(path, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    expect(await (await put({ preferredWeekday: 5 })).json()).toMatchObject({ preferredWeekday: 5, frequency: 'weekly' });
    expect(await (await put({ preferredHour: 20 })).json()).toMatchObject({ preferredWeekday: 5, preferredHour: 20 });
    for (const day of [0, 8, 'x']) {
      const bad = await put({ preferredWeekday: day });
      expect(bad.status).toBe(400);
      expect(await bad.json()).toMatchObject({ error: { code: 'invalid_request', details: { fields: [{ path: 'preferredWeekday' }] } } });
    }
    expect((await findSubscriberByEmail(deps.db, 'day@example.com'))?.preferredWeekday).toBe(5);
  });

  it('keeps the sections and authors chosen at sign-up, changes them by slug, and refuses unknown ones', async () => {
    await addArticle(deps); // section "opinion", author "said-idrissi"
    expect((await post({ email: 'topics@example.com', sections: ['opinion'], preferredHour: 6, locale: 'en' })).status).toBe(202);
    const s = await findSubscriberByEmail(deps.db, 'topics@example.com');
    const t = await token('preferences', s!.id);
    const read = async () => (await send(`/api/subscribers/preferences?token=${t}`, { method: 'GET' })).json();
    expect(await read()).toMatchObject({ sections: ['opinion'], authors: [], preferredHour: 6, locale: 'en', status: 'pending' });
    const put = (body: unknown) => send(`/api/subscribers/preferences?token=${t}`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    expect((await put({ sections: [], authors: ['said-idrissi'] })).status).toBe(200);
    expect(await read()).toMatchObject({ sections: [], authors: ['said-idrissi'], preferredHour: 6, locale: 'en' });
    const unknown = await put({ sections: ['no-such-section'] });
    expect(unknown.status).toBe(400);
    expect(await unknown.json()).toMatchObject({ error: { code: 'invalid_request' } });
  });

  it('refuses another purpose\'s token, a tampered one, and unknown fields', async () => {
    const s = await addSubscriber(deps);
    const wrong = await send(`/api/subscribers/preferences?token=${await token('unsubscribe', s.id)}`, { method: 'GET' });
    expect(wrong.status).toBe(400);
    expect(await wrong.json()).toMatchObject({ error: { code: 'invalid_token' } });
    const t = await token('preferences', s.id);
    expect((await send(`/api/subscribers/preferences?token=${t.slice(0, -3)}AAA`, { method: 'GET' })).status).toBe(400);
    const extra = await send(`/api/subscribers/preferences?token=${t}`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ status: 'confirmed' }) });
    expect(extra.status).toBe(400);
  });

  it('unsubscribes with a POST and an unsubscribe token', async () => {
    const s = await addSubscriber(deps, { email: 'leaving@example.com' });
    const res = await send(`/api/subscribers/unsubscribe?token=${await token('unsubscribe', s.id)}`, { method: 'POST' });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'unsubscribed' });
    expect((await findSubscriberByEmail(deps.db, 'leaving@example.com'))?.status).toBe('unsubscribed');
  });
});

describe('token guessing', () => {
  const bad = (i: number) => `eyJwIjoidW5zdWJzY3JpYmUifQ.${'A'.repeat(10)}${i}`;

  it('refuses an address after too many invalid tokens, even a valid one then, while another address goes on', async () => {
    const s = await addSubscriber(deps);
    const valid = await token('unsubscribe', s.id);
    for (let i = 0; i < TOKEN_FAILURE_LIMIT.limit; i++) expect((await send(`/api/subscribers/unsubscribe?token=${bad(i)}`, { method: 'POST' }, { ip: '203.0.113.66' })).status).toBe(400);
    const refused = await send(`/api/subscribers/unsubscribe?token=${valid}`, { method: 'POST' }, { ip: '203.0.113.66' });
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    expect((await send(`/api/subscribers/unsubscribe?token=${valid}`, { method: 'POST' }, { ip: '198.51.100.1' })).status).toBe(200);
  });

  it('never counts valid tokens: a mail provider\'s one-click unsubscribes all go through', async () => {
    for (let i = 0; i < TOKEN_FAILURE_LIMIT.limit + 5; i++) {
      const s = await addSubscriber(deps);
      expect((await send(`/api/subscribers/unsubscribe?token=${await token('unsubscribe', s.id)}`, { method: 'POST' }, { ip: '209.85.220.41' })).status).toBe(200);
    }
  });

  it('guards the token pages with a friendly Arabic page once they are registered after the guards', async () => {
    const pages = new Hono<AppEnv>();
    pages.use('*', async (c, next) => {
      c.set('deps', deps);
      await next();
    });
    pages.onError((err, c) => renderError(c, err));
    registerTokenGuards(pages);
    registerSubscriptionRoutes(pages);
    for (let i = 0; i < TOKEN_FAILURE_LIMIT.limit; i++) await send(`/unsubscribe?token=${bad(i)}`, { method: 'POST' }, {}, pages as typeof app);
    const res = await send(`/confirm?token=${bad(99)}`, { method: 'GET' }, {}, pages as typeof app);
    expect(res.status).toBe(429);
    expect(res.headers.get('retry-after')).toBe('420');
    const html = await res.text();
    expect(html).toContain('dir="rtl"');
    expect(html).toContain('طلبات كثيرة');
  });
});
