/**
 * Sign-up with double opt-in, confirmation and unsubscribe. The answer to a sign-up is the
 * same whatever the address's state, so the endpoint never reveals who is subscribed.
 */
import type { Deps } from '../deps.js';
import { AppError } from '../errors.js';
import { messageIdFor, senderFields } from '../email/compose.js';
import { renderConfirmation } from '../email/confirmation.js';
import { findSubscriberByEmail, findSubscriberById, insertSubscriber, updateSubscriber } from '../storage/subscribers.js';
import { isUniqueViolation } from '../storage/db.js';
import type { SubscriberRow } from '../storage/schema.js';
import { normalizeEmail } from './address.js';
import { signToken, TOKEN_TTL_MS, verifyToken } from './tokens.js';

export type SignupRequest = {
  email: string;
  name?: string;
  frequency: 'daily' | 'weekly';
  timezone?: string;
  source: 'page' | 'api' | 'import';
  ip?: string | null;
  userAgent?: string | null;
};

/** A pending address gets a new confirmation at most this often. */
const RESEND_AFTER_MS = 10 * 60_000;

/**
 * Records consent and mails a confirmation link; nothing else is sent before confirmation.
 * Throws `invalid_request` for an invalid address.
 */
export async function signUp(deps: Deps, req: SignupRequest): Promise<void> {
  const { db, clock, ids, config } = deps;
  const email = normalizeEmail(req.email);
  const now = clock.now();
  const existing = await findSubscriberByEmail(db, email);
  if (existing?.status === 'confirmed') return;
  if (existing?.status === 'pending' && existing.confirmationSentAt && now.getTime() - existing.confirmationSentAt.getTime() < RESEND_AFTER_MS) return;
  const consent = {
    consentAt: now,
    consentIp: req.ip ?? null,
    consentUserAgent: req.userAgent?.slice(0, 512) ?? null,
    consentSource: req.source,
    consentPolicyVersion: config.CONSENT_POLICY_VERSION,
  };
  const fields = { name: req.name?.trim() || null, frequency: req.frequency, timezone: req.timezone ?? config.DIGEST_TIMEZONE };
  let subscriber: SubscriberRow;
  if (existing) {
    subscriber = { ...existing, ...fields, ...consent, status: 'pending', updatedAt: now, confirmationSentAt: now };
    await updateSubscriber(db, existing.id, subscriber);
  } else {
    subscriber = {
      id: ids.next(), email, ...fields, ...consent, status: 'pending', preferredHour: config.DIGEST_HOUR,
      createdAt: now, updatedAt: now, confirmedAt: null, unsubscribedAt: null, confirmationSentAt: now,
    };
    try {
      await insertSubscriber(db, subscriber);
    } catch (err) {
      // The same address signed up a moment ago (a double click): that request mails it.
      if (isUniqueViolation(err)) return;
      throw err;
    }
  }
  await sendConfirmation(deps, subscriber);
}

async function sendConfirmation(deps: Deps, s: SubscriberRow): Promise<void> {
  const { config, clock, ids } = deps;
  const token = await signToken(config.SECRET_KEY, 'confirm', s.id, clock.now());
  const msg = renderConfirmation({
    siteName: config.SITE_NAME,
    name: s.name,
    frequency: s.frequency,
    confirmUrl: `${config.PUBLIC_URL}/confirm?token=${token}`,
    validHours: TOKEN_TTL_MS.confirm / 3600_000,
  });
  try {
    await deps.mailer.send({ ...senderFields(config), to: s.email, messageId: messageIdFor(config, ids.next()), ...msg });
  } catch (err) {
    // The sign-up is recorded; the reader can ask again after the resend window.
    deps.log.error('confirmation email not submitted', { subscriberId: s.id, error: String(err) });
  }
}

/** Confirms the subscriber a confirm token names. Throws `invalid_token`. */
export async function confirmSubscription(deps: Deps, token: string): Promise<SubscriberRow> {
  const { subject } = await verifyToken(deps.config.SECRET_KEY, 'confirm', token, deps.clock.now());
  const s = await findSubscriberById(deps.db, subject);
  if (!s || s.status === 'unsubscribed') throw new AppError('invalid_token', 'This link is no longer valid');
  if (s.status === 'confirmed') return s;
  const now = deps.clock.now();
  await updateSubscriber(deps.db, s.id, { status: 'confirmed', confirmedAt: now, updatedAt: now });
  return { ...s, status: 'confirmed', confirmedAt: now };
}

/** Unsubscribes at once; effective for every delivery not yet submitted. Throws `invalid_token`. */
export async function unsubscribe(deps: Deps, token: string): Promise<SubscriberRow> {
  const s = await subscriberForToken(deps, 'unsubscribe', token);
  if (s.status !== 'unsubscribed') {
    const now = deps.clock.now();
    await updateSubscriber(deps.db, s.id, { status: 'unsubscribed', unsubscribedAt: now, updatedAt: now });
  }
  return { ...s, status: 'unsubscribed' };
}

/** Changes how often a subscriber hears from us. Throws `invalid_token`. */
export async function changeFrequency(deps: Deps, token: string, frequency: 'daily' | 'weekly'): Promise<SubscriberRow> {
  const s = await subscriberForToken(deps, 'preferences', token);
  await updateSubscriber(deps.db, s.id, { frequency, updatedAt: deps.clock.now() });
  return { ...s, frequency };
}

export async function subscriberForToken(deps: Deps, purpose: 'preferences' | 'unsubscribe', token: string): Promise<SubscriberRow> {
  const { subject } = await verifyToken(deps.config.SECRET_KEY, purpose, token, deps.clock.now());
  const s = await findSubscriberById(deps.db, subject);
  if (!s) throw new AppError('invalid_token', 'This link is no longer valid');
  return s;
}
