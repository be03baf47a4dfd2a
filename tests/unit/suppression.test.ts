import { eq } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { planDue } from '../../src/digests/editions.js';
import { runDigestTick } from '../../src/digests/schedule.js';
import { MAX_ATTEMPTS } from '../../src/digests/send.js';
import { MailSubmitError, type MailMessage, type Mailer } from '../../src/email/mailer.js';
import { deliveries, subscribers, suppressions } from '../../src/storage/schema.js';
import { findSubscriberById } from '../../src/storage/subscribers.js';
import { addressKey } from '../../src/subscribers/address-key.js';
import {
  isSuppressed,
  liftSuppression,
  recordDelivered,
  recordSoftBounce,
  SOFT_BOUNCE_LIMIT,
  suppressAddress,
  suppressionFor,
} from '../../src/subscribers/suppression.js';
import { createTestDeps, type TestDeps } from '../support/deps.js';
import { addArticle, addSubscriber } from '../support/fixtures.js';

let deps: TestDeps;
beforeEach(() => {
  deps = createTestDeps({ now: '2026-11-29T08:00:00Z' });
});
afterEach(() => deps.close());

const subscriber = async (id: string) => (await findSubscriberById(deps.db, id))!;

describe('suppressAddress', () => {
  it('writes the list entry under the address key, not the address, and marks the subscriber', async () => {
    const s = await addSubscriber(deps, { email: 'Reader@example.com' });
    const { entry, created } = await suppressAddress(deps, ' Reader@EXAMPLE.com ', { reason: 'complaint', source: 'webhook', detail: 'spam report' });
    expect(created).toBe(true);
    const rows = await deps.db.select().from(suppressions).all();
    expect(rows).toEqual([entry]);
    expect(entry).toMatchObject({ addressKey: await addressKey(deps.config.SECRET_KEY, 'reader@example.com'), reason: 'complaint', source: 'webhook', detail: 'spam report' });
    expect(JSON.stringify(rows)).not.toMatch(/reader/i);
    expect((await subscriber(s.id)).suppressedAt).toEqual(deps.clock.now());
  });

  it('keeps the first reason and date, and is idempotent', async () => {
    const s = await addSubscriber(deps, { email: 'reader@example.com' });
    const first = await suppressAddress(deps, 'reader@example.com', { reason: 'hard_bounce', source: 'smtp' });
    const at = deps.clock.now();
    deps.clock.advance(3600_000);
    const again = await suppressAddress(deps, 'READER@example.com', { reason: 'manual', source: 'admin', detail: 'later' });
    expect(again).toEqual({ entry: first.entry, created: false });
    expect(await deps.db.select().from(suppressions).all()).toEqual([expect.objectContaining({ reason: 'hard_bounce', source: 'smtp', createdAt: at })]);
    expect((await subscriber(s.id)).suppressedAt).toEqual(at);
  });

  it('lists an address nobody is subscribed with, and finds it whatever its case', async () => {
    await suppressAddress(deps, 'stranger@example.com', { reason: 'manual', source: 'admin' });
    expect(await isSuppressed(deps, 'STRANGER@Example.com')).toBe(true);
    expect(await isSuppressed(deps, 'other@example.com')).toBe(false);
    expect(await isSuppressed(deps, 'not an address')).toBe(false);
  });

  it('keeps no address in the detail', async () => {
    const { entry } = await suppressAddress(deps, 'gone@example.com', { reason: 'hard_bounce', source: 'dsn', detail: 'smtp; 550 5.1.1 <gone@example.com>: unknown (also Gone@Example.com, "x.y+z@sub.example.org")' });
    expect(entry.detail).toBe('smtp; 550 5.1.1 <[address]>: unknown (also [address], "[address]")');
  });

  it('refuses an invalid address', async () => {
    await expect(suppressAddress(deps, 'nobody', { reason: 'manual', source: 'admin' })).rejects.toMatchObject({ code: 'invalid_request' });
  });
});

describe('soft bounces', () => {
  it(`suppress at ${SOFT_BOUNCE_LIMIT} in a row, and a delivery in between starts the count again`, async () => {
    const s = await addSubscriber(deps, { email: 'full@example.com' });
    for (let i = 1; i < SOFT_BOUNCE_LIMIT; i++) expect(await recordSoftBounce(deps, 'full@example.com', { source: 'dsn' })).toEqual({ softBounces: i, suppressed: false });
    await recordDelivered(deps, 'full@example.com');
    expect((await subscriber(s.id)).softBounces).toBe(0);
    for (let i = 1; i < SOFT_BOUNCE_LIMIT; i++) await recordSoftBounce(deps, 'full@example.com', { source: 'dsn' });
    expect(await isSuppressed(deps, 'full@example.com')).toBe(false);
    expect(await recordSoftBounce(deps, 'full@example.com', { source: 'dsn', detail: 'mailbox full' })).toEqual({ softBounces: SOFT_BOUNCE_LIMIT, suppressed: true });
    expect(await suppressionFor(deps, 'full@example.com')).toMatchObject({ reason: 'soft_bounces', source: 'dsn', detail: expect.stringContaining('mailbox full') });
    expect((await subscriber(s.id)).suppressedAt).not.toBeNull();
  });

  it('are not counted for an address with no subscriber', async () => {
    for (let i = 0; i < SOFT_BOUNCE_LIMIT + 1; i++) expect(await recordSoftBounce(deps, 'ghost@example.com', { source: 'dsn' })).toEqual({ softBounces: undefined, suppressed: false });
    expect(await isSuppressed(deps, 'ghost@example.com')).toBe(false);
  });
});

describe('liftSuppression', () => {
  it('removes the entry and the mark, and leaves the reader unsubscribed', async () => {
    const s = await addSubscriber(deps, { email: 'back@example.com', status: 'unsubscribed' });
    await suppressAddress(deps, 'back@example.com', { reason: 'complaint', source: 'webhook' });
    expect(await liftSuppression(deps, 'Back@Example.com')).toBe(true);
    expect(await isSuppressed(deps, 'back@example.com')).toBe(false);
    expect(await subscriber(s.id)).toMatchObject({ suppressedAt: null, status: 'unsubscribed' });
    expect(await liftSuppression(deps, 'back@example.com')).toBe(false);
  });

  it('starts the soft-bounce count afresh: one more soft bounce does not suppress again', async () => {
    const s = await addSubscriber(deps, { email: 'full@example.com' });
    for (let i = 0; i < SOFT_BOUNCE_LIMIT; i++) await recordSoftBounce(deps, 'full@example.com', { source: 'dsn' });
    expect(await isSuppressed(deps, 'full@example.com')).toBe(true);
    expect(await liftSuppression(deps, 'full@example.com')).toBe(true);
    expect((await subscriber(s.id)).softBounces).toBe(0);
    expect(await recordSoftBounce(deps, 'full@example.com', { source: 'dsn' })).toEqual({ softBounces: 1, suppressed: false });
    expect(await isSuppressed(deps, 'full@example.com')).toBe(false);
  });

  it('clears the mark of a subscriber whose address differs only in case', async () => {
    const s = await addSubscriber(deps, { email: 'Back@example.com', suppressedAt: deps.clock.now() });
    await suppressAddress(deps, 'back@example.com', { reason: 'manual', source: 'admin' });
    expect(await liftSuppression(deps, 'back@example.com')).toBe(true);
    expect((await subscriber(s.id)).suppressedAt).toBeNull();
  });
});

/** A mailer that refuses some recipients with the given error and takes everyone else. */
function refusingMailer(refuse: Record<string, () => MailSubmitError>): Mailer & { sent: MailMessage[] } {
  const sent: MailMessage[] = [];
  return {
    sent,
    async send(m) {
      const refusal = refuse[m.to];
      if (refusal) throw refusal();
      sent.push(m);
      return { messageId: m.messageId, response: '250 OK' };
    },
  };
}

const smtpError = (reply: string, stage: 'recipient' | 'data' | 'auth' | 'sender') => () =>
  new MailSubmitError(`refused: ${reply}`, reply.startsWith('5'), reply, { code: Number(reply.slice(0, 3)), stage });

describe('sending to suppressed and bouncing addresses', () => {
  const tick = (at: string) => {
    deps.clock.set(at);
    return runDigestTick(deps, deps.clock.now(), { cadences: ['daily'] });
  };

  it('plans no delivery for a suppressed subscriber, and skips one suppressed after planning', async () => {
    await addArticle(deps, { publishedAt: '2026-11-29T05:00:00Z' });
    const marked = await addSubscriber(deps, { email: 'marked@example.com', suppressedAt: deps.clock.now() });
    const late = await addSubscriber(deps, { email: 'late@example.com' });
    const listed = await addSubscriber(deps, { email: 'listed@example.com' });
    // Planned first, suppressed before the sender gets to them: one by the usual path, one only
    // on the list (as when the address was listed before this subscriber row existed).
    await planDue(deps, 'daily', deps.clock.now());
    await suppressAddress(deps, 'late@example.com', { reason: 'complaint', source: 'webhook' });
    await deps.db.insert(suppressions).values({ addressKey: await addressKey(deps.config.SECRET_KEY, 'listed@example.com'), reason: 'manual', source: 'admin', detail: null, createdAt: deps.clock.now() }).run();
    await tick('2026-11-29T08:00:00Z');
    expect(deps.mailer.sent).toEqual([]);
    const rows = await deps.db.select().from(deliveries).all();
    expect(rows.map((d) => d.subscriberId).sort()).toEqual([late.id, listed.id].sort());
    expect(rows.every((d) => d.status === 'skipped' && d.error === 'address suppressed')).toBe(true);
    expect(rows.some((d) => d.subscriberId === marked.id)).toBe(false);
    expect((await subscriber(listed.id)).suppressedAt).toEqual(deps.clock.now());
  });

  it('suppresses on a hard bounce at RCPT TO or DATA, not on a refusal that is about us', async () => {
    deps.mailer = refusingMailer({
      'gone@example.com': smtpError('550 5.1.1 User unknown', 'recipient'),
      'late-check@example.com': smtpError('554 5.1.1 Recipient unknown after DATA', 'data'),
      'big@example.com': smtpError('552 5.3.4 Message too big', 'data'),
      'policy@example.com': smtpError('550 5.7.1 Rejected by policy', 'recipient'),
      'login@example.com': smtpError('535 5.7.8 Authentication failed', 'auth'),
      'sender@example.com': smtpError('553 Sender address rejected', 'sender'),
    });
    await addArticle(deps, { publishedAt: '2026-11-29T05:00:00Z' });
    for (const email of ['gone', 'late-check', 'big', 'policy', 'login', 'sender', 'fine'].map((n) => `${n}@example.com`)) await addSubscriber(deps, { email });
    await tick('2026-11-29T08:00:00Z');
    const suppressed = (await deps.db.select().from(subscribers).all()).filter((s) => s.suppressedAt).map((s) => s.email).sort();
    expect(suppressed).toEqual(['gone@example.com', 'late-check@example.com']);
    expect(await suppressionFor(deps, 'gone@example.com')).toMatchObject({ reason: 'hard_bounce', source: 'smtp', detail: '550 5.1.1 User unknown' });
    // A refusal of the recipient is a bounce; one about the message or about us is a failure.
    const byStatus = async (status: string) => (await deps.db.select().from(deliveries).all()).filter((d) => d.status === status);
    expect(await byStatus('bounced')).toHaveLength(2);
    expect(await byStatus('failed')).toHaveLength(4);
  });

  it('counts a temporary refusal as a soft bounce only when the delivery finally fails', async () => {
    deps.mailer = refusingMailer({ 'full@example.com': smtpError('452 4.2.2 Mailbox full', 'recipient') });
    await addArticle(deps, { publishedAt: '2026-11-29T05:00:00Z' });
    const s = await addSubscriber(deps, { email: 'full@example.com' });
    await tick('2026-11-29T08:00:00Z');
    const [delivery] = await deps.db.select().from(deliveries).all();
    expect(delivery).toMatchObject({ status: 'pending', attempts: 1 });
    expect((await subscriber(s.id)).softBounces).toBe(0);
    for (let attempt = 2; attempt <= MAX_ATTEMPTS; attempt++) {
      deps.clock.advance(3600_000);
      await tick(deps.clock.now().toISOString());
      if (attempt < MAX_ATTEMPTS) expect((await subscriber(s.id)).softBounces).toBe(0);
    }
    const [done] = await deps.db.select().from(deliveries).where(eq(deliveries.subscriberId, s.id)).all();
    expect(done).toMatchObject({ status: 'failed', attempts: MAX_ATTEMPTS });
    expect(await subscriber(s.id)).toMatchObject({ softBounces: 1, suppressedAt: null });
  });
});
