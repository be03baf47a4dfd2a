/**
 * The preference centre: what a reader receives and when, changed through the signed link in
 * every email. The link proves the mailbox; no account, no password.
 */
import type { Deps } from '../deps.js';
import { AppError } from '../errors.js';
import type { SubscriberRow } from '../storage/schema.js';
import { findSubscriberById, findSubscriberTopics, updateSubscriberWithTopics, type TopicIds } from '../storage/subscribers.js';
import { requireHour, requireLocale, requireTimeZone, requireWeekday, resolveTopics, type Frequency, type SubscriberLocale } from './choices.js';
import { signToken, verifyToken } from './tokens.js';

export type PreferencesInput = {
  frequency: Frequency;
  /** Section and author slugs; none of a kind means all of it. */
  sections: string[];
  authors: string[];
  timezone: string;
  preferredHour: number;
  /** The weekly digest's day, ISO 1 (Monday) … 7 (Sunday); absent: the current day stays. */
  preferredWeekday?: number | undefined;
  locale: SubscriberLocale;
};

export type Preferences = { subscriber: SubscriberRow; topics: TopicIds };

/**
 * The subscriber a preferences or unsubscribe token names. Throws `invalid_token` when the
 * token is invalid or expired, or the subscriber is gone or erased.
 */
export async function subscriberForToken(deps: Deps, purpose: 'preferences' | 'unsubscribe', token: string): Promise<SubscriberRow> {
  const { subject } = await verifyToken(deps.config.SECRET_KEY, purpose, token, deps.clock.now());
  const s = await findSubscriberById(deps.db, subject);
  if (!s || s.erasedAt) throw new AppError('invalid_token', 'This link is no longer valid');
  return s;
}

/** The subscriber and chosen topics behind a preferences token. Throws `invalid_token`. */
export async function readPreferences(deps: Deps, token: string): Promise<Preferences> {
  const subscriber = await subscriberForToken(deps, 'preferences', token);
  return { subscriber, topics: await findSubscriberTopics(deps.db, subscriber.id) };
}

/**
 * Replaces the reader's choices, subscriber row and topics in one batch; the status is left
 * alone (saving never subscribes or unsubscribes). Throws `invalid_token`, or
 * `invalid_request` for an unknown slug, time zone, hour, weekday or locale.
 */
export async function savePreferences(deps: Deps, token: string, input: PreferencesInput): Promise<Preferences> {
  const s = await subscriberForToken(deps, 'preferences', token);
  const patch = {
    frequency: input.frequency,
    timezone: requireTimeZone(input.timezone),
    preferredHour: requireHour(input.preferredHour),
    preferredWeekday: input.preferredWeekday === undefined ? s.preferredWeekday : requireWeekday(input.preferredWeekday),
    locale: requireLocale(input.locale),
    updatedAt: deps.clock.now(),
  };
  const topics = await resolveTopics(deps.db, input);
  await updateSubscriberWithTopics(deps.db, s.id, patch, topics);
  return { subscriber: { ...s, ...patch }, topics };
}

/** Fresh signed tokens for the links a page shows a subscriber: preference centre and unsubscribe. */
export async function linkTokensFor(deps: Deps, subscriberId: string): Promise<{ preferences: string; unsubscribe: string }> {
  const { config, clock } = deps;
  const [preferences, unsubscribe] = await Promise.all([
    signToken(config.SECRET_KEY, 'preferences', subscriberId, clock.now()),
    signToken(config.SECRET_KEY, 'unsubscribe', subscriberId, clock.now()),
  ]);
  return { preferences, unsubscribe };
}
