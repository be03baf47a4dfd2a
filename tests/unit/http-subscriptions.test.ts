import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { findSubscriberByEmail } from '../../src/storage/subscribers.js';
import { createTestApp, createTestDeps, type TestDeps } from '../support/deps.js';

let deps: TestDeps;
let app: ReturnType<typeof createTestApp>;
beforeEach(() => {
  deps = createTestDeps();
  app = createTestApp(deps);
});
afterEach(() => deps.close());

const form = (fields: Record<string, string>) => ({
  method: 'POST',
  headers: { 'content-type': 'application/x-www-form-urlencoded', 'user-agent': 'Test/1.0', 'x-forwarded-for': '203.0.113.7' },
  body: new URLSearchParams(fields).toString(),
});
const linkIn = (text: string, path: string) => new URL(text.match(new RegExp(`https://nashra\\.test${path}\\?token=[\\w.-]+`))?.[0] as string);

describe('subscription cycle on Node', () => {
  it('signs up (pending, consent recorded), mails only a confirmation, confirms through its link', async () => {
    const page = await app.request('/subscribe', form({ email: 'Layla@Example.com', name: 'ليلى', frequency: 'weekly' }));
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('تحقّق من بريدك');
    const s = await findSubscriberByEmail(deps.db, 'Layla@example.com');
    expect(s).toMatchObject({ status: 'pending', frequency: 'weekly', name: 'ليلى', consentSource: 'page', consentIp: '203.0.113.7', consentUserAgent: 'Test/1.0', consentPolicyVersion: '2026-11' });
    expect(deps.mailer.sent).toHaveLength(1);
    const mail = deps.mailer.sent[0]!;
    expect(mail.subject).toBe('أكّد اشتراكك في نشرة');
    expect(mail.html).toMatch(/<html lang="ar" dir="rtl"/);
    expect(mail.text).not.toContain('Layla@'); // no address in links
    const confirm = linkIn(mail.text, '/confirm');
    const res = await app.request(confirm.pathname + confirm.search);
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('تم تأكيد اشتراكك');
    expect((await findSubscriberByEmail(deps.db, 'Layla@example.com'))?.status).toBe('confirmed');
  });

  it('answers the same for new, pending and confirmed addresses, and does not re-mail within 10 minutes', async () => {
    const json = (email: string) => ({ method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email, frequency: 'daily' }) });
    const first = await app.request('/subscribe', json('a@example.com'));
    const again = await app.request('/subscribe', json('a@example.com'));
    expect(first.status).toBe(202);
    expect(again.status).toBe(202);
    expect(await again.json()).toEqual(await first.json());
    expect(deps.mailer.sent).toHaveLength(1);
    deps.clock.advance(11 * 60_000);
    await app.request('/subscribe', json('a@example.com'));
    expect(deps.mailer.sent).toHaveLength(2);
  });

  it('ignores a filled-in honeypot but answers as usual', async () => {
    const res = await app.request('/subscribe', form({ email: 'bot@example.com', frequency: 'daily', website: 'http://spam.test' }));
    expect(res.status).toBe(200);
    expect(deps.mailer.sent).toHaveLength(0);
    expect(await findSubscriberByEmail(deps.db, 'bot@example.com')).toBeUndefined();
  });

  it('rejects a bad address with 400 JSON for the API and an Arabic page for people', async () => {
    const api = await app.request('/subscribe', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: 'x@y.z\r\nBcc: v@w.x' }) });
    expect(api.status).toBe(400);
    expect(await api.json()).toMatchObject({ error: { code: 'invalid_request' } });
    const page = await app.request('/subscribe', form({ email: 'nope' }));
    expect(page.status).toBe(400);
    const html = await page.text();
    expect(html).toContain('dir="rtl"');
    expect(html).toContain('تعذّر إتمام الطلب');
  });

  it('shows a friendly page, not a stack trace, for a tampered link', async () => {
    const res = await app.request('/confirm?token=eyJwIjoiY29uZmlybSJ9.AAAA');
    expect(res.status).toBe(400);
    const html = await res.text();
    expect(html).toContain('الرابط غير صالح');
    expect(html).not.toMatch(/at \w+ \(|Error:/);
  });

  it('unsubscribes with one POST but never with a GET', async () => {
    await app.request('/subscribe', form({ email: 'b@example.com', frequency: 'daily' }));
    await app.request(linkIn(deps.mailer.sent[0]!.text, '/confirm').pathname + linkIn(deps.mailer.sent[0]!.text, '/confirm').search);
    const s = (await findSubscriberByEmail(deps.db, 'b@example.com'))!;
    const { signToken } = await import('../../src/subscribers/tokens.js');
    const token = await signToken(deps.config.SECRET_KEY, 'unsubscribe', s.id, deps.clock.now());
    const get = await app.request(`/unsubscribe?token=${token}`);
    expect(get.status).toBe(200);
    expect((await findSubscriberByEmail(deps.db, 'b@example.com'))?.status).toBe('confirmed');
    const post = await app.request(`/unsubscribe?token=${token}`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'List-Unsubscribe=One-Click',
    });
    expect(post.status).toBe(200);
    expect((await findSubscriberByEmail(deps.db, 'b@example.com'))?.status).toBe('unsubscribed');
  });
});
