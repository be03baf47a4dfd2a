import { eq } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runDigestTick } from '../../src/digests/schedule.js';
import { MailSubmitError, type MailMessage } from '../../src/email/mailer.js';
import { deliveries, editions } from '../../src/storage/schema.js';
import { countCommits } from '../support/commits.js';
import { createTestDeps, type TestDeps } from '../support/deps.js';
import { addArticle, addSubscriber } from '../support/fixtures.js';

let deps: TestDeps;
beforeEach(() => {
  deps = createTestDeps({ now: '2026-11-29T08:00:00Z' }); // 09:00 in Casablanca
});
afterEach(() => deps.close());

const tick = (at: string, opts = {}) => {
  deps.clock.set(at);
  return runDigestTick(deps, deps.clock.now(), { cadences: ['daily'], ...opts });
};

describe('digest editions', () => {
  it('sends one digest per confirmed subscriber, however often the scheduler ticks', async () => {
    await addArticle(deps, { title: 'مقال الرأي الأول', publishedAt: '2026-11-29T05:00:00Z' });
    const reader = await addSubscriber(deps, { name: 'ليلى' });
    await addSubscriber(deps, { status: 'pending' });
    await addSubscriber(deps, { status: 'unsubscribed' });
    await addSubscriber(deps, { frequency: 'weekly' });
    await Promise.all([tick('2026-11-29T08:00:00Z'), tick('2026-11-29T08:00:00Z')]);
    await tick('2026-11-29T08:15:00Z');
    await tick('2026-11-29T20:00:00Z');
    expect(deps.mailer.sent.map((m) => m.to)).toEqual([reader.email]);
    expect(await deps.db.select().from(editions).all()).toHaveLength(1);
    const [m] = deps.mailer.sent as [MailMessage];
    expect(m.subject).toContain('النشرة اليومية');
    expect(m.html).toContain('مقال الرأي الأول');
    expect(m.html).toContain('ليلى');
    expect(m.text).toContain('مقال الرأي الأول');
    expect(m.headers).toMatchObject({ 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click', 'Auto-Submitted': 'auto-generated' });
    expect(m.headers?.['List-Unsubscribe']).toMatch(/^<https:\/\/nashra\.test\/unsubscribe\?token=[\w.-]+>$/);
    expect(m.html).toContain('utm_source=nashra');
  });

  it('offers a mailto beside the one-click URL when the publisher reads an unsubscribe mailbox', async () => {
    deps.config = { ...deps.config, UNSUBSCRIBE_MAILTO: 'unsubscribe@nashra.test' };
    await addArticle(deps, { publishedAt: '2026-11-29T05:00:00Z' });
    await addSubscriber(deps);
    await tick('2026-11-29T08:00:00Z');
    const header = (deps.mailer.sent[0] as MailMessage).headers?.['List-Unsubscribe'] ?? '';
    const [, url, subject] = /^<(https:\/\/nashra\.test\/unsubscribe\?token=[\w.-]+)>, <mailto:unsubscribe@nashra\.test\?subject=([^>]+)>$/.exec(header) ?? [];
    expect(url, header).toBeDefined();
    expect(decodeURIComponent(subject as string)).toBe(`unsubscribe ${new URL(url as string).searchParams.get('token')}`);
    expect(header).not.toMatch(/[\r\n]/);
  });

  it('sends a reader confirmed after today\'s moment their first digest the next day, and one confirmed before it today\'s', async () => {
    await addArticle(deps, { publishedAt: '2026-11-29T05:00:00Z' });
    await addSubscriber(deps, { email: 'early@example.com' });
    await tick('2026-11-29T08:00:00Z');
    const [done] = await deps.db.select().from(editions).all();
    expect(done?.status).toBe('sent');
    await addSubscriber(deps, { email: 'late@example.com', confirmedAt: new Date('2026-11-29T15:00:00Z'), updatedAt: new Date('2026-11-29T15:00:00Z') });
    await tick('2026-11-29T15:00:00Z');
    await tick('2026-11-29T15:01:00Z');
    expect(deps.mailer.sent.map((m) => m.to)).toEqual(['early@example.com']);
    deps.clock.set('2026-11-30T05:00:00Z');
    await addArticle(deps, { publishedAt: '2026-11-30T05:00:00Z' });
    await tick('2026-11-30T06:00:00Z');
    expect(deps.mailer.sent.map((m) => m.to).sort()).toEqual(['early@example.com', 'early@example.com', 'late@example.com']);
    expect((await deps.db.select().from(editions).all()).map((e) => e.status)).toEqual(['sent', 'sent']);
  });

  it('waits for the local hour, and catches up a missed period once', async () => {
    await addArticle(deps, { publishedAt: '2026-11-29T05:00:00Z' });
    await addSubscriber(deps);
    await tick('2026-11-29T05:30:00Z'); // 06:30 local: too early
    expect(deps.mailer.sent).toHaveLength(0);
    await tick('2026-11-29T22:30:00Z'); // 23:30 local: late, but the same local day
    expect(deps.mailer.sent).toHaveLength(1);
  });

  it('holds only commentary published since the previous edition, and skips a day with none', async () => {
    await addArticle(deps, { title: 'قديم', publishedAt: '2026-11-29T05:00:00Z' });
    await addArticle(deps, { title: 'خبر', section: { name: 'أخبار', slug: 'news', commentary: false }, publishedAt: '2026-11-29T06:00:00Z' });
    await addSubscriber(deps);
    await tick('2026-11-29T08:00:00Z');
    const [day1] = await tick('2026-11-30T08:00:00Z');
    expect(day1?.status).toBe('skipped');
    await addArticle(deps, { title: 'جديد', publishedAt: '2026-12-01T06:00:00Z' });
    await tick('2026-12-01T08:00:00Z');
    const bodies = deps.mailer.sent.map((m) => m.text);
    expect(bodies).toHaveLength(2);
    expect(bodies[0]).toContain('قديم');
    expect(bodies[0]).not.toContain('خبر');
    expect(bodies[1]).toContain('جديد');
    expect(bodies[1]).not.toContain('قديم');
  });

  it('skips a subscriber who unsubscribes after planning, before sending', async () => {
    await addArticle(deps, { publishedAt: '2026-11-29T05:00:00Z' });
    const s = await addSubscriber(deps);
    deps.dispatcher = { dispatch: async () => {} }; // plan only
    await tick('2026-11-29T08:00:00Z');
    const { updateSubscriber } = await import('../../src/storage/subscribers.js');
    await updateSubscriber(deps.db, s.id, { status: 'unsubscribed' });
    const { sendDeliveries } = await import('../../src/digests/send.js');
    const ids = (await deps.db.select().from(deliveries).all()).map((d) => d.id);
    expect(await sendDeliveries(deps, ids)).toMatchObject({ skipped: 1, submitted: 0 });
    expect(deps.mailer.sent).toHaveLength(0);
  });

  it('retries a temporary failure and records a permanent one, once each', async () => {
    await addArticle(deps, { publishedAt: '2026-11-29T05:00:00Z' });
    const flaky = await addSubscriber(deps, { email: 'flaky@example.com' });
    const bad = await addSubscriber(deps, { email: 'bad@example.com' });
    let flakyCalls = 0;
    const real = deps.mailer;
    deps.mailer = Object.assign(Object.create(real), {
      sent: real.sent,
      async send(m: MailMessage) {
        if (m.to === bad.email) throw new MailSubmitError('550 no such user', true, '550 5.1.1 no such user');
        if (m.to === flaky.email && flakyCalls++ === 0) throw new MailSubmitError('421 try later', false);
        return real.send(m);
      },
    });
    await tick('2026-11-29T08:00:00Z');
    await tick('2026-11-29T08:15:00Z');
    const rows = await deps.db.select().from(deliveries).all();
    const byEmail = (id: string) => rows.find((r) => r.subscriberId === id);
    expect(byEmail(flaky.id)).toMatchObject({ status: 'submitted', attempts: 2 });
    expect(byEmail(bad.id)).toMatchObject({ status: 'failed', attempts: 1, smtpResponse: '550 5.1.1 no such user' });
    expect(deps.mailer.sent.map((m) => m.to)).toEqual([flaky.email]);
    const [edition] = await deps.db.select().from(editions).where(eq(editions.cadence, 'daily')).all();
    expect(edition?.status).toBe('sent');
  });

  it('backs off after temporary failures (1, 2, 4 … minutes) and gives up after the last attempt', async () => {
    await addArticle(deps, { publishedAt: '2026-11-29T05:00:00Z' });
    await addSubscriber(deps);
    const attempts: string[] = [];
    deps.mailer = Object.assign(Object.create(deps.mailer), {
      async send() {
        attempts.push(deps.clock.now().toISOString().slice(11, 19));
        throw new MailSubmitError('421 4.7.0 try again later', false);
      },
    });
    const start = new Date('2026-11-29T08:00:00Z').getTime();
    for (let minute = 0; minute <= 180; minute++) await tick(new Date(start + minute * 60_000 + 1).toISOString());
    expect(attempts).toEqual(['08:00:00', '08:01:00', '08:03:00', '08:07:00', '08:15:00', '08:31:00', '09:03:00', '10:03:00']);
    const [row] = await deps.db.select().from(deliveries).all();
    expect(row).toMatchObject({ status: 'failed', attempts: 8, error: '421 4.7.0 try again later' });
    expect((await deps.db.select().from(editions).all())[0]?.status).toBe('sent');
  });

  it('ignores a stale sender that finishes after its lease was taken over', async () => {
    await addArticle(deps, { publishedAt: '2026-11-29T05:00:00Z' });
    await addSubscriber(deps);
    deps.dispatcher = { dispatch: async () => {} };
    await tick('2026-11-29T08:00:00Z');
    const { claimDelivery, finishDelivery } = await import('../../src/storage/editions.js');
    const [row] = await deps.db.select().from(deliveries).all();
    const now = deps.clock.now();
    const stale = await claimDelivery(deps.db, row!.id, now, new Date(now.getTime() + 1000));
    deps.clock.advance(2000);
    const fresh = await claimDelivery(deps.db, row!.id, deps.clock.now(), new Date(deps.clock.now().getTime() + 1000));
    expect(fresh?.attempts).toBe(2);
    await finishDelivery(deps.db, fresh!, { status: 'submitted' });
    await finishDelivery(deps.db, stale!, { status: 'pending', error: '421 late failure' });
    expect((await deps.db.select().from(deliveries).all())[0]).toMatchObject({ status: 'submitted', attempts: 2, error: null });
  });

  it('dates an edition by its first submitted message, in the same write, and never moves that date', async () => {
    await addArticle(deps, { publishedAt: '2026-11-29T05:00:00Z' });
    const readers = [await addSubscriber(deps), await addSubscriber(deps), await addSubscriber(deps)];
    deps.dispatcher = { dispatch: async () => {} };
    await tick('2026-11-29T08:00:00Z');
    const [planned] = await deps.db.select().from(editions).all();
    expect(planned?.firstSubmittedAt).toBeNull();
    const real = deps.mailer;
    let calls = 0;
    deps.mailer = Object.assign(Object.create(real), {
      sent: real.sent,
      async send(m: MailMessage) {
        deps.clock.advance(60_000); // each message a minute after the previous one
        if (calls++ === 0) throw new MailSubmitError('550 no such user', true, '550 5.1.1 no such user'); // the first reader: no submission
        return real.send(m);
      },
    });
    const { sendDeliveries } = await import('../../src/digests/send.js');
    const rows = await deps.db.select().from(deliveries).orderBy(deliveries.subscriberId).all();
    expect(rows.map((r) => r.subscriberId)).toEqual(readers.map((r) => r.id));
    await sendDeliveries(deps, rows.map((r) => r.id));
    const after = await deps.db.select().from(deliveries).all();
    const submitted = after.filter((d) => d.status === 'submitted').map((d) => d.submittedAt!.getTime());
    expect(submitted).toHaveLength(2);
    const [sent] = await deps.db.select().from(editions).all();
    expect(sent?.firstSubmittedAt?.getTime()).toBe(Math.min(...submitted));
    expect(sent?.firstSubmittedAt?.toISOString()).toBe('2026-11-29T08:02:00.000Z');
    // And its latest, once the batch is done (what tells the stuck-send report it moves).
    expect(sent?.lastSubmittedAt?.toISOString()).toBe('2026-11-29T08:03:00.000Z');
  });

  it('lets the outcomes of many senders share commits, and records each message once', async () => {
    await addArticle(deps, { publishedAt: '2026-11-29T05:00:00Z' });
    for (let i = 0; i < 48; i++) await addSubscriber(deps);
    deps.dispatcher = { dispatch: async () => {} };
    await tick('2026-11-29T08:00:00Z');
    const commits = countCommits(deps.db);
    // The server's replies arrive one per turn of the event loop, as from a busy connection.
    const replies: (() => void)[] = [];
    let pumping = true;
    const pump = () => {
      replies.shift()?.();
      if (pumping) setImmediate(pump);
    };
    pump();
    const real = deps.mailer;
    deps.mailer = Object.assign(Object.create(real), {
      sent: real.sent,
      async send(m: MailMessage) {
        await new Promise<void>((r) => replies.push(r));
        return real.send(m);
      },
    });
    const { sendDeliveries } = await import('../../src/digests/send.js');
    const ids = (await deps.db.select().from(deliveries).all()).map((d) => d.id);
    const summary = await sendDeliveries(deps, ids, { concurrency: 16 }).finally(() => (pumping = false));
    expect(summary).toMatchObject({ submitted: 48, busy: 0 });
    expect(new Set(deps.mailer.sent.map((m) => m.to)).size).toBe(48);
    expect(deps.mailer.sent).toHaveLength(48);
    const rows = await deps.db.select().from(deliveries).all();
    expect(rows.every((r) => r.status === 'submitted' && r.attempts === 1 && r.leaseUntil === null)).toBe(true);
    // One reply per turn: without gathering this took 25 commits, with it 11 (groups of 4).
    expect(commits()).toBeGreaterThan(0);
    expect(commits()).toBeLessThanOrEqual(20);
  });

  it('leaves out a piece unpublished after the edition was planned', async () => {
    const kept = await addArticle(deps, { title: 'باقٍ', publishedAt: '2026-11-29T05:00:00Z' });
    const gone = await addArticle(deps, { title: 'سُحب', publishedAt: '2026-11-29T05:30:00Z' });
    await addSubscriber(deps);
    deps.dispatcher = { dispatch: async () => {} };
    await tick('2026-11-29T08:00:00Z');
    const { updateArticle } = await import('../../src/articles/service.js');
    const { articleInputSchema } = await import('../../src/articles/input.js');
    const { articleBody } = await import('../support/deps.js');
    await updateArticle(deps, gone.id, articleInputSchema.parse(articleBody({ title: 'سُحب', status: 'draft' })));
    const { sendDeliveries } = await import('../../src/digests/send.js');
    await sendDeliveries(deps, (await deps.db.select().from(deliveries).all()).map((d) => d.id));
    expect(deps.mailer.sent[0]?.text).toContain(kept.title);
    expect(deps.mailer.sent[0]?.text).not.toContain('سُحب');
  });

  it('resends nothing that a crashed sender already submitted, and takes over an expired lease', async () => {
    await addArticle(deps, { publishedAt: '2026-11-29T05:00:00Z' });
    await addSubscriber(deps);
    await addSubscriber(deps);
    deps.dispatcher = { dispatch: async () => {} };
    await tick('2026-11-29T08:00:00Z');
    const [first, second] = (await deps.db.select({ id: deliveries.id }).from(deliveries).orderBy(deliveries.id).all()) as [{ id: string }, { id: string }];
    const { claimDelivery } = await import('../../src/storage/editions.js');
    const { sendDeliveries } = await import('../../src/digests/send.js');
    await sendDeliveries(deps, [first.id]); // submitted, then the process "dies"
    await claimDelivery(deps.db, second.id, deps.clock.now(), new Date(deps.clock.now().getTime() + 60_000)); // held in flight
    expect(await sendDeliveries(deps, [first.id, second.id])).toMatchObject({ submitted: 0, busy: 2 });
    deps.clock.advance(61_000);
    expect(await sendDeliveries(deps, [first.id, second.id])).toMatchObject({ submitted: 1, busy: 1 });
    expect(deps.mailer.sent).toHaveLength(2);
  });
});
