/**
 * Sign-up and confirmation over HTTP, then the digest pipeline on Workers: the Cron handler
 * plans editions and enqueues deliveries, the Queue consumer submits them (log mailer: no
 * SMTP_URL in the test bindings).
 */
import { env } from 'cloudflare:workers';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { signToken } from '../../src/subscribers/tokens.js';
import { call, createArticle as createArticleNow } from './support/api.js';
import { fireRealCron, recordingEnv, runCron, runQueue } from './support/handlers.js';

// Tuesday 18 November 2025 in Africa/Casablanca (UTC+1): the daily digest is due from 07:00
// local; the weekly one (Saturday) is not.
const PUBLISHED = '2025-11-18T06:30:00Z';
const BEFORE_DIGEST_HOUR = '2025-11-18T05:00:00Z';
const CRON_AT = '2025-11-18T09:00:00Z';
const CRON_AGAIN = '2025-11-18T09:15:00Z';

/** Readers confirmed the evening before the crons below (the worker stamps its real clock), after 17 November's moment everywhere. */
const CONFIRMED_AT = Date.parse('2025-11-17T18:00:00Z');

/** An article as if it had been added when it was published (the worker stamps its real clock). */
async function createArticle(fields: Parameters<typeof createArticleNow>[0]) {
  const article = await createArticleNow(fields);
  await env.DB.prepare('UPDATE articles SET listed_at = published_at WHERE id = ?').bind(article.id).run();
  return article;
}

async function rows<T>(sql: string, ...binds: unknown[]): Promise<T[]> {
  return (await env.DB.prepare(sql).bind(...binds).all<T>()).results;
}

function subscribe(email: string, frequency: 'daily' | 'weekly' = 'daily', more: Record<string, unknown> = {}) {
  return call('/subscribe', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email, frequency, ...more }) });
}

async function subscriberId(email: string): Promise<string> {
  const [row] = await rows<{ id: string }>('SELECT id FROM subscribers WHERE email = ?', email);
  if (!row) throw new Error(`no subscriber ${email}`);
  return row.id;
}

/**
 * Presses the button on the confirmation page the reader's link opens (a GET never confirms).
 * Signed at the real time: the worker checks expiry against its clock.
 */
async function confirm(email: string): Promise<Response> {
  const token = await signToken(env.SECRET_KEY, 'confirm', await subscriberId(email), new Date());
  return call(`/confirm?token=${encodeURIComponent(token)}`, { method: 'POST' });
}

async function subscribeConfirmed(email: string, frequency: 'daily' | 'weekly' = 'daily', more: Record<string, unknown> = {}): Promise<string> {
  expect((await subscribe(email, frequency, more)).status).toBe(202);
  expect((await confirm(email)).status).toBe(200);
  await env.DB.prepare('UPDATE subscribers SET confirmed_at = ?, updated_at = ? WHERE email = ?').bind(CONFIRMED_AT, CONFIRMED_AT, email).run();
  return subscriberId(email);
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe('sign-up', () => {
  it('answers 202 and records a pending subscriber with its consent', async () => {
    const res = await subscribe('Reader@Example.COM', 'weekly');
    expect(res.status).toBe(202);
    expect(await res.json()).toMatchObject({ status: 'pending' });
    const [row] = await rows<Record<string, unknown>>('SELECT * FROM subscribers');
    expect(row).toMatchObject({ email: 'Reader@example.com', status: 'pending', frequency: 'weekly', consent_source: 'api' });
    expect(row?.confirmation_sent_at).toEqual(expect.any(Number));
  });

  it('confirms through the signed link\'s button, never by opening it, and refuses a tampered one', async () => {
    await subscribe('reader@example.com');
    const token = await signToken(env.SECRET_KEY, 'confirm', await subscriberId('reader@example.com'), new Date());
    expect((await call(`/confirm?token=${token.slice(0, -2)}xx`, { method: 'POST' })).status).toBe(400);
    expect((await call(`/confirm?token=${token}`)).status).toBe(200);
    expect((await rows<{ status: string }>('SELECT status FROM subscribers'))[0]?.status).toBe('pending');
    expect((await call(`/confirm?token=${token}`, { method: 'POST' })).status).toBe(200);
    expect((await rows<{ status: string }>('SELECT status FROM subscribers'))[0]?.status).toBe('confirmed');
  });
});

describe('digest on Workers', () => {
  it('plans one edition across repeated and overlapping cron runs, with deliveries for confirmed subscribers only', async () => {
    const piece = await createArticle({ title: 'رأي في الإصلاح', publishedAt: PUBLISHED });
    const news = await createArticle({ title: 'خبر عاجل', section: { name: 'أخبار', slug: 'news', commentary: false }, publishedAt: PUBLISHED });
    const confirmed = await subscribeConfirmed('confirmed@example.com');
    await subscribeConfirmed('weekly@example.com', 'weekly');
    expect((await subscribe('pending@example.com')).status).toBe(202);
    const testEnv = recordingEnv();

    await runCron(testEnv, BEFORE_DIGEST_HOUR);
    expect(await rows('SELECT id FROM editions')).toEqual([]);

    // Two overlapping ticks (a retried Cron) and a later one in the same period.
    await Promise.all([runCron(testEnv, CRON_AT), runCron(testEnv, CRON_AT)]);
    const queuedByOverlap = testEnv.sent.length;
    await runCron(testEnv, CRON_AGAIN);
    const editions = await rows<{ id: string; cadence: string; period_key: string; status: string; article_ids: string }>('SELECT * FROM editions');
    expect(editions).toHaveLength(1);
    const [edition] = editions;
    expect(edition).toMatchObject({ cadence: 'daily', period_key: '2025-11-18', status: 'sending' });
    expect(JSON.parse(edition?.article_ids ?? '')).toEqual([piece.id]); // not the news item
    expect(JSON.parse(edition?.article_ids ?? '')).not.toContain(news.id);

    const deliveries = await rows<{ id: string; subscriber_id: string; status: string }>('SELECT * FROM deliveries');
    expect(deliveries).toEqual([expect.objectContaining({ subscriber_id: confirmed, status: 'pending' })]);
    // Overlapping ticks may both enqueue (the consumer's claim keeps it to one send); a later
    // tick leaves queued deliveries to the Queue's own retries.
    expect(queuedByOverlap).toBeGreaterThanOrEqual(1);
    expect(queuedByOverlap).toBeLessThanOrEqual(2);
    expect(testEnv.sent).toEqual(Array(queuedByOverlap).fill({ deliveryIds: [deliveries[0]?.id] }));
  });

  it('adds a reader whose local hour comes later to the same edition, and a new reader to none today', async () => {
    await createArticle({ publishedAt: PUBLISHED });
    const first = await subscribeConfirmed('first@example.com');
    const west = await subscribeConfirmed('west@example.com', 'daily', { timezone: 'America/New_York', preferredHour: 7 });
    const testEnv = recordingEnv();
    await runCron(testEnv, CRON_AT);
    expect((await rows<{ subscriber_id: string }>('SELECT subscriber_id FROM deliveries')).map((d) => d.subscriber_id)).toEqual([first]);
    // Confirmed now, after this morning's moment: their first digest is tomorrow's.
    expect((await subscribe('late@example.com')).status).toBe(202);
    expect((await confirm('late@example.com')).status).toBe(200);
    await runCron(testEnv, '2025-11-18T12:00:00Z'); // 07:00 in New York
    const deliveries = await rows<{ subscriber_id: string }>('SELECT subscriber_id FROM deliveries ORDER BY subscriber_id');
    expect(deliveries.map((d) => d.subscriber_id)).toEqual([first, west].sort());
    expect(await rows('SELECT id FROM editions')).toHaveLength(1);
  });

  it('the queue consumer submits each delivery once and closes the edition', async () => {
    await createArticle({ title: 'تحليل الأسبوع', publishedAt: PUBLISHED });
    const ids = [await subscribeConfirmed('a@example.com'), await subscribeConfirmed('b@example.com')];
    const testEnv = recordingEnv();
    await runCron(testEnv, CRON_AT);
    await runCron(testEnv, CRON_AGAIN); // queued already: not enqueued again
    expect(testEnv.sent).toHaveLength(1);

    const logged = vi.spyOn(console, 'log');
    const result = await runQueue(testEnv, testEnv.sent);
    expect(result.retryMessages).toEqual([]);
    expect(result.explicitAcks).toEqual(['message-0']);

    const deliveries = await rows<Record<string, unknown>>('SELECT * FROM deliveries ORDER BY subscriber_id');
    expect(deliveries.map((d) => d.subscriber_id)).toEqual(ids.sort());
    for (const d of deliveries) {
      expect(d).toMatchObject({ status: 'submitted', attempts: 1, smtp_response: 'logged (no SMTP_URL configured)', error: null });
      expect(d.message_id).toMatch(/^<.+@.+>$/);
      expect(d.submitted_at).toEqual(expect.any(Number));
    }
    const mails = logged.mock.calls.map(([line]) => String(line)).filter((line) => line.includes('mail not sent'));
    expect(mails).toHaveLength(2); // one per subscriber
    for (const d of deliveries) expect(mails.join('\n')).toContain(JSON.stringify(d.message_id)); // addresses stay out of logs
    expect((await rows<{ status: string }>('SELECT status FROM editions'))[0]?.status).toBe('sent');
  });

  it('logs and acks what lands on the dead-letter queue, leaving the deliveries for the cron', async () => {
    await createArticle({ publishedAt: PUBLISHED });
    await subscribeConfirmed('reader@example.com');
    const testEnv = recordingEnv();
    await runCron(testEnv, CRON_AT);
    const errors = vi.spyOn(console, 'error');
    const result = await runQueue(testEnv, testEnv.sent, 'nashra-deliveries-dead');
    expect(result.explicitAcks).toEqual(['message-0']);
    expect(errors.mock.calls.map(([line]) => String(line)).join('\n')).toContain('digest deliveries dead-lettered');
    expect(await rows('SELECT status FROM deliveries')).toEqual([{ status: 'pending' }]);
  });

  it('skips the edition and enqueues nothing when there is no commentary to send', async () => {
    await createArticle({ section: { name: 'أخبار', slug: 'news', commentary: false }, publishedAt: PUBLISHED });
    await subscribeConfirmed('reader@example.com');
    const testEnv = recordingEnv();
    await runCron(testEnv, CRON_AT);
    expect(await rows<{ status: string }>('SELECT status FROM editions')).toEqual([{ status: 'skipped' }]);
    expect(await rows('SELECT id FROM deliveries')).toEqual([]);
    expect(testEnv.sent).toEqual([]);
  });

  // The path as wrangler.toml wires it: the Cron handler of the main module sends to the real
  // DELIVERIES Queue, and Miniflare hands the batch to the consumer (after max_batch_timeout).
  it('goes from the Cron Trigger through the real Queue to a submitted delivery', async () => {
    await createArticle({ publishedAt: PUBLISHED });
    await subscribeConfirmed('reader@example.com');
    await fireRealCron(CRON_AT);
    expect(await rows('SELECT status FROM deliveries')).toHaveLength(1);
    await vi.waitFor(async () => expect(await rows('SELECT status FROM deliveries')).toEqual([{ status: 'submitted' }]), { timeout: 15_000, interval: 250 });
    expect(await rows('SELECT status FROM editions')).toEqual([{ status: 'sent' }]);
  }, 20_000);
});
