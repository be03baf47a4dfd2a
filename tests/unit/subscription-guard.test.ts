/**
 * The sign-up page asks the abuse guard first, with the client's address, the email and the
 * Turnstile token, and records nothing when it refuses.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { rateLimited } from '../../src/errors.js';
import { findSubscriberByEmail } from '../../src/storage/subscribers.js';
import { createTestApp, createTestDeps, type TestDeps } from '../support/deps.js';
import { formPost } from './subscription-support.js';

const guard = vi.hoisted(() => ({ check: vi.fn<(deps: unknown, attempt: unknown) => Promise<void>>() }));
vi.mock('../../src/subscribers/abuse.js', () => ({ checkSignupAllowed: guard.check }));

let deps: TestDeps;
let app: ReturnType<typeof createTestApp>;
beforeEach(() => {
  guard.check.mockReset().mockResolvedValue(undefined);
  deps = createTestDeps({ config: { TURNSTILE_SITE_KEY: 'site-key' } });
  app = createTestApp(deps);
});
afterEach(() => deps.close());

const peer = { incoming: { socket: { remoteAddress: '198.51.100.20' } } };

describe('the guard in front of sign-up', () => {
  it('gets the client address, the email and the Turnstile response of the form', async () => {
    const res = await app.request('/subscribe', formPost({ email: 'g@example.com', frequency: 'daily', 'cf-turnstile-response': 'XXXX.DUMMY.TOKEN' }), peer);
    expect(res.status).toBe(200);
    expect(guard.check).toHaveBeenCalledTimes(1);
    expect(guard.check.mock.calls[0]![1]).toEqual({ ip: '198.51.100.20', email: 'g@example.com', turnstileToken: 'XXXX.DUMMY.TOKEN' });
  });

  it('is asked for JSON sign-ups on the same path too', async () => {
    await app.request('/subscribe', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: 'j@example.com', turnstileToken: 'T' }) }, peer);
    expect(guard.check.mock.calls[0]![1]).toEqual({ ip: '198.51.100.20', email: 'j@example.com', turnstileToken: 'T' });
  });

  it('when it refuses, nothing is recorded or sent and the page says so in the reader\'s language', async () => {
    guard.check.mockRejectedValue(rateLimited('Too many sign-ups', 30_000));
    const res = await app.request('/subscribe?lang=en', formPost({ email: 'r@example.com', frequency: 'daily' }), peer);
    expect(res.status).toBe(429);
    expect(res.headers.get('retry-after')).toBe('30');
    const html = await res.text();
    expect(html).toMatch(/<html lang="en" dir="ltr">/);
    expect(html).toContain('Too many requests');
    await Promise.all(deps.deferred);
    expect(deps.mailer.sent).toEqual([]);
    expect(await findSubscriberByEmail(deps.db, 'r@example.com')).toBeUndefined();
    const arabic = await app.request('/subscribe', formPost({ email: 'r@example.com', frequency: 'daily' }), peer);
    expect(await arabic.text()).toContain('طلبات كثيرة');
  });

  it('is not asked for a form with errors (which records nothing anyway)', async () => {
    const res = await app.request('/subscribe', formPost({ email: 'not-an-address' }), peer);
    expect(res.status).toBe(400);
    expect(guard.check).not.toHaveBeenCalled();
  });
});
