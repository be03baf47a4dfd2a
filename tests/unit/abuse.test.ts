import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AppError } from '../../src/errors.js';
import { hitRateLimit } from '../../src/storage/rate-limits.js';
import { rateLimits } from '../../src/storage/schema.js';
import { checkSignupAllowed, pruneOldRateLimits, SIGNUP_LIMITS, type SignupAttempt } from '../../src/subscribers/abuse.js';
import { verifyTurnstile } from '../../src/subscribers/turnstile.js';
import { createTestDeps, type TestDeps } from '../support/deps.js';
import { addSubscriber } from '../support/fixtures.js';
import { startSiteverify, type Siteverify } from '../support/siteverify.js';

const NOW = '2026-11-29T08:03:00Z'; // 3 minutes into a 10-minute window, 3 into an hour
const SECRET = 'turnstile-test-secret';

let deps: TestDeps;
let siteverify: Siteverify;
beforeEach(async () => {
  deps = createTestDeps({ now: NOW });
  siteverify = await startSiteverify();
});
afterEach(async () => {
  await siteverify.close();
  await deps.close();
});

let n = 0;
const attempt = (over: Partial<SignupAttempt> = {}): SignupAttempt => ({ ip: '203.0.113.7', email: `reader${++n}@example.com`, ...over });
const check = (a: SignupAttempt, d: TestDeps = deps) => checkSignupAllowed(d, a, { turnstileVerifyUrl: siteverify.url });

/** The AppError a call throws (fails the test if it resolves). */
async function refusal(p: Promise<unknown>): Promise<AppError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(err instanceof AppError)) throw new Error(`expected an AppError, got ${String(err)}`);
  return err;
}

describe('sign-up limits per client address', () => {
  it('allows five sign-ups in ten minutes, then refuses with the time left in the window, while another address goes on', async () => {
    for (let i = 0; i < 5; i++) await check(attempt());
    const err = await refusal(check(attempt()));
    expect(err.code).toBe('rate_limited');
    expect(err.retryAfter).toBe(7 * 60); // the window ends at 08:10
    await expect(check(attempt({ ip: '203.0.113.8' }))).resolves.toBeUndefined();
    deps.clock.set('2026-11-29T08:10:00Z');
    await expect(check(attempt())).resolves.toBeUndefined();
  });

  it('caps one address at 30 a day, and then says to come back tomorrow (UTC)', async () => {
    deps.clock.set('2026-11-29T08:00:00Z');
    for (let w = 0; w < 6; w++) {
      for (let i = 0; i < 5; i++) await check(attempt());
      deps.clock.advance(10 * 60_000);
    }
    const err = await refusal(check(attempt()));
    expect(err.code).toBe('rate_limited');
    expect(err.retryAfter).toBe(15 * 3600); // from 09:00 to midnight
  });

  it('counts an IPv6 /64 as one address', async () => {
    for (let i = 1; i <= 5; i++) await check(attempt({ ip: `2001:db8:aa:bb::${i}` }));
    expect((await refusal(check(attempt({ ip: '2001:db8:aa:bb:ffff:1:2:3' })))).code).toBe('rate_limited');
    await expect(check(attempt({ ip: '2001:db8:aa:bc::1' }))).resolves.toBeUndefined();
  });

  it('counts refused attempts too, so hammering a closed window uses up the day', async () => {
    deps.clock.set('2026-11-29T08:00:00Z');
    for (let i = 0; i < SIGNUP_LIMITS.perIp[1]!.limit; i++) await check(attempt()).catch(() => undefined);
    deps.clock.advance(10 * 60_000);
    expect((await refusal(check(attempt()))).retryAfter).toBeGreaterThan(3600);
  });
});

describe('sign-up limits per email address', () => {
  it('allows three attempts an hour for one normalised address, from any network', async () => {
    const ips = ['198.51.100.1', '198.51.100.2', '198.51.100.3', '198.51.100.4'];
    await check({ ip: ips[0]!, email: 'Layla@Example.com' });
    await check({ ip: ips[1]!, email: ' Layla@EXAMPLE.COM ' });
    await check({ ip: ips[2]!, email: 'Layla@example.com' });
    const err = await refusal(check({ ip: ips[3]!, email: 'Layla@example.com' }));
    expect(err.code).toBe('rate_limited');
    expect(err.retryAfter).toBe(57 * 60);
    await expect(check({ ip: ips[3]!, email: 'other@example.com' })).resolves.toBeUndefined();
  });

  it('answers the same for a subscribed address as for an unknown one', async () => {
    await addSubscriber(deps, { email: 'known@example.com', status: 'confirmed' });
    const refusals: AppError[] = [];
    for (const email of ['known@example.com', 'unknown@example.com']) {
      for (let i = 0; i < 3; i++) await check({ ip: `198.51.100.${10 + i}`, email });
      refusals.push(await refusal(check({ ip: '198.51.100.20', email })));
    }
    const [a, b] = refusals.map((e) => ({ code: e.code, message: e.message, retryAfter: e.retryAfter }));
    expect(a).toEqual(b);
  });

  it('keeps no email or IP address in its counters', async () => {
    await check({ ip: '198.51.100.1', email: 'private.person@example.com' });
    await check({ ip: '2001:db8:aa:bb::1', email: 'private.person@example.com' });
    const keys = (await deps.db.select().from(rateLimits).all()).map((r) => r.key);
    expect(keys).toHaveLength(5); // two windows per client address, one for the email
    // A keyed hash after the limit's name: no room for an "@", a "." or an IPv6 ":".
    for (const key of keys) expect(key).toMatch(/^signup:(ip|email):\d+:[0-9a-f]{32,64}$/);
  });

  it('limits by email only when no client address can be trusted', async () => {
    for (let i = 0; i < 8; i++) await check(attempt({ ip: null }));
    expect((await deps.db.select().from(rateLimits).all()).every((r) => r.key.startsWith('signup:email:'))).toBe(true);
  });

  it('refuses an address that is not one before counting anything', async () => {
    expect((await refusal(check(attempt({ email: 'x@y.z\r\nBcc: v@w.x' })))).code).toBe('invalid_request');
    expect(await deps.db.select().from(rateLimits).all()).toEqual([]);
  });
});

describe('Turnstile', () => {
  let guarded: TestDeps;
  beforeEach(() => {
    guarded = createTestDeps({ now: NOW, config: { TURNSTILE_SECRET: SECRET } });
  });
  afterEach(() => guarded.close());

  it('is not asked when TURNSTILE_SECRET is unset', async () => {
    await check(attempt({ turnstileToken: 'whatever' }));
    expect(siteverify.requests).toEqual([]);
  });

  it('lets a sign-up through once siteverify accepts its token, sending secret, token and address', async () => {
    await expect(check(attempt({ turnstileToken: 'pass' }), guarded)).resolves.toBeUndefined();
    expect(siteverify.requests).toEqual([{ secret: SECRET, response: 'pass', remoteip: '203.0.113.7' }]);
  });

  it.each([
    ['missing', undefined, /Complete the anti-bot check/],
    ['blank', '   ', /Complete the anti-bot check/],
    ['rejected', 'forged', /anti-bot check failed/],
    ['used twice or expired', 'used', /expired/],
    ['longer than any token', 'x'.repeat(2049), /anti-bot check failed/],
  ])('refuses a %s token with 400', async (_, token, message) => {
    const err = await refusal(check(attempt({ turnstileToken: token }), guarded));
    expect(err.code).toBe('invalid_request');
    expect(err.message).toMatch(message);
  });

  it('does not ask siteverify about a missing token', async () => {
    await refusal(check(attempt(), guarded));
    expect(siteverify.requests).toEqual([]);
  });

  it.each([
    ['answers 500', () => ({ status: 500, body: 'oops' })],
    ['answers something that is not JSON', () => ({ status: 200, body: '<html>' })],
    ['refuses our secret', () => ({ status: 200, body: JSON.stringify({ success: false, 'error-codes': ['invalid-input-secret'] }) })],
    ['has an internal error', () => ({ status: 200, body: JSON.stringify({ success: false, 'error-codes': ['internal-error'] }) })],
  ])('refuses with 503 and Retry-After when siteverify %s', async (_, answer) => {
    siteverify.answerWith(answer);
    const err = await refusal(check(attempt({ turnstileToken: 'pass' }), guarded));
    expect(err.code).toBe('unavailable');
    expect(err.retryAfter).toBe(30);
  });

  it('gives up on a siteverify that does not answer in time', async () => {
    siteverify.answerWith(() => ({ status: 200, body: '{"success":true}', delayMs: 1_000 }));
    const started = Date.now();
    const err = await refusal(verifyTurnstile(guarded, { secret: SECRET, token: 'pass', ip: null, verifyUrl: siteverify.url, timeoutMs: 150 }));
    expect(err.code).toBe('unavailable');
    expect(Date.now() - started).toBeLessThan(900);
  });

  it('refuses with 503 when siteverify cannot be reached', async () => {
    await siteverify.close();
    const err = await refusal(check(attempt({ turnstileToken: 'pass' }), guarded));
    expect(err.code).toBe('unavailable');
  });

  it('runs after the client-address limit, so a flood never reaches siteverify', async () => {
    for (let i = 0; i < 12; i++) await check(attempt({ turnstileToken: 'forged' }), guarded).catch(() => undefined);
    expect(siteverify.requests).toHaveLength(5);
  });

  it('runs before the email limit, so a bot without a token cannot use up a victim\'s attempts', async () => {
    for (let i = 0; i < 6; i++) await refusal(check({ ip: `198.51.100.${i + 1}`, email: 'victim@example.com', turnstileToken: 'forged' }, guarded));
    await expect(check({ ip: '198.51.100.50', email: 'victim@example.com', turnstileToken: 'pass' }, guarded)).resolves.toBeUndefined();
  });
});

describe('pruning', () => {
  it('deletes counters older than the longest window and keeps the rest', async () => {
    const now = deps.clock.now();
    await hitRateLimit(deps.db, 'old', new Date(now.getTime() - 2 * 86_400_000), 600_000, 5);
    await hitRateLimit(deps.db, 'yesterday-day-window', new Date(now.getTime() - 86_400_000 + 60_000), 60_000, 5);
    await hitRateLimit(deps.db, 'current', now, 86_400_000, 5);
    await pruneOldRateLimits(deps, now);
    expect((await deps.db.select().from(rateLimits).all()).map((r) => r.key).sort()).toEqual(['current', 'yesterday-day-window']);
  });
});
