/**
 * The second step of double opt-in: the link in the confirmation email. A link works once
 * (afterwards it only says the subscription is confirmed), for 48 hours, and only for the
 * sign-up it was sent for: a link mailed before the reader last unsubscribed is void.
 */
import type { Deps } from '../deps.js';
import { AppError } from '../errors.js';
import type { SubscriberRow } from '../storage/schema.js';
import { findSubscriberById, updateSubscriberIfStatus } from '../storage/subscribers.js';
import { verifyToken } from './tokens.js';

export type ConfirmLink = { subscriber: SubscriberRow; alreadyConfirmed: boolean };

const gone = () => new AppError('invalid_token', 'This link is no longer valid');

/**
 * The subscriber a confirm token names, without changing anything, and whether it is confirmed
 * already. Throws `invalid_token` when the token is malformed, tampered with, for another
 * purpose or expired, or the sign-up it was sent for is over (unsubscribed, suppressed, erased).
 */
export async function readConfirmToken(deps: Deps, token: string): Promise<ConfirmLink> {
  const { subject, issuedAt } = await verifyToken(deps.config.SECRET_KEY, 'confirm', token, deps.clock.now());
  const s = await findSubscriberById(deps.db, subject);
  if (!s || s.erasedAt || s.suppressedAt || s.status === 'unsubscribed') throw gone();
  // Tokens carry whole seconds: one issued in the second of the unsubscription still counts.
  if (s.unsubscribedAt && issuedAt.getTime() < Math.floor(s.unsubscribedAt.getTime() / 1000) * 1000) throw gone();
  return { subscriber: s, alreadyConfirmed: s.status === 'confirmed' };
}

/**
 * Confirms the pending subscriber a confirm token names. A confirmed one is left as it is
 * (`alreadyConfirmed`), so a link used twice never confirms twice. Throws as {@link readConfirmToken}.
 */
export async function confirmSubscription(deps: Deps, token: string): Promise<ConfirmLink> {
  const link = await readConfirmToken(deps, token);
  if (link.alreadyConfirmed) return link;
  const now = deps.clock.now();
  const confirmed = await updateSubscriberIfStatus(deps.db, link.subscriber.id, 'pending', { status: 'confirmed', confirmedAt: now, updatedAt: now });
  if (!confirmed) return readConfirmToken(deps, token); // another request confirmed it first
  return { subscriber: { ...link.subscriber, status: 'confirmed', confirmedAt: now, updatedAt: now }, alreadyConfirmed: false };
}
