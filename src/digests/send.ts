/**
 * Sending deliveries. Each delivery is claimed with a lease, its recipient re-checked just
 * before submission (still confirmed, not suppressed), submitted through the Mailer port, and
 * its outcome recorded; a refusal of the recipient by the SMTP server is a bounce. A sender
 * killed at any point leaves at most the in-flight message to be sent again once its lease
 * expires; nothing is lost.
 */
import type { Config } from '../config.js';
import type { Deps } from '../deps.js';
import { messageIdFor, senderFields } from '../email/compose.js';
import { renderDigestFor, type DigestLocale, type RenderedDigest } from '../email/digest.js';
import { MailSubmitError, type MailMessage } from '../email/mailer.js';
import { completeEditions, finishAndClaim, recordLastSubmissions, type Outcome } from '../storage/editions.js';
import type { Gathering } from '../storage/db.js';
import type { DeliveryRow, SubscriberRow } from '../storage/schema.js';
import { findSubscriberById } from '../storage/subscribers.js';
import { markSubscriberSuppressed } from '../storage/suppressions.js';
import { bounceKindOfSmtpReply } from '../subscribers/bounces.js';
import { isSuppressed, recordSoftBounce, suppressAddress } from '../subscribers/suppression.js';
import { signToken } from '../subscribers/tokens.js';
import { renderEdition } from './render.js';

/** With the backoff below, the last attempt comes about two hours after the first. */
export const MAX_ATTEMPTS = 8;

/** Wait after the n-th failed attempt: 1, 2, 4 … minutes, at most an hour. */
export function backoffMs(attempt: number): number {
  return Math.min(60_000 * 2 ** Math.max(0, attempt - 1), 3_600_000);
}

/**
 * With many deliveries in flight, an outcome waits up to 2 ms for those of a quarter of the
 * senders, to share one commit (see `inGroupCommit`). Its sender waits with it, holding that one
 * delivery as before, so a crash still leaves at most one per sender to send again; the other
 * three quarters keep the connections busy meanwhile. Measured at 16 in flight: 3.3 messages per
 * commit instead of 1.3, and a commit is most of what recording a message costs on SQLite.
 */
export function gatheringFor(concurrency: number): Gathering | undefined {
  return concurrency >= 8 ? { size: Math.ceil(concurrency / 4), maxWaitMs: 2 } : undefined;
}

export type SendSummary = { submitted: number; failed: number; bounced: number; skipped: number; retry: number; busy: number };

export type SendOptions = {
  /**
   * Deliveries in flight at once (default 1). Each is claimed, checked, submitted and recorded
   * on its own, so a sender killed at any point leaves at most this many to be sent again.
   */
  concurrency?: number;
};

/** Sends the given deliveries; returns what happened to them. Never throws for one bad delivery. */
export async function sendDeliveries(deps: Deps, deliveryIds: string[], opts: SendOptions = {}): Promise<SendSummary> {
  const summary: SendSummary = { submitted: 0, failed: 0, bounced: 0, skipped: 0, retry: 0, busy: 0 };
  const rendered = new Map<string, Promise<RenderedDigest | null>>();
  const touched = new Set<string>();
  /** The latest submission of each edition in this call. */
  const latest = new Map<string, Date>();
  let next = 0;
  const concurrency = Math.max(1, Math.min(opts.concurrency ?? 1, deliveryIds.length));
  const gathering = gatheringFor(concurrency);
  const worker = async () => {
    // The outcome of the delivery just sent is written with the claim of the next one.
    let outcome: Outcome | undefined;
    for (;;) {
      const id = next < deliveryIds.length ? (deliveryIds[next++] as string) : undefined;
      const now = deps.clock.now();
      const claim = id === undefined ? undefined : { id, now, leaseUntil: new Date(now.getTime() + deps.config.DELIVERY_LEASE_SECONDS * 1000) };
      const delivery = await finishAndClaim(deps.db, outcome, claim, gathering);
      outcome = undefined;
      if (id === undefined) return;
      if (!delivery) {
        summary.busy++;
        continue;
      }
      touched.add(delivery.editionId);
      const [kind, patch] = await sendOne(deps, delivery, rendered);
      summary[kind]++;
      // The first submission of each edition in this call dates it, in the same write.
      const datesEdition = kind === 'submitted' && !latest.has(delivery.editionId);
      const at = patch.submittedAt;
      if (at && !((latest.get(delivery.editionId)?.getTime() ?? -1) >= at.getTime())) latest.set(delivery.editionId, at);
      outcome = { claimed: delivery, patch, datesEdition };
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  await recordLastSubmissions(deps.db, latest);
  await completeEditions(deps.db, [...touched], deps.clock.now());
  return summary;
}

/**
 * The edition rendered once per sender batch and reader language (its article block), or null
 * when nothing is left to send.
 */
function editionRender(deps: Deps, editionId: string, locale: DigestLocale, cache: Map<string, Promise<RenderedDigest | null>>): Promise<RenderedDigest | null> {
  const key = `${editionId}:${locale}`;
  let r = cache.get(key);
  if (!r) {
    r = renderEdition(deps, editionId, locale);
    cache.set(key, r);
  }
  return r;
}

/** What became of one claimed delivery, and the outcome to record for it. */
async function sendOne(deps: Deps, d: DeliveryRow, cache: Map<string, Promise<RenderedDigest | null>>): Promise<[keyof SendSummary, Outcome['patch']]> {
  const { clock } = deps;
  const subscriber = await findSubscriberById(deps.db, d.subscriberId);
  const digest = await editionRender(deps, d.editionId, subscriber?.locale ?? 'ar', cache);
  if (!subscriber || subscriber.status !== 'confirmed' || !digest) {
    return ['skipped', { status: 'skipped', error: subscriber ? `subscriber ${subscriber.status}` : 'nothing to send' }];
  }
  if (await isSuppressedRecipient(deps, subscriber)) return ['skipped', { status: 'skipped', error: 'address suppressed' }];
  try {
    const message = await composeDigestMessage(deps.config, d, subscriber, digest);
    const result = await deps.mailer.send(message);
    return ['submitted', { status: 'submitted', messageId: result.messageId, smtpResponse: result.response.slice(0, 500), submittedAt: clock.now(), error: null }];
  } catch (err) {
    const permanent = err instanceof MailSubmitError && err.permanent;
    const error = String(err instanceof Error ? err.message : err).slice(0, 500);
    if (permanent || d.attempts >= MAX_ATTEMPTS) {
      const bounce = await recordSmtpBounce(deps, subscriber, err);
      const status = bounce === 'hard' ? 'bounced' : 'failed';
      if (status === 'failed') deps.log.error('delivery failed', { deliveryId: d.id, error });
      return [status, { status, error, smtpResponse: err instanceof MailSubmitError ? (err.response ?? null) : null }];
    }
    deps.log.warn('delivery will be retried', { deliveryId: d.id, attempt: d.attempts, error });
    return ['retry', { status: 'pending', error, nextAttemptAt: new Date(clock.now().getTime() + backoffMs(d.attempts)) }];
  }
}

/**
 * Checked right before submission: the subscriber's mark, and the list itself, which also
 * holds addresses suppressed before this subscriber row existed (the mark is then set).
 */
async function isSuppressedRecipient(deps: Deps, s: SubscriberRow): Promise<boolean> {
  if (s.suppressedAt) return true;
  if (!(await isSuppressed(deps, s.email))) return false;
  await markSubscriberSuppressed(deps.db, s.id, deps.clock.now());
  return true;
}

/**
 * A delivery that finally failed on an SMTP reply about the recipient (see
 * `bounceKindOfSmtpReply`): a hard bounce suppresses the address, a soft one counts towards it.
 * A failure that is about us (login, sender, size, policy) or not an SMTP reply changes nothing.
 */
async function recordSmtpBounce(deps: Deps, s: SubscriberRow, err: unknown): Promise<'hard' | 'soft' | undefined> {
  if (!(err instanceof MailSubmitError) || !err.smtp) return undefined;
  const kind = bounceKindOfSmtpReply(err.smtp.code, err.response, err.smtp.stage);
  if (!kind) return undefined;
  const detail = (err.response ?? err.message).slice(0, 500);
  try {
    if (kind === 'hard') await suppressAddress(deps, s.email, { reason: 'hard_bounce', source: 'smtp', detail });
    else await recordSoftBounce(deps, s.email, { source: 'smtp', detail });
    deps.log.warn(`recipient ${kind} bounce`, { subscriberId: s.id, detail });
  } catch (e) {
    deps.log.error('bounce not recorded', { subscriberId: s.id, error: String(e) });
  }
  return kind;
}

/**
 * RFC 2369 / 8058: the https URL (one-click) first, then, when the publisher reads a mailbox for
 * it, a mailto whose subject carries the same signed token, so the request can be honoured by
 * opening that URL. The token is URL-safe base64; the address was validated at start-up.
 */
function listUnsubscribe(mailto: string | undefined, unsubscribeUrl: string): string {
  if (!mailto) return `<${unsubscribeUrl}>`;
  const token = new URL(unsubscribeUrl).searchParams.get('token') ?? '';
  return `<${unsubscribeUrl}>, <mailto:${mailto}?subject=${encodeURIComponent(`unsubscribe ${token}`)}>`;
}

export type DigestLinks = { unsubscribeUrl: string; preferencesUrl: string };

/**
 * A reader's signed links, as of `at`: the delivery's creation, so that a retry of the same
 * delivery is the same message, byte for byte, as an HTTP provider comparing an idempotency
 * key's payloads expects.
 */
export async function digestLinks(config: Config, subscriberId: string, at: Date): Promise<DigestLinks> {
  return {
    unsubscribeUrl: `${config.PUBLIC_URL}/unsubscribe?token=${await signToken(config.SECRET_KEY, 'unsubscribe', subscriberId, at)}`,
    preferencesUrl: `${config.PUBLIC_URL}/preferences?token=${await signToken(config.SECRET_KEY, 'preferences', subscriberId, at)}`,
  };
}

type DigestDelivery = Pick<DeliveryRow, 'id' | 'editionId' | 'createdAt'>;
type DigestReader = Pick<SubscriberRow, 'id' | 'email' | 'name' | 'frequency'>;

/** The message around a reader's filled-in digest: sender, Message-ID, list headers. */
export function digestMessage(config: Config, d: DigestDelivery, s: DigestReader, digest: RenderedDigest, body: ReturnType<typeof renderDigestFor>, links: DigestLinks): MailMessage {
  const host = new URL(config.PUBLIC_URL).hostname;
  return {
    ...senderFields(config),
    to: s.email,
    subject: digest.subject,
    ...body,
    messageId: messageIdFor(config, d.id),
    idempotencyKey: d.id,
    headers: {
      'List-Unsubscribe': listUnsubscribe(config.UNSUBSCRIBE_MAILTO, links.unsubscribeUrl),
      'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
      'List-Id': `${config.SITE_NAME.replace(/[\r\n<>"]/g, '')} <digest.${host}>`,
      'Auto-Submitted': 'auto-generated',
      'Feedback-ID': `${d.editionId}:digest:nashra`,
    },
  };
}

/** One delivery's message: the reader's links, their slots filled in, the headers. */
export async function composeDigestMessage(config: Config, d: DigestDelivery, s: DigestReader, digest: RenderedDigest): Promise<MailMessage> {
  const links = await digestLinks(config, s.id, d.createdAt);
  const body = renderDigestFor(digest, { email: s.email, name: s.name, frequency: s.frequency, ...links });
  return digestMessage(config, d, s, digest, body, links);
}
