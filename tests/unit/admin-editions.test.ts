/** The admin editions API on Node: list with counts, detail, preview, test send, pause/resume/cancel, review, stuck sends. */
import { eq } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { EditionDetailJson, EditionJson } from '../../src/digests/edition-json.js';
import { runDigestTick } from '../../src/digests/schedule.js';
import { sendDeliveries } from '../../src/digests/send.js';
import { reportStuckSends } from '../../src/digests/stuck.js';
import { MailSubmitError, type MailMessage } from '../../src/email/mailer.js';
import { silentLog } from '../../src/log.js';
import { claimDelivery, finishDelivery } from '../../src/storage/editions.js';
import { articles, deliveries, editions, type DeliveryRow } from '../../src/storage/schema.js';
import { suppressAddress } from '../../src/subscribers/suppression.js';
import { adminHeaders, createTestApp, createTestDeps, type TestDeps } from '../support/deps.js';
import { addArticle, addSubscriber } from '../support/fixtures.js';

let deps: TestDeps;
let app: ReturnType<typeof createTestApp>;
function setUp(config: Record<string, string> = {}) {
  deps = createTestDeps({ now: '2026-11-29T08:00:00Z', config }); // 09:00 in Casablanca
  app = createTestApp(deps);
}
beforeEach(() => setUp());
afterEach(() => {
  vi.restoreAllMocks();
  return deps.close();
});

const BASE = '/api/admin/editions';
type Page = { items: EditionJson[]; nextCursor: string | null };

const call = (path: string, method = 'GET', body?: unknown, headers: Record<string, string> = adminHeaders) =>
  app.request(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
async function ok<T>(res: Response | Promise<Response>, status = 200): Promise<T> {
  const r = await res;
  expect(r.status, await r.clone().text()).toBe(status);
  return (await r.json()) as T;
}
async function expectError(res: Response | Promise<Response>, status: number, code: string): Promise<string> {
  const r = await res;
  const body = (await r.json()) as { error: { code: string; message: string } };
  expect(r.status, body.error.message).toBe(status);
  expect(body.error.code, body.error.message).toBe(code);
  return body.error.message;
}

/** Plans the day's editions at the current clock without sending anything. */
async function plan() {
  const dispatcher = deps.dispatcher;
  deps.dispatcher = { dispatch: async () => {} };
  try {
    return await runDigestTick(deps, deps.clock.now(), { cadences: ['daily'] });
  } finally {
    deps.dispatcher = dispatcher;
  }
}
const deliveriesOf = (editionId: string) => deps.db.select().from(deliveries).where(eq(deliveries.editionId, editionId)).all() as Promise<DeliveryRow[]>;
const editionRow = async (id: string) => (await deps.db.select().from(editions).where(eq(editions.id, id)).get())!;
const piece = (title: string, publishedAt = '2026-11-29T05:00:00Z', more: Record<string, unknown> = {}) => addArticle(deps, { title, publishedAt, ...more });

describe('admin editions API: access and unknown editions', () => {
  it('answers 401 without the admin token and 404 for an unknown edition, on every route', async () => {
    const routes: [string, string, unknown?][] = [
      ['GET', BASE],
      ['GET', `${BASE}/nope`],
      ['GET', `${BASE}/nope/preview.html`],
      ['GET', `${BASE}/nope/preview.txt`],
      ['POST', `${BASE}/nope/test`, { email: 'editor@example.com' }],
      ['POST', `${BASE}/nope/pause`],
      ['POST', `${BASE}/nope/resume`],
      ['POST', `${BASE}/nope/cancel`],
      ['PUT', `${BASE}/nope/articles`, { articleIds: ['x'] }],
    ];
    for (const [method, path, body] of routes) {
      await expectError(call(path, method, body, { 'content-type': 'application/json' }), 401, 'unauthorized');
      if (path !== BASE) await expectError(call(path, method, body), 404, 'not_found');
    }
    expect(deps.mailer.sent).toHaveLength(0);
  });
});

describe('admin editions API: list and detail', () => {
  it('lists editions newest first with their segment, counts and problems, and pages through them', async () => {
    const first = await piece('الرأي الأول', '2026-11-29T05:00:00Z');
    await piece('الرأي الثاني', '2026-11-29T06:00:00Z', { section: { name: 'اقتصاد', slug: 'economy' } });
    const ok1 = await addSubscriber(deps, { email: 'ok@example.com' });
    await addSubscriber(deps, { email: 'broken@example.com' });
    await addSubscriber(deps, { email: 'opinion@example.com', segmentKey: `s=${first.section.id};a=` });
    const real = deps.mailer;
    deps.mailer = Object.assign(Object.create(real), {
      sent: real.sent,
      async send(m: MailMessage) {
        if (m.to === 'broken@example.com') throw new MailSubmitError('refused by policy', true);
        return real.send(m);
      },
    });
    await runDigestTick(deps, deps.clock.now(), { cadences: ['daily'] });

    const page = await ok<Page>(call(BASE));
    expect(page.items).toHaveLength(2);
    const [segmented, all] = page.items as [EditionJson, EditionJson];
    expect(all).toMatchObject({
      cadence: 'daily',
      periodKey: '2026-11-29',
      segment: { key: 'all', sections: [], authors: [] },
      status: 'sent',
      articleCount: 2,
      counts: { pending: 0, sending: 0, submitted: 1, failed: 1, bounced: 0, skipped: 0, total: 2 },
      stuck: false,
      problems: ['1 delivery failed'],
      windowEnd: '2026-11-29T08:00:00.000Z',
      createdAt: '2026-11-29T08:00:00.000Z',
    });
    expect(segmented).toMatchObject({
      segment: { key: `s=${first.section.id};a=`, sections: [{ slug: 'opinion', name: 'رأي' }], authors: [] },
      articleCount: 1,
      counts: { submitted: 1, total: 1 },
      problems: [],
    });
    expect(deps.mailer.sent.map((m) => m.to).sort()).toEqual([ok1.email, 'opinion@example.com']);

    const one = await ok<Page>(call(`${BASE}?limit=1`));
    expect(one.items.map((e) => e.id)).toEqual([segmented.id]);
    const two = await ok<Page>(call(`${BASE}?limit=1&cursor=${one.nextCursor}`));
    expect(two).toEqual({ items: [all], nextCursor: null });
    expect((await ok<Page>(call(`${BASE}?status=sending`))).items).toEqual([]);
    expect((await ok<Page>(call(`${BASE}?status=sent&cadence=daily`))).items).toHaveLength(2);
    expect((await ok<Page>(call(`${BASE}?cadence=weekly`))).items).toEqual([]);
    await expectError(call(`${BASE}?status=done`), 400, 'invalid_request');
    await expectError(call(`${BASE}?cursor=garbage`), 400, 'invalid_request');
  });

  it('shows one edition with its pieces in order', async () => {
    const older = await piece('الأقدم', '2026-11-29T04:00:00Z');
    const newer = await piece('الأحدث', '2026-11-29T06:00:00Z', { author: { name: 'ليلى بنعلي', slug: 'layla' } });
    await addSubscriber(deps);
    const [edition] = await plan();
    const detail = await ok<EditionDetailJson>(call(`${BASE}/${edition!.id}`));
    expect(detail).toMatchObject({ id: edition!.id, status: 'sending', counts: { pending: 1, total: 1 }, articleCount: 2 });
    expect(detail.articles).toEqual([
      { id: newer.id, slug: newer.slug, title: 'الأحدث', status: 'published', author: { slug: 'layla', name: 'ليلى بنعلي' }, section: { slug: 'opinion', name: 'رأي' }, url: newer.canonicalUrl },
      expect.objectContaining({ id: older.id, title: 'الأقدم', author: { slug: 'said-idrissi', name: 'سعيد الإدريسي' } }),
    ]);
  });
});

describe('admin editions API: preview and test send', () => {
  it('previews the edition as a reader gets it, in HTML and text, with no personal link', async () => {
    await piece('مقال المعاينة');
    await piece('مقال ثان للمعاينة', '2026-11-29T06:00:00Z');
    await addSubscriber(deps, { name: 'ليلى' });
    const [edition] = await plan();
    const html = await call(`${BASE}/${edition!.id}/preview.html`);
    expect(html.status).toBe(200);
    expect(html.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(html.headers.get('cache-control')).toBe('no-store');
    const page = await html.text();
    expect(page).toContain('lang="ar" dir="rtl"');
    expect(page).toContain('مقال المعاينة');
    expect(page.indexOf('مقال ثان للمعاينة')).toBeLessThan(page.indexOf('مقال المعاينة'));
    expect(page).toContain('reader@example.com');
    expect(page).not.toContain('ليلى');
    expect(page).not.toContain('token=');
    const text = await call(`${BASE}/${edition!.id}/preview.txt`);
    expect(text.headers.get('content-type')).toBe('text/plain; charset=utf-8');
    const body = await text.text();
    expect(body).toContain('مقال المعاينة');
    expect(body).toContain('https://nashra.test/subscribe');
    expect(body).not.toContain('token=');
  });

  it('answers 409 when the edition has nothing left to show', async () => {
    const only = await piece('سيسحب');
    await addSubscriber(deps);
    const [edition] = await plan();
    await deps.db.update(articles).set({ status: 'draft' }).where(eq(articles.id, only.id)).run();
    await expectError(call(`${BASE}/${edition!.id}/preview.html`), 409, 'conflict');
    await expectError(call(`${BASE}/${edition!.id}/test`, 'POST', { email: 'editor@example.com' }), 409, 'conflict');
    deps.clock.set('2026-11-30T08:00:00Z');
    const [skipped] = await plan();
    expect(skipped?.status).toBe('skipped');
    await expectError(call(`${BASE}/${skipped!.id}/preview.txt`), 409, 'conflict');
  });

  it('sends a test to one address through the mailer, and records no delivery', async () => {
    await piece('مقال التجربة');
    await addSubscriber(deps);
    const [edition] = await plan();
    const before = await deliveriesOf(edition!.id);
    const res = await ok<{ messageId: string; response: string }>(call(`${BASE}/${edition!.id}/test`, 'POST', { email: ' Editor@Example.COM ' }));
    expect(deps.mailer.sent).toHaveLength(1);
    const [m] = deps.mailer.sent as [MailMessage];
    expect(m.to).toBe('Editor@example.com');
    expect(m.subject.startsWith('[تجربة] ')).toBe(true);
    expect(m.subject).toContain('النشرة اليومية');
    expect(m.html).toContain('مقال التجربة');
    expect(m.text).not.toContain('token=');
    expect(m.headers?.['List-Unsubscribe']).toBeUndefined();
    expect(res).toEqual({ messageId: m.messageId, response: expect.stringContaining('250') });
    expect(await deliveriesOf(edition!.id)).toEqual(before);
    expect(await ok<EditionDetailJson>(call(`${BASE}/${edition!.id}`))).toMatchObject({ counts: { total: 1, pending: 1 } });

    await expectError(call(`${BASE}/${edition!.id}/test`, 'POST', { email: 'not an address' }), 400, 'invalid_request');
    await expectError(call(`${BASE}/${edition!.id}/test`, 'POST', {}), 400, 'invalid_request');
    await suppressAddress(deps, 'bounced@example.com', { reason: 'hard_bounce', source: 'smtp' });
    await expectError(call(`${BASE}/${edition!.id}/test`, 'POST', { email: 'bounced@example.com' }), 409, 'conflict');
    deps.mailer = Object.assign(Object.create(deps.mailer), {
      send: async () => {
        throw new MailSubmitError('connect ECONNREFUSED 127.0.0.1:25', false);
      },
    });
    const msg = await expectError(call(`${BASE}/${edition!.id}/test`, 'POST', { email: 'editor@example.com' }), 503, 'unavailable');
    expect(msg).toContain('ECONNREFUSED');
    expect(deps.mailer.sent).toHaveLength(1);
  });
});

describe('admin editions API: pause, resume, cancel', () => {
  it('pauses sending (the sender claims nothing), resumes it, and the edition is then sent', async () => {
    await piece('مقال');
    const reader = await addSubscriber(deps);
    const [edition] = await plan();
    const id = edition!.id;
    const ids = (await deliveriesOf(id)).map((d) => d.id);
    expect(await ok<EditionDetailJson>(call(`${BASE}/${id}/pause`, 'POST'))).toMatchObject({ status: 'paused' });
    await expectError(call(`${BASE}/${id}/pause`, 'POST'), 409, 'conflict');
    expect(await sendDeliveries(deps, ids)).toMatchObject({ busy: 1, submitted: 0 });
    await runDigestTick(deps, deps.clock.now(), { cadences: ['daily'] });
    expect(deps.mailer.sent).toHaveLength(0);
    expect((await editionRow(id)).status).toBe('paused');

    expect(await ok<EditionDetailJson>(call(`${BASE}/${id}/resume`, 'POST'))).toMatchObject({ status: 'sending' });
    await runDigestTick(deps, deps.clock.now(), { cadences: ['daily'] });
    expect(deps.mailer.sent.map((m) => m.to)).toEqual([reader.email]);
    expect((await editionRow(id)).status).toBe('sent');
    const msg = await expectError(call(`${BASE}/${id}/resume`, 'POST'), 409, 'conflict');
    expect(msg).toContain('sent');
    await expectError(call(`${BASE}/${id}/pause`, 'POST'), 409, 'conflict');
    await expectError(call(`${BASE}/${id}/cancel`, 'POST'), 409, 'conflict');
  });

  it('lets only one of two editors racing to pause win', async () => {
    await piece('مقال');
    await addSubscriber(deps);
    const [edition] = await plan();
    const results = await Promise.all([call(`${BASE}/${edition!.id}/pause`, 'POST'), call(`${BASE}/${edition!.id}/pause`, 'POST')]);
    expect(results.map((r) => r.status).sort()).toEqual([200, 409]);
  });

  it('resumes a paused edition back into review while its review window is open', async () => {
    setUp({ DIGEST_REVIEW_MINUTES: '60' });
    await piece('مقال');
    await addSubscriber(deps);
    const [edition] = await plan();
    const id = edition!.id;
    expect(edition?.status).toBe('review');
    await ok(call(`${BASE}/${id}/pause`, 'POST'));
    expect(await ok<EditionDetailJson>(call(`${BASE}/${id}/resume`, 'POST'))).toMatchObject({ status: 'review', sendAfter: '2026-11-29T09:00:00.000Z' });
    await ok(call(`${BASE}/${id}/pause`, 'POST'));
    deps.clock.advance(61 * 60_000);
    await runDigestTick(deps, deps.clock.now(), { cadences: ['daily'] });
    expect(deps.mailer.sent).toHaveLength(0);
    expect(await ok<EditionDetailJson>(call(`${BASE}/${id}/resume`, 'POST'))).toMatchObject({ status: 'sending' });
  });

  it('cancels: pending deliveries are skipped, one in flight finishes, nothing more is sent', async () => {
    await piece('مقال');
    await addSubscriber(deps);
    await addSubscriber(deps);
    await addSubscriber(deps);
    const [edition] = await plan();
    const id = edition!.id;
    const [first] = await deliveriesOf(id);
    const now = deps.clock.now();
    const inFlight = (await claimDelivery(deps.db, first!.id, now, new Date(now.getTime() + 300_000)))!;
    const body = await ok<EditionDetailJson>(call(`${BASE}/${id}/cancel`, 'POST'));
    expect(body).toMatchObject({ status: 'cancelled', completedAt: now.toISOString(), counts: { sending: 1, skipped: 2, pending: 0, total: 3 } });
    const rows = await deliveriesOf(id);
    expect(rows.filter((d) => d.status === 'skipped').map((d) => d.error)).toEqual(['edition cancelled', 'edition cancelled']);
    await finishDelivery(deps.db, inFlight, { status: 'submitted', submittedAt: now });
    expect((await deliveriesOf(id)).find((d) => d.id === first!.id)?.status).toBe('submitted');
    await runDigestTick(deps, deps.clock.now(), { cadences: ['daily'] });
    expect(deps.mailer.sent).toHaveLength(0);
    expect(await expectError(call(`${BASE}/${id}/cancel`, 'POST'), 409, 'conflict')).toContain('cancelled');
    await expectError(call(`${BASE}/${id}/resume`, 'POST'), 409, 'conflict');
  });
});

describe('admin editions API: reviewing pieces', () => {
  async function inReview() {
    setUp({ DIGEST_REVIEW_MINUTES: '60' });
    const a = await piece('أ', '2026-11-29T05:00:00Z');
    const b = await piece('ب', '2026-11-29T06:00:00Z');
    const c = await piece('ج', '2026-11-29T07:00:00Z');
    await addSubscriber(deps);
    const [edition] = await plan();
    expect(JSON.parse(edition!.articleIds)).toEqual([c.id, b.id, a.id]);
    return { id: edition!.id, a, b, c };
  }

  it('drops and reorders pieces while in review, and the digest follows', async () => {
    const { id, a, c } = await inReview();
    const body = await ok<EditionDetailJson>(call(`${BASE}/${id}/articles`, 'PUT', { articleIds: [a.id, c.id] }));
    expect(body.articles.map((x) => x.id)).toEqual([a.id, c.id]);
    expect(body.articleCount).toBe(2);
    const text = await (await call(`${BASE}/${id}/preview.txt`)).text();
    expect(text.indexOf('\nأ\n')).toBeGreaterThan(-1);
    expect(text.indexOf('\nأ\n')).toBeLessThan(text.indexOf('\nج\n'));
    expect(text).not.toContain('\nب\n');
    deps.clock.advance(61 * 60_000);
    await runDigestTick(deps, deps.clock.now(), { cadences: ['daily'] });
    const [m] = deps.mailer.sent as [MailMessage];
    expect(m.text).not.toContain('\nب\n');
    expect(m.text.indexOf('\nأ\n')).toBeLessThan(m.text.indexOf('\nج\n'));
  });

  it('refuses to add a piece, an empty list or a piece twice (400), and any change outside review (409)', async () => {
    const { id, a } = await inReview();
    const stranger = await piece('دخيل', '2026-11-29T07:30:00Z');
    expect(await expectError(call(`${BASE}/${id}/articles`, 'PUT', { articleIds: [a.id, stranger.id] }), 400, 'invalid_request')).toContain(stranger.id);
    await expectError(call(`${BASE}/${id}/articles`, 'PUT', { articleIds: [] }), 400, 'invalid_request');
    await expectError(call(`${BASE}/${id}/articles`, 'PUT', { articleIds: [a.id, a.id] }), 400, 'invalid_request');
    await expectError(call(`${BASE}/${id}/articles`, 'PUT', {}), 400, 'invalid_request');
    deps.clock.advance(61 * 60_000);
    await plan(); // the review window closed: sending
    expect((await editionRow(id)).status).toBe('sending');
    expect(await expectError(call(`${BASE}/${id}/articles`, 'PUT', { articleIds: [a.id] }), 409, 'conflict')).toContain('sending');
    expect(JSON.parse((await editionRow(id)).articleIds)).toHaveLength(3);
  });
});

describe('stuck sends', () => {
  it('flags a lease that ran out and pending deliveries nobody sends, in the API and in the logs', async () => {
    await piece('مقال');
    await addSubscriber(deps);
    await addSubscriber(deps);
    const [edition] = await plan();
    const id = edition!.id;
    const [held] = await deliveriesOf(id);
    const t0 = deps.clock.now();
    await claimDelivery(deps.db, held!.id, t0, new Date(t0.getTime() + 300_000)); // the sender then dies
    const view = async () => ok<EditionDetailJson>(call(`${BASE}/${id}`));
    expect(await view()).toMatchObject({ stuck: false, problems: [] });

    deps.clock.advance(21 * 60_000); // the lease ran out 16 minutes ago
    expect(await view()).toMatchObject({ stuck: true, problems: ['1 delivery held by a sender whose lease ran out 16 minutes ago'] });

    deps.clock.advance(10 * 60_000);
    const late = await view();
    expect(late.stuck).toBe(true);
    expect(late.problems).toEqual([
      '1 delivery held by a sender whose lease ran out 26 minutes ago',
      '1 pending delivery due for 31 minutes and not sent',
    ]);
    expect((await ok<Page>(call(BASE))).items[0]).toMatchObject({ id, stuck: true, problems: late.problems });

    const error = vi.fn();
    deps.log = { ...silentLog, error };
    await reportStuckSends(deps, deps.clock.now());
    expect(error).toHaveBeenCalledTimes(1);
    expect(error).toHaveBeenCalledWith('digest send stuck', expect.objectContaining({ editionId: id, stuck: true, problems: late.problems }));

    // Paused by an editor: nothing is stuck, nothing is logged.
    await ok(call(`${BASE}/${id}/pause`, 'POST'));
    error.mockClear();
    await reportStuckSends(deps, deps.clock.now());
    expect(error).not.toHaveBeenCalled();
    expect(await view()).toMatchObject({ stuck: false, problems: [] });
  });

  it('does not call a long send stuck while it is still submitting', async () => {
    await piece('مقال');
    await addSubscriber(deps);
    await addSubscriber(deps);
    const [edition] = await plan();
    const [one] = await deliveriesOf(edition!.id);
    deps.clock.advance(40 * 60_000);
    expect(await sendDeliveries(deps, [one!.id])).toMatchObject({ submitted: 1 });
    deps.clock.advance(5 * 60_000);
    expect(await ok<EditionDetailJson>(call(`${BASE}/${edition!.id}`))).toMatchObject({ stuck: false, problems: [] });
    deps.clock.advance(11 * 60_000); // nothing submitted for 16 minutes
    expect(await ok<EditionDetailJson>(call(`${BASE}/${edition!.id}`))).toMatchObject({ stuck: true, problems: ['1 pending delivery due for 56 minutes and not sent'] });
  });

  it('is logged at the end of a scheduler tick, one line per stuck edition', async () => {
    await piece('مقال');
    await addSubscriber(deps);
    const error = vi.fn();
    deps.log = { ...silentLog, error };
    await plan();
    expect(error).not.toHaveBeenCalled();
    deps.clock.advance(31 * 60_000);
    await plan();
    expect(error.mock.calls.filter(([msg]) => msg === 'digest send stuck')).toHaveLength(1);
  });
});
