/** The rules of double opt-in, with a fixed clock: what is mailed, when, and to whom. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isAppError } from '../../src/errors.js';
import { subscribers, suppressions } from '../../src/storage/schema.js';
import { findSubscriberByEmail, findSubscriberTopics, updateSubscriber } from '../../src/storage/subscribers.js';
import { findOrCreateSection } from '../../src/storage/taxonomy.js';
import { addressKey } from '../../src/subscribers/address-key.js';
import { confirmSubscription, readConfirmToken } from '../../src/subscribers/confirm.js';
import { savePreferences, type PreferencesInput } from '../../src/subscribers/preferences.js';
import { signUp, type SignupRequest } from '../../src/subscribers/signup.js';
import { signToken } from '../../src/subscribers/tokens.js';
import { unsubscribe } from '../../src/subscribers/unsubscribe.js';
import { createTestApp, createTestDeps, type TestDeps } from '../support/deps.js';
import { addSubscriber } from '../support/fixtures.js';
import { formPost, holdBackgroundWork, linkIn } from './subscription-support.js';

const MINUTE = 60_000;
let deps: TestDeps;
beforeEach(() => {
  deps = createTestDeps({ now: '2026-11-29T08:00:00Z' });
});
afterEach(() => deps.close());

const settle = () => Promise.all(deps.deferred);
const request = (email: string, extra: Partial<SignupRequest> = {}): SignupRequest => ({ email, frequency: 'daily', source: 'page', ...extra });
/** Signs up and waits for the background work; returns how many emails that sign-up sent. */
async function signUpAndCount(email: string, extra: Partial<SignupRequest> = {}): Promise<number> {
  const before = deps.mailer.sent.length;
  await signUp(deps, request(email, extra));
  await settle();
  return deps.mailer.sent.length - before;
}
const suppress = async (email: string) =>
  deps.db.insert(suppressions).values({ addressKey: await addressKey(deps.config.SECRET_KEY, email), reason: 'complaint', source: 'webhook:test', detail: null, createdAt: deps.clock.now() }).run();
const lastConfirmToken = () => new URLSearchParams(linkIn(deps.mailer.sent.at(-1)!.text, '/confirm').split('?')[1]).get('token')!;

describe('the confirmation email', () => {
  it('is sent in the background: the sign-up itself never sends', async () => {
    const background = holdBackgroundWork(deps);
    await signUp(deps, request('bg@example.com'));
    expect(deps.mailer.sent).toEqual([]);
    expect(background.held()).toBe(1);
    await background.run();
    expect(deps.mailer.sent.map((m) => m.to)).toEqual(['bg@example.com']);
  });

  it('is in the reader\'s language', async () => {
    await signUpAndCount('en@example.com', { locale: 'en', frequency: 'weekly', name: 'Sam' });
    const mail = deps.mailer.sent[0]!;
    expect(mail.subject).toBe('Confirm your subscription to نشرة');
    expect(mail.html).toMatch(/<html lang="en" dir="ltr"/);
    expect(mail.text).toContain('Hello Sam,');
    expect(mail.text).toContain('weekly newsletter');
    expect(mail.text).toContain('48 hours');
    expect(linkIn(mail.text, '/confirm')).toMatch(/&lang=en$/);
    await signUpAndCount('ar@example.com');
    expect(deps.mailer.sent[1]!.subject).toBe('أكّد اشتراكك في نشرة');
  });
});

describe('how often a pending address is mailed', () => {
  it('at most once per 10 minutes and 5 times a day', async () => {
    const sends: number[] = [];
    for (const at of [0, 5, 9.99, 10, 15, 20, 30, 40, 50, 60, 600]) {
      deps.clock.set(new Date(Date.parse('2026-11-29T08:00:00Z') + at * MINUTE));
      if (await signUpAndCount('cap@example.com')) sends.push(at);
    }
    expect(sends).toEqual([0, 10, 20, 30, 40]);
    deps.clock.set('2026-11-30T00:00:00Z'); // the next day
    expect(await signUpAndCount('cap@example.com')).toBe(1);
  });

  it('keeps the consent and choices of the last sign-up that was mailed', async () => {
    await signUpAndCount('keep@example.com', { frequency: 'daily' });
    deps.clock.advance(MINUTE);
    expect(await signUpAndCount('keep@example.com', { frequency: 'weekly', ip: '198.51.100.1' })).toBe(0);
    expect(await findSubscriberByEmail(deps.db, 'keep@example.com')).toMatchObject({ frequency: 'daily', consentIp: null });
    deps.clock.advance(10 * MINUTE);
    expect(await signUpAndCount('keep@example.com', { frequency: 'weekly', ip: '198.51.100.1' })).toBe(1);
    expect(await findSubscriberByEmail(deps.db, 'keep@example.com')).toMatchObject({ frequency: 'weekly', consentIp: '198.51.100.1', consentAt: deps.clock.now() });
  });

  it('once when the same address signs up twice at the same moment', async () => {
    await Promise.all([signUp(deps, request('twice@example.com')), signUp(deps, request('twice@example.com'))]);
    await settle();
    expect(deps.mailer.sent).toHaveLength(1);
  });
});

describe('addresses that get nothing', () => {
  it('a confirmed address: no email, nothing changed', async () => {
    const s = await addSubscriber(deps, { email: 'done@example.com', frequency: 'weekly' });
    deps.clock.advance(MINUTE);
    expect(await signUpAndCount('done@example.com', { frequency: 'daily' })).toBe(0);
    expect(await findSubscriberByEmail(deps.db, 'done@example.com')).toEqual(s);
  });

  it('a confirmed address written in other letter case: the same reader, no second subscriber', async () => {
    const s = await addSubscriber(deps, { email: 'ali@example.com' });
    deps.clock.advance(60 * MINUTE);
    expect(await signUpAndCount('Ali@Example.COM')).toBe(0);
    expect(await signUpAndCount('ALI@example.com')).toBe(0);
    expect(await findSubscriberByEmail(deps.db, 'ALI@EXAMPLE.COM')).toEqual(s);
    expect((await deps.db.select().from(subscribers).all()).map((r) => r.email)).toEqual(['ali@example.com']);
  });

  it('an address on the suppression list, or a subscriber marked suppressed: no email, no record', async () => {
    await suppress('Bounced@Example.com');
    expect(await signUpAndCount('Bounced@EXAMPLE.com')).toBe(0);
    expect(await findSubscriberByEmail(deps.db, 'Bounced@example.com')).toBeUndefined();
    const s = await addSubscriber(deps, { email: 'marked@example.com', status: 'unsubscribed', suppressedAt: deps.clock.now() });
    expect(await signUpAndCount('marked@example.com')).toBe(0);
    expect(await findSubscriberByEmail(deps.db, 'marked@example.com')).toEqual(s);
  });

  it('a pending subscriber suppressed since: its confirm link no longer works', async () => {
    await signUpAndCount('late@example.com');
    const s = (await findSubscriberByEmail(deps.db, 'late@example.com'))!;
    await updateSubscriber(deps.db, s.id, { suppressedAt: deps.clock.now() });
    await expect(confirmSubscription(deps, lastConfirmToken())).rejects.toMatchObject({ code: 'invalid_token' });
  });
});

describe('confirming', () => {
  it('works once: the same link again confirms nothing', async () => {
    await signUpAndCount('once@example.com');
    const token = lastConfirmToken();
    const first = await confirmSubscription(deps, token);
    expect(first.alreadyConfirmed).toBe(false);
    deps.clock.advance(5 * MINUTE);
    const again = await confirmSubscription(deps, token);
    expect(again.alreadyConfirmed).toBe(true);
    expect((await findSubscriberByEmail(deps.db, 'once@example.com'))?.confirmedAt).toEqual(first.subscriber.confirmedAt);
  });

  it('an unsubscribed reader who signs up again is pending with new consent, and only the new link confirms', async () => {
    await signUpAndCount('back@example.com', { ip: '192.0.2.1' });
    const oldToken = lastConfirmToken();
    const { subscriber } = await confirmSubscription(deps, oldToken);
    deps.clock.advance(MINUTE);
    await unsubscribe(deps, await signToken(deps.config.SECRET_KEY, 'unsubscribe', subscriber.id, deps.clock.now()));
    deps.clock.advance(60 * MINUTE);
    expect(await signUpAndCount('back@example.com', { ip: '192.0.2.99', frequency: 'weekly' })).toBe(1);
    expect(await findSubscriberByEmail(deps.db, 'back@example.com')).toMatchObject({
      status: 'pending', consentAt: deps.clock.now(), consentIp: '192.0.2.99', confirmedAt: null, frequency: 'weekly',
    });
    await expect(readConfirmToken(deps, oldToken)).rejects.toMatchObject({ code: 'invalid_token' });
    await expect(confirmSubscription(deps, oldToken)).rejects.toMatchObject({ code: 'invalid_token' });
    expect((await confirmSubscription(deps, lastConfirmToken())).alreadyConfirmed).toBe(false);
    expect((await findSubscriberByEmail(deps.db, 'back@example.com'))?.status).toBe('confirmed');
  });
});

describe('the answer to a sign-up', () => {
  it('is the same page, status and (for JSON) body whatever the address\'s state, and never sends in the request', async () => {
    const app = createTestApp(deps);
    await signUpAndCount('pending@example.com');
    const background = holdBackgroundWork(deps);
    await addSubscriber(deps, { email: 'confirmed@example.com' });
    await addSubscriber(deps, { email: 'left@example.com', status: 'unsubscribed', unsubscribedAt: deps.clock.now() });
    await suppress('suppressed@example.com');
    await addSubscriber(deps, { email: 'marked@example.com', suppressedAt: deps.clock.now() });
    deps.clock.advance(MINUTE);
    const addresses = ['new@example.com', 'pending@example.com', 'confirmed@example.com', 'left@example.com', 'suppressed@example.com', 'marked@example.com'];
    const answers = new Set<string>();
    const json = new Set<string>();
    for (const email of addresses) {
      const before = deps.mailer.sent.length;
      const page = await app.request('/subscribe', formPost({ email, frequency: 'daily' }));
      const api = await app.request('/subscribe', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email }) });
      expect(deps.mailer.sent.length, email).toBe(before);
      answers.add(`${page.status} ${page.headers.get('content-type')} ${await page.text()}`);
      json.add(`${api.status} ${await api.text()}`);
    }
    expect(answers.size).toBe(1);
    expect(json.size).toBe(1);
    expect(background.held()).toBe(2);
    await background.run();
    expect(deps.mailer.sent.slice(1).map((m) => m.to)).toEqual(['new@example.com', 'left@example.com']);
  });
});

describe('choices through the API', () => {
  it.each([
    ['an unknown section', { sections: ['nope'] }],
    ['an unknown author', { authors: ['nobody'] }],
    ['a time zone that is not IANA', { timezone: '+01:00' }],
    ['an hour out of range', { preferredHour: 24 }],
    ['weekday 0', { preferredWeekday: 0 }],
    ['weekday 8', { preferredWeekday: 8 }],
    ['a weekday that is not a whole number', { preferredWeekday: 2.5 }],
  ] as const)('rejects %s with invalid_request and records nothing', async (_, extra) => {
    const err = await signUp(deps, request('choice@example.com', extra as Partial<SignupRequest>)).catch((e: unknown) => e);
    expect(isAppError(err) && err.code).toBe('invalid_request');
    expect(await findSubscriberByEmail(deps.db, 'choice@example.com')).toBeUndefined();
  });

  it('names the field of a bad weekday', async () => {
    const err = await signUp(deps, request('day@example.com', { preferredWeekday: 8 })).catch((e: unknown) => e);
    expect(isAppError(err) && err.details).toEqual({ fields: [{ path: 'preferredWeekday', message: expect.stringContaining('1 (Monday) to 7 (Sunday)') }] });
  });

  it('keeps the weekday of a sign-up, DIGEST_WEEKDAY by default; saving preferences changes it only when given', async () => {
    await signUpAndCount('wed@example.com', { frequency: 'weekly', preferredWeekday: 3 });
    await signUpAndCount('plain@example.com', { frequency: 'weekly' });
    expect((await findSubscriberByEmail(deps.db, 'plain@example.com'))?.preferredWeekday).toBe(6);
    const s = (await findSubscriberByEmail(deps.db, 'wed@example.com'))!;
    expect(s.preferredWeekday).toBe(3);
    const token = await signToken(deps.config.SECRET_KEY, 'preferences', s.id, deps.clock.now());
    const choices: PreferencesInput = { frequency: 'weekly', sections: [], authors: [], timezone: 'UTC', preferredHour: 7, locale: 'ar' };
    expect((await savePreferences(deps, token, choices)).subscriber.preferredWeekday).toBe(3);
    expect((await savePreferences(deps, token, { ...choices, preferredWeekday: 7 })).subscriber.preferredWeekday).toBe(7);
    expect((await findSubscriberByEmail(deps.db, 'wed@example.com'))?.preferredWeekday).toBe(7);
    await expect(savePreferences(deps, token, { ...choices, preferredWeekday: 0 })).rejects.toMatchObject({ code: 'invalid_request' });
    expect((await findSubscriberByEmail(deps.db, 'wed@example.com'))?.preferredWeekday).toBe(7);
  });

  it('stores many topics (more than fit one statement under D1\'s limit) and replaces them together', async () => {
    const slugs: string[] = [];
    for (let i = 0; i < 40; i++) slugs.push((await findOrCreateSection(deps.db, { name: `قسم ${i}`, slug: `section-${i}` }, deps.clock, deps.ids)).slug);
    await signUpAndCount('many@example.com', { sections: slugs, timezone: 'asia/riyadh' });
    const s = (await findSubscriberByEmail(deps.db, 'many@example.com'))!;
    expect(s.timezone).toBe('Asia/Riyadh');
    expect((await findSubscriberTopics(deps.db, s.id)).sections).toHaveLength(40);
    const token = await signToken(deps.config.SECRET_KEY, 'preferences', s.id, deps.clock.now());
    await savePreferences(deps, token, { frequency: 'daily', sections: slugs.slice(0, 2), authors: [], timezone: 'UTC', preferredHour: 5, locale: 'en' });
    expect((await findSubscriberTopics(deps.db, s.id)).sections).toHaveLength(2);
    expect(await findSubscriberByEmail(deps.db, 'many@example.com')).toMatchObject({ timezone: 'UTC', preferredHour: 5, locale: 'en' });
  });
});
