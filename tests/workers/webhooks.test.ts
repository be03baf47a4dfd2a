/**
 * The signed mail-events webhook inside workerd with D1: signature check with WebCrypto,
 * suppression written to D1, a retried event applied once, and the admin list reading it.
 */
import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { signWebhook } from '../../src/http/webhook-signature.js';
import { admin } from './support/api.js';
import { envWith, fetchWorker } from './support/feeds.js';

const SECRET = 'whsec-workers-0123456789abcdef';

async function rows<T>(sql: string, ...binds: unknown[]): Promise<T[]> {
  return (await env.DB.prepare(sql).bind(...binds).all<T>()).results;
}

async function addSubscriber(email: string): Promise<void> {
  const now = Date.now();
  await env.DB.prepare(
    `INSERT INTO subscribers (id, email, status, frequency, created_at, updated_at, consent_at, consent_source, consent_policy_version)
     VALUES (?, ?, 'confirmed', 'daily', ?, ?, ?, 'page', '2026-11')`,
  )
    .bind(`sub-${email}`, email, now, now, now)
    .run();
}

/** POSTs `body` to the webhook with WEBHOOK_SECRET set, signed now with `secret` (or with `signature` as given). */
async function post(body: string, opts: { contentType?: string; secret?: string; signature?: string } = {}) {
  const signature = opts.signature ?? (await signWebhook(opts.secret ?? SECRET, body, new Date()));
  const { res, body: text } = await fetchWorker(
    '/webhooks/mail-events',
    { method: 'POST', headers: { 'content-type': opts.contentType ?? 'application/json', 'x-nashra-signature': signature }, body },
    envWith({ WEBHOOK_SECRET: SECRET }),
  );
  return { status: res.status, json: JSON.parse(text) as Record<string, unknown> };
}

describe('mail-events webhook on Workers', () => {
  it('is refused while WEBHOOK_SECRET is not set', async () => {
    const body = JSON.stringify({ events: [] });
    const { res } = await fetchWorker('/webhooks/mail-events', {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-nashra-signature': await signWebhook(SECRET, body, new Date()) },
      body,
    });
    expect(res.status).toBe(403);
  });

  it('refuses a bad signature and a stale one', async () => {
    const body = JSON.stringify({ events: [{ id: 'e1', type: 'bounce', email: 'gone@example.com', bounceType: 'hard' }] });
    expect((await post(body, { secret: 'not-the-secret-0123456789' })).status).toBe(401);
    expect((await post(body, { signature: await signWebhook(SECRET, body, new Date(Date.now() - 10 * 60_000)) })).status).toBe(401);
    expect(await rows('SELECT * FROM suppressions')).toEqual([]);
  });

  it('suppresses a bounced address in D1, applies a retried event once, and shows it to the admin', async () => {
    await addSubscriber('gone@example.com');
    await addSubscriber('full@example.com');
    const body = JSON.stringify({
      provider: 'relay',
      events: [
        { id: 'e1', type: 'bounce', email: 'gone@example.com', bounceType: 'hard', detail: '550 5.1.1' },
        { id: 'e2', type: 'bounce', email: 'full@example.com', bounceType: 'soft' },
        { id: 'e3', type: 'clicked', email: 'gone@example.com' },
      ],
    });
    expect(await post(body)).toEqual({ status: 200, json: { applied: 2, duplicates: 0, ignored: 1 } });
    expect(await post(body)).toEqual({ status: 200, json: { applied: 0, duplicates: 2, ignored: 1 } });

    const subscribers = await rows<{ email: string; suppressed_at: number | null; soft_bounces: number }>('SELECT email, suppressed_at, soft_bounces FROM subscribers ORDER BY email');
    expect(subscribers).toEqual([
      { email: 'full@example.com', suppressed_at: null, soft_bounces: 1 },
      { email: 'gone@example.com', suppressed_at: expect.any(Number), soft_bounces: 0 },
    ]);
    expect(await rows('SELECT reason, source, detail FROM suppressions')).toEqual([{ reason: 'hard_bounce', source: 'webhook:relay', detail: '550 5.1.1' }]);

    const check = await admin('/api/admin/suppressions?email=gone@example.com');
    expect(await check.json()).toMatchObject({ suppressed: true, entry: { reason: 'hard_bounce' } });
  });

  it('takes a signed RFC 3464 report', async () => {
    const report = [
      '--b',
      'Content-Type: message/delivery-status',
      '',
      'Reporting-MTA: dns; relay.nashra.test',
      '',
      'Final-Recipient: rfc822; gone@example.com',
      'Action: failed',
      'Status: 5.1.1',
      '--b--',
      '',
    ].join('\r\n');
    const res = await post(report, { contentType: 'multipart/report; report-type=delivery-status; boundary=b' });
    expect(res).toEqual({ status: 200, json: { applied: 1, duplicates: 0, ignored: 0 } });
    expect(await rows('SELECT reason, source FROM suppressions')).toEqual([{ reason: 'hard_bounce', source: 'dsn' }]);
  });
});
