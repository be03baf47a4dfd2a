/**
 * Leaving, and changing one's mind. Unsubscribing takes effect at once for every delivery not
 * yet submitted. The same signed link can undo it: the token proves the mailbox, so the
 * subscription comes back (confirmed, same choices) without a new confirmation, unless the
 * address has since been suppressed or its data erased.
 */
import type { Deps } from '../deps.js';
import { AppError } from '../errors.js';
import type { SubscriberRow } from '../storage/schema.js';
import { findSubscriberById, updateSubscriber } from '../storage/subscribers.js';
import { findSuppression } from '../storage/suppressions.js';
import { addressKey } from './address-key.js';
import { verifyToken } from './tokens.js';

/**
 * The subscriber an unsubscribe token names, erased or not, without changing anything (what
 * the page behind the link shows). Throws `invalid_token` for a bad or expired token.
 */
export async function readUnsubscribeToken(deps: Deps, token: string): Promise<SubscriberRow> {
  const { subject } = await verifyToken(deps.config.SECRET_KEY, 'unsubscribe', token, deps.clock.now());
  const s = await findSubscriberById(deps.db, subject);
  if (!s) throw new AppError('invalid_token', 'This link is no longer valid');
  return s;
}

/**
 * Unsubscribes the subscriber an unsubscribe token names. Again, or for an erased subscriber
 * (who is sent nothing anyway), it changes nothing and still succeeds. Throws `invalid_token`.
 */
export async function unsubscribe(deps: Deps, token: string): Promise<SubscriberRow> {
  const s = await readUnsubscribeToken(deps, token);
  if (s.status === 'unsubscribed' || s.erasedAt) return s;
  const now = deps.clock.now();
  const patch = { status: 'unsubscribed' as const, unsubscribedAt: now, updatedAt: now };
  await updateSubscriber(deps.db, s.id, patch);
  return { ...s, ...patch };
}

export type ResubscribeResult = { restored: boolean; reason?: 'erased' | 'suppressed'; subscriber: SubscriberRow };

/**
 * Undoes an unsubscription with its unsubscribe token: the subscriber is confirmed again with
 * the choices it had. Refused (`restored: false`) for an erased subscriber or a suppressed
 * address. Throws `invalid_token` for a bad or expired token.
 */
export async function resubscribe(deps: Deps, token: string): Promise<ResubscribeResult> {
  const s = await readUnsubscribeToken(deps, token);
  if (s.erasedAt) return { restored: false, reason: 'erased', subscriber: s };
  if (s.suppressedAt || (await findSuppression(deps.db, await addressKey(deps.config.SECRET_KEY, s.email)))) {
    return { restored: false, reason: 'suppressed', subscriber: s };
  }
  if (s.status === 'confirmed') return { restored: true, subscriber: s };
  const now = deps.clock.now();
  const patch = { status: 'confirmed' as const, unsubscribedAt: null, confirmedAt: s.confirmedAt ?? now, updatedAt: now };
  await updateSubscriber(deps.db, s.id, patch);
  return { restored: true, subscriber: { ...s, ...patch } };
}
