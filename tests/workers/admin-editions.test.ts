/**
 * The admin editions API inside workerd, against D1: the list with counts and problems (its
 * grouped queries take the page's ids as one JSON parameter), preview, and pause, resume and
 * cancel with the Cron planning and the Queue consumer sending.
 */
import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { admin, call, createArticle, type ErrorJson } from './support/api.js';
import { recordingEnv, runCron, runQueue } from './support/handlers.js';

const BASE = '/api/admin/editions';
// Tuesday 18 November 2025, 10:00 in Africa/Casablanca: the daily digest is due.
const PUBLISHED = '2025-11-18T06:30:00Z';
const CRON_AT = '2025-11-18T09:00:00Z';

type Counts = { pending: number; sending: number; submitted: number; failed: number; bounced: number; skipped: number; total: number };
type EditionJson = { id: string; status: string; periodKey: string; segment: { key: string }; counts: Counts; stuck: boolean; problems: string[]; articleCount: number };
type Page = { items: EditionJson[]; nextCursor: string | null };

async function rows<T>(sql: string, ...binds: unknown[]): Promise<T[]> {
  return (await env.DB.prepare(sql).bind(...binds).all<T>()).results;
}

/** Confirmed daily readers, straight into D1. */
async function readers(n: number): Promise<void> {
  const stmt = env.DB.prepare(
    `INSERT INTO subscribers (id, email, status, frequency, created_at, updated_at, consent_at, consent_source, consent_policy_version)
     VALUES (?, ?, 'confirmed', 'daily', 1763000000000, 1763000000000, 1763000000000, 'page', '2025-11')`,
  );
  await env.DB.batch(Array.from({ length: n }, (_, i) => stmt.bind(`01K${String(i).padStart(23, '0')}`, `reader${i}@example.com`)));
}

async function json<T>(res: Promise<Response>, status = 200): Promise<T> {
  const r = await res;
  expect(r.status, await r.clone().text()).toBe(status);
  return r.json<T>();
}

/** Plans the day's edition through the Cron handler; its Queue only records. */
async function planned() {
  await createArticle({ title: 'رأي في الإصلاح', publishedAt: PUBLISHED });
  // Stored now, it would be listed (seen by readers) only now, after the cron time below.
  await env.DB.prepare('UPDATE articles SET listed_at = published_at').run();
  await readers(3);
  const testEnv = recordingEnv();
  await runCron(testEnv, CRON_AT);
  const [edition] = (await json<Page>(admin(BASE))).items;
  return { testEnv, edition: edition as EditionJson };
}

describe('admin editions API on Workers', () => {
  it('401 without the admin token', async () => {
    const res = await call(BASE);
    expect(res.status).toBe(401);
    expect((await res.json<ErrorJson>()).error.code).toBe('unauthorized');
  });

  it('lists an edition with its counts, flags pending deliveries nobody sent, and previews it', async () => {
    const { edition } = await planned();
    expect(edition).toMatchObject({ status: 'sending', periodKey: '2025-11-18', segment: { key: 'all' }, articleCount: 1 });
    expect(edition.counts).toEqual({ pending: 3, sending: 0, submitted: 0, failed: 0, bounced: 0, skipped: 0, total: 3 });
    // The Queue of this test never ran, and the API reads the real clock, long after the cron time.
    expect(edition.stuck).toBe(true);
    expect(edition.problems).toEqual([expect.stringMatching(/^3 pending deliveries due for \d+ minutes and not sent$/)]);
    const html = await admin(`${BASE}/${edition.id}/preview.html`);
    expect(html.headers.get('content-type')).toBe('text/html; charset=utf-8');
    const page = await html.text();
    expect(page).toContain('lang="ar" dir="rtl"');
    expect(page).toContain('رأي في الإصلاح');
  });

  it('pauses (the consumer claims nothing), resumes (it sends), and refuses a change the status does not allow', async () => {
    const { testEnv, edition } = await planned();
    expect(await json<EditionJson>(admin(`${BASE}/${edition.id}/pause`, 'POST'))).toMatchObject({ status: 'paused', stuck: false, problems: [] });
    await runQueue(testEnv, testEnv.sent);
    expect(await rows('SELECT id FROM deliveries WHERE status = ?', 'pending')).toHaveLength(3);

    expect(await json<EditionJson>(admin(`${BASE}/${edition.id}/resume`, 'POST'))).toMatchObject({ status: 'sending' });
    // The consumer acknowledged its messages while paused: the next cron puts them on the Queue again.
    const queuedBefore = testEnv.sent.length;
    await runCron(testEnv, CRON_AT);
    const requeued = testEnv.sent.slice(queuedBefore);
    expect(requeued.flatMap((m) => m.deliveryIds)).toHaveLength(3);
    await runQueue(testEnv, requeued);
    const sent = await json<EditionJson>(admin(`${BASE}/${edition.id}`));
    expect(sent).toMatchObject({ status: 'sent', stuck: false, problems: [], counts: { submitted: 3, total: 3 } });
    const refused = await admin(`${BASE}/${edition.id}/pause`, 'POST');
    expect(refused.status).toBe(409);
    expect((await refused.json<ErrorJson>()).error.message).toContain('it is sent');
  });

  it('cancels: pending deliveries are skipped and the consumer sends nothing', async () => {
    const { testEnv, edition } = await planned();
    const cancelled = await json<EditionJson>(admin(`${BASE}/${edition.id}/cancel`, 'POST'));
    expect(cancelled).toMatchObject({ status: 'cancelled', counts: { skipped: 3, pending: 0, total: 3 } });
    expect(await rows('SELECT DISTINCT error FROM deliveries')).toEqual([{ error: 'edition cancelled' }]);
    await runQueue(testEnv, testEnv.sent);
    expect(await rows('SELECT id FROM deliveries WHERE status = ?', 'submitted')).toEqual([]);
    expect((await admin(`${BASE}/${edition.id}/resume`, 'POST')).status).toBe(409);
    expect((await admin(`${BASE}/nope/cancel`, 'POST')).status).toBe(404);
  });

  it('pages through more editions than D1 takes bound parameters', async () => {
    const stmt = env.DB.prepare(
      `INSERT INTO editions (id, cadence, period_key, segment_key, status, window_end, article_ids, created_at) VALUES (?, 'daily', ?, 'all', 'sent', 1763000000000, '[]', ?)`,
    );
    await env.DB.batch(Array.from({ length: 130 }, (_, i) => stmt.bind(`01E${String(i).padStart(23, '0')}`, `2025-0${1 + (i % 9)}-${String(i).padStart(3, '0')}`, 1763000000000 + i)));
    const first = await json<Page>(admin(`${BASE}?limit=100`));
    expect(first.items).toHaveLength(100);
    expect(first.items[0]?.id).toBe(`01E${String(129).padStart(23, '0')}`);
    const second = await json<Page>(admin(`${BASE}?limit=100&cursor=${first.nextCursor}`));
    expect(second.items).toHaveLength(30);
    expect(second.nextCursor).toBeNull();
  });
});
