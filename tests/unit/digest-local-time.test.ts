/**
 * Digests at each reader's local hour: time zones, DST changes, weekly weekdays, content
 * segments, and the scheduler misbehaving (twice, concurrently, out of order, after a gap).
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { runDigestTick } from '../../src/digests/schedule.js';
import type { MailMessage } from '../../src/email/mailer.js';
import { authors, deliveries, editions, sections } from '../../src/storage/schema.js';
import { findSubscriberTopics, updateSubscriber, updateSubscriberWithTopics } from '../../src/storage/subscribers.js';
import { createTestDeps, type TestDeps } from '../support/deps.js';
import { addArticle, addSubscriber } from '../support/fixtures.js';

// Days of simulated ticks: slow on a loaded machine, never dependent on timing.
vi.setConfig({ testTimeout: 60_000 });

let deps: TestDeps;
/** Every message with the instant it was submitted. */
let sent: { at: string; to: string; message: MailMessage }[];

function setUp(now: string, config: Record<string, string> = {}) {
  deps = createTestDeps({ now, config });
  sent = [];
  const memory = deps.mailer;
  deps.mailer = Object.assign(Object.create(memory), {
    sent: memory.sent,
    async send(m: MailMessage) {
      sent.push({ at: deps.clock.now().toISOString().slice(0, 16), to: m.to, message: m });
      return memory.send(m);
    },
  });
}
beforeEach(() => setUp('2026-11-29T00:00:00Z'));
afterEach(() => deps.close());

const MINUTE = 60_000;

async function tick(at: string | number) {
  deps.clock.set(new Date(at));
  return runDigestTick(deps, deps.clock.now());
}

/** Ticks every `stepMinutes` from `from` to `to` (inclusive); `publishEvery` adds a piece that often. */
async function run(from: string, to: string, stepMinutes = 15, publishEvery?: number) {
  let n = 0;
  for (let t = Date.parse(from); t <= Date.parse(to); t += stepMinutes * MINUTE) {
    if (publishEvery && (t - Date.parse(from)) % (publishEvery * MINUTE) === 0) {
      deps.clock.set(new Date(t));
      await addArticle(deps, { title: `مقال رقم ${++n}`, publishedAt: new Date(t).toISOString() });
    }
    await tick(t);
  }
}

/** A reader who confirmed just now (the fixture's readers confirmed a month ago). */
const newReader = (fields: Parameters<typeof addSubscriber>[1]) => addSubscriber(deps, { confirmedAt: deps.clock.now(), updatedAt: deps.clock.now(), ...fields });

const sentTo = (email: string) => sent.filter((s) => s.to === email).map((s) => s.at);
const titlesIn = (m: MailMessage) => [...m.text.matchAll(/مقال رقم (\d+)/g)].map((x) => Number(x[1]));

describe('local hour and time zone', () => {
  it('sends each reader their digest at their own local hour, once a day', async () => {
    await addArticle(deps, { publishedAt: '2026-11-28T20:00:00Z' });
    await newReader({ email: 'casa@x.test' }); // Africa/Casablanca (UTC+1), 07:00
    await newReader({ email: 'riyadh@x.test', timezone: 'Asia/Riyadh', preferredHour: 6 }); // UTC+3
    await newReader({ email: 'ny@x.test', timezone: 'America/New_York', preferredHour: 8 }); // UTC-5
    await run('2026-11-29T00:00:00Z', '2026-12-01T23:00:00Z', 60, 60);
    expect(sentTo('riyadh@x.test')).toEqual(['2026-11-29T03:00', '2026-11-30T03:00', '2026-12-01T03:00']);
    expect(sentTo('casa@x.test')).toEqual(['2026-11-29T06:00', '2026-11-30T06:00', '2026-12-01T06:00']);
    // New York's 28 November moment had passed when this reader confirmed: the first is the 29th's.
    expect(sentTo('ny@x.test')).toEqual(['2026-11-29T13:00', '2026-11-30T13:00', '2026-12-01T13:00']);
    const periods = (await deps.db.select().from(deliveries).all()).filter((d) => d.status === 'submitted').map((d) => d.periodKey);
    expect(new Set(periods)).toEqual(new Set(['2026-11-29', '2026-11-30', '2026-12-01']));
    expect(periods).toHaveLength(9);
  });

  it('catches up a day missed while the scheduler was down, once, before that day\'s own digest', async () => {
    const longAgo = new Date('2026-11-01T00:00:00Z');
    await addSubscriber(deps, { email: 'riyadh@x.test', timezone: 'Asia/Riyadh', preferredHour: 6, confirmedAt: longAgo, updatedAt: longAgo });
    await newReader({ email: 'new@x.test', timezone: 'Asia/Riyadh', preferredHour: 6 });
    // Up again at 00:00 UTC (03:00 in Riyadh): the 28 November digest never went out.
    await run('2026-11-29T00:00:00Z', '2026-11-29T12:00:00Z', 60, 60);
    expect(sentTo('riyadh@x.test')).toEqual(['2026-11-29T00:00', '2026-11-29T03:00']);
    expect(sentTo('new@x.test')).toEqual(['2026-11-29T03:00']);
    const periods = (await deps.db.select().from(deliveries).all()).map((d) => d.periodKey).sort();
    expect(periods).toEqual(['2026-11-28', '2026-11-29', '2026-11-29']);
  });

  it('follows daylight saving changes: same local hour before and after, a missing hour sends at the next, a repeated hour sends once', async () => {
    setUp('2026-03-07T00:00:00Z');
    await newReader({ email: 'seven@x.test', timezone: 'America/New_York', preferredHour: 7 });
    await newReader({ email: 'two@x.test', timezone: 'America/New_York', preferredHour: 2 });
    await newReader({ email: 'paris@x.test', timezone: 'Europe/Paris', preferredHour: 7 });
    // 8 March 2026: New York springs forward at 02:00 EST (02:00–02:59 does not exist).
    await run('2026-03-07T00:00:00Z', '2026-03-09T23:00:00Z', 60, 60);
    expect(sentTo('seven@x.test')).toEqual(['2026-03-07T12:00', '2026-03-08T11:00', '2026-03-09T11:00']);
    expect(sentTo('two@x.test')).toEqual(['2026-03-07T07:00', '2026-03-08T07:00', '2026-03-09T06:00']);

    // 1 November 2026: New York falls back at 02:00 EDT, so 01:00–01:59 happens twice.
    setUp('2026-10-31T00:00:00Z');
    await newReader({ email: 'one@x.test', timezone: 'America/New_York', preferredHour: 1 });
    await newReader({ email: 'paris@x.test', timezone: 'Europe/Paris', preferredHour: 7 });
    await run('2026-10-31T00:00:00Z', '2026-11-02T23:00:00Z', 60, 60);
    expect(sentTo('one@x.test')).toEqual(['2026-10-31T05:00', '2026-11-01T05:00', '2026-11-02T06:00']);
    // Paris changed a week earlier (25 October): UTC+1 on both sides of this window.
    expect(sentTo('paris@x.test')).toEqual(['2026-10-31T06:00', '2026-11-01T06:00', '2026-11-02T06:00']);
  });

  it('keeps 07:00 in Casablanca when Morocco leaves UTC+1 for Ramadan and returns to it', async () => {
    // 2026: UTC+0 from 15 February (03:00 local) to 22 March.
    setUp('2026-02-13T00:00:00Z');
    await newReader({ email: 'casa@x.test' });
    await run('2026-02-13T00:00:00Z', '2026-02-16T23:00:00Z', 60, 60);
    expect(sentTo('casa@x.test')).toEqual(['2026-02-13T06:00', '2026-02-14T06:00', '2026-02-15T07:00', '2026-02-16T07:00']);
    setUp('2026-03-20T00:00:00Z');
    await newReader({ email: 'casa@x.test' });
    await run('2026-03-20T00:00:00Z', '2026-03-23T23:00:00Z', 60, 60);
    expect(sentTo('casa@x.test')).toEqual(['2026-03-20T07:00', '2026-03-21T07:00', '2026-03-22T06:00', '2026-03-23T06:00']);
  });

  it('gives readers on both sides of the date line every piece exactly once', async () => {
    setUp('2026-11-28T00:00:00Z');
    await newReader({ email: 'east@x.test', timezone: 'Pacific/Kiritimati', preferredHour: 7 }); // UTC+14
    await newReader({ email: 'west@x.test', timezone: 'Pacific/Pago_Pago', preferredHour: 7 }); // UTC-11
    await newReader({ email: 'casa@x.test' });
    await run('2026-11-28T00:00:00Z', '2026-12-02T23:00:00Z', 60, 180);
    for (const email of ['east@x.test', 'west@x.test', 'casa@x.test']) {
      const got = sent.filter((s) => s.to === email).flatMap((s) => titlesIn(s.message));
      expect(got.length, email).toBeGreaterThan(20);
      expect(new Set(got).size, `${email}: no piece twice`).toBe(got.length);
      // Contiguous: from the first piece it got to the last, none is missing.
      const sorted = [...got].sort((a, b) => a - b);
      expect(sorted, email).toEqual(Array.from({ length: sorted.length }, (_, i) => (sorted[0] as number) + i));
    }
    // Per cadence and period there is one edition, shared by every zone whose reader reached it.
    const rows = await deps.db.select().from(editions).all();
    expect(new Set(rows.map((e) => e.periodKey)).size).toBe(rows.length);
  });
});

describe('weekly digests', () => {
  it('come on the reader\'s weekday and hour, and a week missed on that day is caught up once', async () => {
    await newReader({ email: 'monday@x.test', frequency: 'weekly', preferredWeekday: 1, preferredHour: 7 });
    await newReader({ email: 'saturday@x.test', frequency: 'weekly', preferredWeekday: 6, preferredHour: 9 });
    // Sunday 29 November to Sunday 6 December, with the scheduler down all of Saturday 5 December.
    await run('2026-11-29T00:00:00Z', '2026-12-04T23:00:00Z', 60, 12 * 60);
    await run('2026-12-06T10:00:00Z', '2026-12-07T10:00:00Z', 60);
    expect(sentTo('monday@x.test')).toEqual(['2026-11-30T06:00', '2026-12-07T06:00']);
    expect(sentTo('saturday@x.test')).toEqual(['2026-12-06T10:00']);
  });
});

describe('readers changing their minds', () => {
  it('waits for the next moment after a switch from daily to weekly, or a return: no stale catch-up', async () => {
    const reader = await newReader({ email: 'switch@x.test' });
    const back = await newReader({ email: 'back@x.test' });
    await run('2026-11-29T00:00:00Z', '2026-12-01T23:00:00Z', 60, 120); // Sunday to Tuesday, daily
    expect(sentTo('switch@x.test')).toHaveLength(3);
    // Wednesday 03:00: one switches to weekly (Saturday), the other leaves and comes back.
    deps.clock.set('2026-12-02T03:00:00Z');
    await updateSubscriber(deps.db, reader.id, { frequency: 'weekly', updatedAt: deps.clock.now() });
    await updateSubscriber(deps.db, back.id, { status: 'unsubscribed', updatedAt: deps.clock.now() });
    await updateSubscriber(deps.db, back.id, { status: 'confirmed', updatedAt: deps.clock.now() });
    await run('2026-12-02T03:00:00Z', '2026-12-05T12:00:00Z', 60, 120);
    // No weekly digest for the week already served by daily ones; the first on Saturday 07:00.
    expect(sentTo('switch@x.test').slice(3)).toEqual(['2026-12-05T06:00']);
    // Back before Wednesday's moment: Wednesday's digest at 07:00, not Tuesday's again at 03:00.
    expect(sentTo('back@x.test').slice(3, 4)).toEqual(['2026-12-02T06:00']);
  });
});

describe('the scheduler misbehaving', () => {
  it('makes exactly one digest per reader per period when ticks come twice, together, out of order or after a gap', async () => {
    const readers = await Promise.all(['a', 'b', 'c'].map((n) => newReader({ email: `${n}@x.test` })));
    deps.clock.set('2026-11-29T05:00:00Z');
    await addArticle(deps, { title: 'مقال رقم 1', publishedAt: '2026-11-29T05:00:00Z' });
    // Twice at once, then again, then an earlier tick arriving late.
    await Promise.all([tick('2026-11-29T06:15:00Z'), tick('2026-11-29T06:15:00Z')]);
    await tick('2026-11-29T06:30:00Z');
    await tick('2026-11-29T06:00:00Z');
    await tick('2026-11-29T05:45:00Z');
    expect(sent.map((s) => s.to).sort()).toEqual(readers.map((r) => r.email).sort());
    // Down for three days: the next tick sends one digest holding everything since, not three.
    for (const [i, at] of ['2026-11-29T12:00:00Z', '2026-11-30T12:00:00Z', '2026-12-01T12:00:00Z'].entries()) {
      deps.clock.set(at);
      await addArticle(deps, { title: `مقال رقم ${i + 2}`, publishedAt: at });
    }
    await tick('2026-12-02T09:00:00Z');
    await tick('2026-12-02T09:15:00Z');
    const caughtUp = sent.filter((s) => s.at.startsWith('2026-12-02'));
    expect(caughtUp).toHaveLength(3);
    expect(titlesIn(caughtUp[0]!.message).sort()).toEqual([2, 3, 4]);
    const rows = await deps.db.select().from(deliveries).all();
    expect(rows.map((d) => d.periodKey).sort()).toEqual(['2026-11-29', '2026-11-29', '2026-11-29', '2026-12-02', '2026-12-02', '2026-12-02']);
  });

  it('puts a piece backdated on its way in into the next edition', async () => {
    await newReader({});
    deps.clock.set('2026-11-29T05:00:00Z');
    await addArticle(deps, { title: 'مقال رقم 1', publishedAt: '2026-11-29T05:00:00Z' });
    await tick('2026-11-29T06:00:00Z');
    deps.clock.set('2026-11-29T10:00:00Z'); // added at 10:00, dated the day before
    await addArticle(deps, { title: 'مقال رقم 2', publishedAt: '2026-11-28T09:00:00Z' });
    await tick('2026-11-30T06:00:00Z');
    expect(sent.map((s) => titlesIn(s.message))).toEqual([[1], [2]]);
  });
});

describe('content segments', () => {
  it('gives readers the sections and authors they follow, one edition per distinct choice', async () => {
    deps.clock.set('2026-11-29T05:00:00Z');
    await addArticle(deps, { title: 'مقال رقم 1', section: { name: 'اقتصاد', slug: 'economy' }, author: { name: 'ليلى', slug: 'layla' } });
    await addArticle(deps, { title: 'مقال رقم 2', section: { name: 'رأي', slug: 'opinion' }, author: { name: 'سعيد', slug: 'said' } });
    await addArticle(deps, { title: 'مقال رقم 3', section: { name: 'رأي', slug: 'opinion' }, author: { name: 'ليلى', slug: 'layla' } });
    const economy = (await deps.db.select().from(sections).all()).find((s) => s.slug === 'economy');
    const layla = (await deps.db.select().from(authors).all()).find((a) => a.slug === 'layla');
    const everything = await newReader({ email: 'all@x.test' });
    const follows = async (email: string, topics: { sections: string[]; authors: string[] }) => {
      const s = await newReader({ email });
      await updateSubscriberWithTopics(deps.db, s.id, {}, topics);
      return s;
    };
    await follows('economy@x.test', { sections: [economy!.id], authors: [] });
    await follows('economy2@x.test', { sections: [economy!.id], authors: [] });
    const both = await follows('layla@x.test', { sections: [], authors: [layla!.id] });
    expect(await findSubscriberTopics(deps.db, both.id)).toEqual({ sections: [], authors: [layla!.id] });
    await tick('2026-11-29T06:00:00Z');
    const got = (email: string) => sent.filter((s) => s.to === email).map((s) => titlesIn(s.message).sort());
    expect(got(everything.email)).toEqual([[1, 2, 3]]);
    expect(got('economy@x.test')).toEqual([[1]]);
    expect(got('economy2@x.test')).toEqual([[1]]);
    expect(got('layla@x.test')).toEqual([[1, 3]]);
    expect(sent.find((s) => s.to === 'economy@x.test')?.message.text).toContain('الأقسام التي تتابعها: اقتصاد');
    const rows = await deps.db.select().from(editions).all();
    expect(rows.map((e) => e.segmentKey).sort()).toEqual(['all', `s=${economy!.id};a=`, `s=;a=${layla!.id}`].sort());

    // Changing one's choice mid-period does not bring a second digest for the same day.
    await updateSubscriberWithTopics(deps.db, everything.id, {}, { sections: [economy!.id], authors: [] });
    await tick('2026-11-29T09:00:00Z');
    expect(got(everything.email)).toHaveLength(1);
  });
});

describe('review window', () => {
  it('holds an edition for DIGEST_REVIEW_MINUTES before sending starts', async () => {
    setUp('2026-11-29T05:00:00Z', { DIGEST_REVIEW_MINUTES: '30' });
    await newReader({});
    await addArticle(deps, { publishedAt: '2026-11-29T05:00:00Z' });
    const [planned] = await tick('2026-11-29T06:00:00Z');
    expect(planned).toMatchObject({ status: 'review', sendAfter: new Date('2026-11-29T06:30:00Z') });
    await tick('2026-11-29T06:15:00Z');
    expect(sent).toHaveLength(0);
    await tick('2026-11-29T06:30:00Z');
    expect(sent.map((s) => s.at)).toEqual(['2026-11-29T06:30']);
    expect((await deps.db.select().from(editions).all())[0]?.status).toBe('sent');
  });
});
