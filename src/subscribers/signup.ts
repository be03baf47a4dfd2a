/**
 * Sign-up with double opt-in, and confirmation. The answer to a sign-up is the same whatever
 * the address's state (new, pending, confirmed, unsubscribed, suppressed), and so is the work
 * done in the request: the confirmation is mailed in the background, so the endpoint never
 * reveals who is subscribed, not even by how long it takes.
 */
import type { Deps } from '../deps.js';
import { messageIdFor, senderFields } from '../email/compose.js';
import { renderConfirmation } from '../email/confirmation.js';
import { isUniqueViolation } from '../storage/db.js';
import { hitRateLimit } from '../storage/rate-limits.js';
import type { SubscriberRow } from '../storage/schema.js';
import { findSubscriberByEmail, insertSubscriberWithTopics, segmentKeyOf, updateSubscriberWithTopics } from '../storage/subscribers.js';
import { findSuppression } from '../storage/suppressions.js';
import { normalizeEmail } from './address.js';
import { addressKey } from './address-key.js';
import { requireHour, requireLocale, requireWeekday, requireTimeZone, resolveTopics, type SubscriberLocale } from './choices.js';
import { signToken, TOKEN_TTL_MS } from './tokens.js';

export type SignupRequest = {
  email: string;
  name?: string | undefined;
  frequency: 'daily' | 'weekly';
  /** IANA time zone; DIGEST_TIMEZONE when absent. */
  timezone?: string | undefined;
  source: 'page' | 'api' | 'import';
  ip?: string | null | undefined;
  userAgent?: string | null | undefined;
  /** Section slugs; none means every section. */
  sections?: string[] | undefined;
  /** Author slugs; none means every author. */
  authors?: string[] | undefined;
  /** Local hour (0–23) of delivery; DIGEST_HOUR when absent. */
  preferredHour?: number | undefined;
  /** Weekly readers: ISO weekday 1 (Monday) … 7 (Sunday); DIGEST_WEEKDAY when absent. */
  preferredWeekday?: number | undefined;
  /** Language of emails and pages; Arabic when absent. */
  locale?: SubscriberLocale | undefined;
};

/** A pending address gets a new confirmation at most this often… */
const RESEND_AFTER_MS = 10 * 60_000;
/** …and at most this many a day. */
const CONFIRMATIONS_PER_DAY = 5;
const DAY_MS = 86_400_000;

/**
 * Records the sign-up and its consent, and mails a confirmation link in the background (through
 * `deps.defer`); nothing else is ever sent before confirmation. A confirmed or suppressed
 * address gets nothing; a pending one at most one confirmation per 10 minutes and 5 a day; an
 * unsubscribed one goes back to pending with the new consent. Throws `invalid_request` for an
 * invalid address or choice (unknown section or author slug, time zone, hour, locale).
 */
export async function signUp(deps: Deps, req: SignupRequest): Promise<void> {
  const { db, clock, ids, config } = deps;
  const email = normalizeEmail(req.email);
  const timezone = requireTimeZone(req.timezone ?? config.DIGEST_TIMEZONE);
  const preferredHour = requireHour(req.preferredHour ?? config.DIGEST_HOUR);
  const preferredWeekday = requireWeekday(req.preferredWeekday ?? config.DIGEST_WEEKDAY);
  const locale = requireLocale(req.locale ?? 'ar');
  const topics = await resolveTopics(db, req);
  const now = clock.now();
  const key = await addressKey(config.SECRET_KEY, email);
  const [existing, suppression] = await Promise.all([findSubscriberByEmail(db, email), findSuppression(db, key)]);
  if (suppression || existing?.suppressedAt || existing?.erasedAt || existing?.status === 'confirmed') return;
  if (!(await mayMailConfirmation(deps, existing, key, now))) return;

  const fields = { name: req.name?.trim() || null, frequency: req.frequency, timezone, preferredHour, preferredWeekday, locale };
  const consent = {
    consentAt: now,
    consentIp: req.ip ?? null,
    consentUserAgent: req.userAgent?.slice(0, 512) ?? null,
    consentSource: req.source,
    consentPolicyVersion: config.CONSENT_POLICY_VERSION,
  };
  const pending = { ...fields, ...consent, status: 'pending' as const, updatedAt: now, confirmationSentAt: now, confirmedAt: null };
  let subscriber: SubscriberRow;
  if (existing) {
    // An unsubscribed address keeps its `unsubscribedAt`: confirm links older than it stay void.
    subscriber = { ...existing, ...pending };
    await updateSubscriberWithTopics(db, existing.id, pending, topics);
  } else {
    subscriber = { id: ids.next(), email, ...pending, segmentKey: segmentKeyOf(topics), createdAt: now, unsubscribedAt: null, softBounces: 0, suppressedAt: null, erasedAt: null };
    try {
      await insertSubscriberWithTopics(db, subscriber, topics);
    } catch (err) {
      // The same address signed up a moment ago (a double click): that request mails it.
      if (isUniqueViolation(err)) return;
      throw err;
    }
  }
  deps.defer(() => sendConfirmation(deps, subscriber));
}

/**
 * Whether another confirmation may go to this address now: not within 10 minutes of the last
 * one for a pending address, then the database-wide counters keyed by the address key (one per
 * 10-minute window, which also stops two concurrent requests both mailing, and five a day).
 */
async function mayMailConfirmation(deps: Deps, existing: SubscriberRow | undefined, key: string, now: Date): Promise<boolean> {
  const sentAt = existing?.status === 'pending' ? existing.confirmationSentAt : null;
  if (sentAt && now.getTime() - sentAt.getTime() < RESEND_AFTER_MS) return false;
  if (!(await hitRateLimit(deps.db, `confirm:10m:${key}`, now, RESEND_AFTER_MS, 1)).allowed) return false;
  return (await hitRateLimit(deps.db, `confirm:day:${key}`, now, DAY_MS, CONFIRMATIONS_PER_DAY)).allowed;
}

async function sendConfirmation(deps: Deps, s: SubscriberRow): Promise<void> {
  const { config, clock, ids } = deps;
  const token = await signToken(config.SECRET_KEY, 'confirm', s.id, clock.now());
  const msg = renderConfirmation({
    siteName: config.SITE_NAME,
    name: s.name,
    frequency: s.frequency,
    confirmUrl: `${config.PUBLIC_URL}/confirm?${new URLSearchParams({ token, lang: s.locale })}`,
    validHours: TOKEN_TTL_MS.confirm / 3600_000,
    locale: s.locale,
  });
  try {
    await deps.mailer.send({ ...senderFields(config), to: s.email, messageId: messageIdFor(config, ids.next()), ...msg });
  } catch (err) {
    // The sign-up is recorded; the reader can ask again after the resend window.
    deps.log.error('confirmation email not submitted', { subscriberId: s.id, error: String(err) });
  }
}
