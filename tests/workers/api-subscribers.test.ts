/**
 * The partner API inside workerd with D1: the client address comes from CF-Connecting-IP only,
 * limits are counted in D1, CORS follows CORS_ORIGINS, and the Cron Trigger prunes counters.
 */
import { env } from 'cloudflare:workers';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { WorkerEnv } from '../../src/adapters/worker-deps.js';
import { TOKEN_FAILURE_LIMIT } from '../../src/http/rate-limit.js';
import { envWith, fetchWorker } from './support/feeds.js';
import { recordingEnv, runCron } from './support/handlers.js';

const PARTNER = 'https://www.partner.ma';
const SIGNUP_WINDOW_MS = 10 * 60_000;

let testEnv: WorkerEnv;
beforeEach(async () => {
  testEnv = envWith({ CORS_ORIGINS: PARTNER });
  // Limits count in fixed windows of real time: never start a burst on the edge of one.
  const intoWindow = Date.now() % SIGNUP_WINDOW_MS;
  if (intoWindow > SIGNUP_WINDOW_MS - 5_000) await scheduler.wait(SIGNUP_WINDOW_MS - intoWindow + 50);
});
afterEach(() => vi.restoreAllMocks());

async function rows<T>(sql: string, ...binds: unknown[]): Promise<T[]> {
  return (await env.DB.prepare(sql).bind(...binds).all<T>()).results;
}

function post(body: unknown, ip = '203.0.113.7', headers: Record<string, string> = {}, e = testEnv) {
  const init = { method: 'POST', headers: { 'content-type': 'application/json', 'cf-connecting-ip': ip, ...headers }, body: typeof body === 'string' ? body : JSON.stringify(body) };
  return fetchWorker('/api/subscribers', init, e);
}

/** Log lines of messages the log mailer "sent" (MAIL_LOG_ONLY in the test bindings). */
function mailLog() {
  const spy = vi.spyOn(console, 'log');
  return () => spy.mock.calls.map(([line]) => String(line)).filter((line) => line.includes('mail not sent'));
}

describe('POST /api/subscribers on Workers', () => {
  it('signs up with the address Cloudflare vouches for, whatever X-Forwarded-For says', async () => {
    const mails = mailLog();
    const { res, body } = await post({ email: 'Reader@Example.COM', frequency: 'weekly' }, '2001:db8:1:2::5', { 'x-forwarded-for': '6.6.6.6' });
    expect(res.status).toBe(202);
    expect(JSON.parse(body)).toEqual({ status: 'pending', message: 'Check your inbox to confirm the subscription' });
    const [row] = await rows<Record<string, unknown>>('SELECT * FROM subscribers');
    expect(row).toMatchObject({ email: 'Reader@example.com', status: 'pending', frequency: 'weekly', consent_source: 'api', consent_ip: '2001:db8:1:2::5' });
    expect(mails()).toHaveLength(1);
  });

  it('stores the weekly digest\'s day in D1, Saturday by default, and refuses one outside 1–7 by field', async () => {
    expect((await post({ email: 'mon@example.com', frequency: 'weekly', preferredWeekday: 1 })).res.status).toBe(202);
    expect((await post({ email: 'sat@example.com', frequency: 'weekly' }, '203.0.113.8')).res.status).toBe(202);
    const days = await rows<{ email: string; preferred_weekday: number }>('SELECT email, preferred_weekday FROM subscribers ORDER BY email');
    expect(days).toEqual([{ email: 'mon@example.com', preferred_weekday: 1 }, { email: 'sat@example.com', preferred_weekday: 6 }]);
    for (const [i, day] of [0, 8, 'x'].entries()) {
      const { res, body } = await post({ email: `bad${i}@example.com`, preferredWeekday: day }, `198.51.100.${i + 1}`);
      expect(res.status).toBe(400);
      expect(JSON.parse(body)).toMatchObject({ error: { code: 'invalid_request', details: { fields: [{ path: 'preferredWeekday' }] } } });
    }
    expect(await rows('SELECT id FROM subscribers')).toHaveLength(2);
  });

  it('answers the same for new, pending, confirmed and unsubscribed addresses', async () => {
    for (const [i, email] of ['pending@example.com', 'confirmed@example.com', 'gone@example.com'].entries()) await post({ email }, `198.51.100.${i + 1}`);
    await env.DB.prepare("UPDATE subscribers SET status = 'confirmed', confirmed_at = 1 WHERE email = 'confirmed@example.com'").run();
    await env.DB.prepare("UPDATE subscribers SET status = 'unsubscribed', unsubscribed_at = 1 WHERE email = 'gone@example.com'").run();
    const answers = [];
    for (const [i, email] of ['new@example.com', 'pending@example.com', 'confirmed@example.com', 'gone@example.com'].entries()) {
      const { res, body } = await post({ email }, `198.51.100.${i + 10}`);
      answers.push(JSON.stringify({ status: res.status, body, type: res.headers.get('content-type') }));
    }
    expect(new Set(answers).size).toBe(1);
    expect(JSON.parse(answers[0] as string).status).toBe(202);
  });

  it.each([
    ['CR/LF in the email', { email: 'a@example.com\r\nBcc: victim@example.com' }],
    ['LF in the email', { email: 'a@example.com\nTo: victim@example.com' }],
    ['CR/LF in the name', { email: 'a@example.com', name: 'ليلى\r\nBcc: victim@example.com' }],
    ['an unknown field', { email: 'a@example.com', bcc: 'victim@example.com' }],
  ])('refuses %s with 400, records nothing and mails nothing', async (_, body) => {
    const mails = mailLog();
    const { res, body: text } = await post(body);
    expect(res.status).toBe(400);
    expect(JSON.parse(text)).toMatchObject({ error: { code: 'invalid_request' } });
    expect(await rows('SELECT id FROM subscribers')).toEqual([]);
    expect(mails()).toEqual([]);
  });

  it('refuses malformed JSON (400), another content type (415) and an oversized body (413)', async () => {
    expect((await post('{"email":')).res.status).toBe(400);
    const form = await fetchWorker('/api/subscribers', { method: 'POST', headers: { 'content-type': 'text/plain', 'cf-connecting-ip': '203.0.113.7' }, body: 'email=a@example.com' }, testEnv);
    expect(form.res.status).toBe(415);
    const small = envWith({ CORS_ORIGINS: PARTNER, MAX_BODY_BYTES: '1024' });
    const big = await post({ email: 'a@example.com', name: 'x'.repeat(3000) }, '203.0.113.7', {}, small);
    expect(big.res.status).toBe(413);
    expect(JSON.parse(big.body)).toMatchObject({ error: { code: 'payload_too_large' } });
  });

  it('refuses a sign-up without a Turnstile token when TURNSTILE_SECRET is set', async () => {
    const guarded = envWith({ TURNSTILE_SECRET: 'turnstile-test-secret' });
    const { res, body } = await post({ email: 'a@example.com' }, '203.0.113.7', {}, guarded);
    expect(res.status).toBe(400);
    expect(JSON.parse(body).error.message).toMatch(/anti-bot/);
    expect(await rows('SELECT id FROM subscribers')).toEqual([]);
  });
});

describe('rate limits in D1', () => {
  it('throttles a flood from one address with 429 and Retry-After while another address signs up', async () => {
    for (let i = 0; i < 5; i++) expect((await post({ email: `flood${i}@example.com` }, '203.0.113.66', { 'x-forwarded-for': `10.0.0.${i}` })).res.status).toBe(202);
    const refused = await post({ email: 'flood5@example.com' }, '203.0.113.66', { 'x-forwarded-for': '10.0.0.99' });
    expect(refused.res.status).toBe(429);
    const wait = Number(refused.res.headers.get('retry-after'));
    expect(wait).toBeGreaterThanOrEqual(1);
    expect(wait).toBeLessThanOrEqual(600);
    expect(JSON.parse(refused.body)).toEqual({ error: { code: 'rate_limited', message: expect.any(String), retryAfter: wait } });
    expect((await post({ email: 'neighbour@example.com' }, '198.51.100.4')).res.status).toBe(202);
    expect((await rows<{ email: string }>('SELECT email FROM subscribers')).map((r) => r.email)).not.toContain('flood5@example.com');
  });

  it('counts an IPv6 /64 as one address', async () => {
    for (let i = 1; i <= 5; i++) expect((await post({ email: `v6-${i}@example.com` }, `2001:db8:aa:bb::${i}`)).res.status).toBe(202);
    expect((await post({ email: 'v6-6@example.com' }, '2001:db8:aa:bb:9:9:9:9')).res.status).toBe(429);
    expect((await post({ email: 'v6-7@example.com' }, '2001:db8:aa:bc::1')).res.status).toBe(202);
  });

  it('throttles repeated attempts for one email address from many addresses', async () => {
    for (let i = 0; i < 3; i++) expect((await post({ email: 'target@example.com' }, `198.51.100.${i + 1}`)).res.status).toBe(202);
    expect((await post({ email: 'Target@EXAMPLE.com' }, '198.51.100.9')).res.status).toBe(429);
  });

  it('refuses an address after too many invalid link tokens', async () => {
    for (let i = 0; i < TOKEN_FAILURE_LIMIT.limit; i++) {
      const { res } = await fetchWorker(`/api/subscribers/unsubscribe?token=bad.${i}`, { method: 'POST', headers: { 'cf-connecting-ip': '203.0.113.66' } }, testEnv);
      expect(res.status).toBe(400);
    }
    const refused = await fetchWorker('/api/subscribers/unsubscribe?token=bad.x', { method: 'POST', headers: { 'cf-connecting-ip': '203.0.113.66' } }, testEnv);
    expect(refused.res.status).toBe(429);
    const other = await fetchWorker('/api/subscribers/unsubscribe?token=bad.x', { method: 'POST', headers: { 'cf-connecting-ip': '198.51.100.1' } }, testEnv);
    expect(other.res.status).toBe(400);
  });
});

describe('CORS on Workers', () => {
  it('answers a listed origin\'s preflight with 204 and refuses any other with 403', async () => {
    const preflight = (origin: string) =>
      fetchWorker('/api/subscribers', { method: 'OPTIONS', headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type' } }, testEnv);
    const ok = await preflight(PARTNER);
    expect(ok.res.status).toBe(204);
    expect(ok.res.headers.get('access-control-allow-origin')).toBe(PARTNER);
    expect(ok.res.headers.get('access-control-allow-credentials')).toBeNull();
    const denied = await preflight('https://evil.example');
    expect(denied.res.status).toBe(403);
    expect(JSON.parse(denied.body)).toMatchObject({ error: { code: 'forbidden' } });
    expect(denied.res.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('marks a listed origin\'s responses and no other\'s', async () => {
    const listed = await post({ email: 'a@example.com' }, '203.0.113.7', { origin: PARTNER });
    expect(listed.res.headers.get('access-control-allow-origin')).toBe(PARTNER);
    expect(listed.res.headers.get('vary')).toMatch(/origin/i);
    const other = await post({ email: 'b@example.com' }, '203.0.113.8', { origin: 'https://evil.example' });
    expect(other.res.headers.get('access-control-allow-origin')).toBeNull();
  });
});

describe('housekeeping on the Cron Trigger', () => {
  const AT = '2025-11-18T09:00:00Z';
  const at = new Date(AT).getTime();

  async function counters(...entries: [string, number][]) {
    for (const [key, start] of entries) await env.DB.prepare('INSERT INTO rate_limits (key, window_start, count) VALUES (?, ?, 1)').bind(key, start).run();
  }

  it('prunes counters no limit can read any more and keeps the rest', async () => {
    await counters(['old', at - 3 * 86_400_000], ['current', at - 3_600_000]);
    await runCron(recordingEnv(), AT);
    expect(await rows('SELECT key FROM rate_limits')).toEqual([{ key: 'current' }]);
  });

  it('prunes even when another job fails', async () => {
    await counters(['old', at - 3 * 86_400_000]);
    await env.DB.prepare('DROP TABLE websub_pings').run();
    const errors = vi.spyOn(console, 'error');
    // With a hub configured, WebSub delivery reads its (now missing) table and fails.
    await runCron({ ...recordingEnv(), WEBSUB_HUB_URL: 'https://hub.example/' }, AT);
    expect(errors.mock.calls.map(([line]) => String(line)).join('\n')).toContain('websub delivery failed');
    expect(await rows('SELECT key FROM rate_limits')).toEqual([]);
  });
});
