/**
 * Bounces at submission, over real SMTP: an smtp-server on loopback refuses one recipient with
 * 550 at RCPT TO and takes the others; the sender runs in-process with the real SMTP mailer.
 */
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createSmtpMailer } from '../../src/adapters/smtp-mailer.js';
import { runDigestTick } from '../../src/digests/schedule.js';
import { deliveries, editions } from '../../src/storage/schema.js';
import { findSubscriberByEmail } from '../../src/storage/subscribers.js';
import { isSuppressed, suppressionFor } from '../../src/subscribers/suppression.js';
import { createTestApp, createTestDeps, type TestDeps } from '../support/deps.js';
import { addArticle, addSubscriber } from '../support/fixtures.js';

type Rcpt = { address: string; accepted: boolean };
type Sink = { url: string; rcpts: Rcpt[]; received: string[][]; close(): Promise<void> };

type Reply = { code: number; message: string };

/**
 * An SMTP server that refuses `refuse` at RCPT TO with `reply()`, and any message after DATA
 * with `dataReply()` when that gives one; it records every RCPT TO it is sent.
 */
async function startRefusingSink(refuse: string, reply: () => Reply, dataReply: () => Reply | undefined = () => undefined): Promise<Sink> {
  const rcpts: Rcpt[] = [];
  const received: string[][] = [];
  const server = new SMTPServer({
    secure: false,
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onRcptTo(address, _session, callback) {
      const accepted = address.address.toLowerCase() !== refuse;
      rcpts.push({ address: address.address, accepted });
      if (accepted) return callback();
      const { code, message } = reply();
      callback(Object.assign(new Error(message), { responseCode: code }));
    },
    onData(stream, session, callback) {
      stream.on('data', () => undefined);
      stream.on('end', () => {
        const refused = dataReply();
        if (refused) return callback(Object.assign(new Error(refused.message), { responseCode: refused.code }));
        received.push(session.envelope.rcptTo.map((r) => r.address));
        callback();
      });
    },
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.server.address() as AddressInfo;
  return { url: `smtp://127.0.0.1:${port}`, rcpts, received, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

const GONE = 'gone@example.com';
const KEPT = 'kept@example.com';

let sink: Sink;
let deps: TestDeps;
let mailer: ReturnType<typeof createSmtpMailer>;
let refusal: Reply;
let dataRefusal: Reply | undefined;

beforeEach(async () => {
  refusal = { code: 550, message: 'No such user here' };
  dataRefusal = undefined;
  sink = await startRefusingSink(GONE, () => refusal, () => dataRefusal);
  mailer = createSmtpMailer({ url: sink.url, pool: false });
  deps = createTestDeps({ now: '2026-11-29T08:00:00Z', mailer });
});

afterEach(async () => {
  await deps.close();
  await mailer.close?.();
  await sink.close();
});

const tick = (at: string) => {
  deps.clock.set(at);
  return runDigestTick(deps, deps.clock.now(), { cadences: ['daily'] });
};
const attemptsTo = (address: string) => sink.rcpts.filter((r) => r.address.toLowerCase() === address.toLowerCase());

function signUp(email: string) {
  return createTestApp(deps).request('/subscribe', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, frequency: 'daily' }),
  });
}

describe('a recipient refused with 550 at RCPT TO', () => {
  it('is suppressed, gets no delivery in the next edition, and no confirmation when signing up again', async () => {
    await addArticle(deps, { publishedAt: '2026-11-29T05:00:00Z' });
    const gone = await addSubscriber(deps, { email: GONE });
    const kept = await addSubscriber(deps, { email: KEPT });

    await tick('2026-11-29T08:00:00Z');
    expect(attemptsTo(GONE)).toEqual([{ address: GONE, accepted: false }]);
    expect(sink.received).toEqual([[KEPT]]);
    const first = await deps.db.select().from(deliveries).all();
    expect(first.find((d) => d.subscriberId === kept.id)?.status).toBe('submitted');
    expect(first.find((d) => d.subscriberId === gone.id)).toMatchObject({ status: 'bounced', smtpResponse: expect.stringContaining('550') });
    expect((await findSubscriberByEmail(deps.db, GONE))?.suppressedAt).toEqual(deps.clock.now());
    expect(await suppressionFor(deps, GONE)).toMatchObject({ reason: 'hard_bounce', source: 'smtp', detail: expect.stringContaining('No such user here') });
    expect((await findSubscriberByEmail(deps.db, KEPT))?.suppressedAt).toBeNull();
    expect(await isSuppressed(deps, KEPT)).toBe(false);

    // The next day's edition: no delivery row for the suppressed reader, and no RCPT TO either.
    await addArticle(deps, { title: 'مقال اليوم التالي', publishedAt: '2026-11-30T05:00:00Z' });
    await tick('2026-11-30T08:00:00Z');
    const [, nextEdition] = await deps.db.select().from(editions).orderBy(editions.createdAt).all();
    const next = (await deps.db.select().from(deliveries).all()).filter((d) => d.editionId === nextEdition?.id);
    expect(next.map((d) => d.subscriberId)).toEqual([kept.id]);
    expect(attemptsTo(GONE)).toHaveLength(1);
    expect(sink.received).toEqual([[KEPT], [KEPT]]);

    // Signing up again, as the same row or under another spelling (a new row the list alone
    // knows about), mails nothing; a new address gets its confirmation over the same server.
    for (const email of [GONE, 'Gone@Example.COM', 'new@example.com']) expect((await signUp(email)).status).toBe(202);
    await Promise.all(deps.deferred);
    expect(attemptsTo(GONE)).toHaveLength(1);
    expect(attemptsTo('new@example.com')).toEqual([{ address: 'new@example.com', accepted: true }]);
  });

  it('does not suppress a recipient refused for a reason that is about the sender (5.7.1 policy)', async () => {
    refusal = { code: 550, message: '5.7.1 Message rejected due to sender reputation' };
    await addArticle(deps, { publishedAt: '2026-11-29T05:00:00Z' });
    const gone = await addSubscriber(deps, { email: GONE });
    await tick('2026-11-29T08:00:00Z');
    expect(attemptsTo(GONE)).toHaveLength(1);
    const [delivery] = await deps.db.select().from(deliveries).all();
    expect(delivery).toMatchObject({ subscriberId: gone.id, status: 'failed' });
    expect(await isSuppressed(deps, GONE)).toBe(false);
    expect((await findSubscriberByEmail(deps.db, GONE))?.suppressedAt).toBeNull();
  });
});

describe('the SMTP mailer, on a refusal', () => {
  const message = (to: string) => ({ to, from: 'نشرة <newsletter@nashra.test>', subject: 's', text: 't', html: '<p>t</p>', messageId: `<${to}@nashra.test>` });

  it('tells the reply code and that it answered RCPT TO', async () => {
    refusal = { code: 452, message: '4.2.2 Mailbox full' };
    const err = await mailer.send(message(GONE)).then(() => undefined, (e: unknown) => e);
    expect(err).toMatchObject({ name: 'MailSubmitError', permanent: false, smtp: { code: 452, stage: 'recipient' }, response: expect.stringMatching(/^452 4\.2\.2/) });
  });

  it('tells that a refusal after the message answered DATA', async () => {
    dataRefusal = { code: 552, message: '5.3.4 Message size exceeds fixed limit' };
    const err = await mailer.send(message(KEPT)).then(() => undefined, (e: unknown) => e);
    expect(err).toMatchObject({ name: 'MailSubmitError', permanent: true, smtp: { code: 552, stage: 'data' } });
  });

  it('has no SMTP details for a connection that never got an answer', async () => {
    await sink.close();
    const err = await mailer.send(message(KEPT)).then(() => undefined, (e: unknown) => e);
    expect(err).toMatchObject({ name: 'MailSubmitError', permanent: false });
    expect((err as { smtp?: unknown }).smtp).toBeUndefined();
  });
});
