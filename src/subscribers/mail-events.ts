/**
 * Mail events from a provider or a bounce report: bounces, complaints and deliveries, applied
 * to the suppression list once each. The neutral Nashra format (what `POST
 * /webhooks/mail-events` takes as JSON) is
 * `{ "provider"?, "events": [ { "id", "type", "email", "bounceType"?, "detail"?, "occurredAt"? } ] }`.
 */
import { z } from 'zod';
import { AppError } from '../errors.js';
import type { Deps } from '../deps.js';
import { claimMailEvent, pruneMailEvents, releaseMailEvent } from '../storage/mail-events.js';
import { bounceKindOfStatus, parseEnhancedStatus } from './bounces.js';
import { normalizeEmail } from './address.js';
import type { DsnRecipient } from './dsn.js';
import { recordDelivered, recordSoftBounce, suppressAddress, type SuppressionDeps } from './suppression.js';

/** At most this many events in one request. */
export const MAX_EVENTS = 100;

export type MailEvent = {
  id: string;
  type: 'bounce' | 'complaint' | 'delivered';
  email: string;
  /** A bounce without one counts as hard, as providers mean by a plain "bounce". */
  bounceType?: 'hard' | 'soft' | undefined;
  detail?: string | undefined;
};

export type MailEventsResult = { applied: number; duplicates: number; ignored: number };

const envelopeSchema = z.object({
  provider: z.string().regex(/^[a-z0-9][a-z0-9_-]{0,39}$/, 'lower-case letters, digits, - and _').optional(),
  events: z.array(z.unknown()).max(MAX_EVENTS),
});

const eventSchema = z.object({
  id: z.string().min(1).max(200),
  type: z.enum(['bounce', 'complaint', 'delivered']),
  email: z.string().min(3).max(320),
  bounceType: z.enum(['hard', 'soft']).optional(),
  detail: z.string().max(2000).optional(),
  occurredAt: z.iso.datetime({ offset: true }).optional(),
});

const KNOWN_TYPES: readonly unknown[] = eventSchema.shape.type.options;

type Field = { path: string; message: string };

/**
 * Validates a neutral-format body. Events of a type Nashra does not know are counted in
 * `unknown` and left out. Throws `invalid_request`, naming every bad field, when the envelope
 * or any known event is malformed (then nothing is applied).
 */
export function parseMailEventsBody(body: unknown): { source: string; events: MailEvent[]; unknown: number } {
  const envelope = envelopeSchema.safeParse(body);
  if (!envelope.success) throw invalid(envelope.error.issues.map((i) => ({ path: i.path.join('.') || '(body)', message: i.message })));
  const events: MailEvent[] = [];
  const fields: Field[] = [];
  let unknown = 0;
  envelope.data.events.forEach((raw, index) => {
    const type = raw && typeof raw === 'object' ? (raw as { type?: unknown }).type : undefined;
    if (typeof type === 'string' && !KNOWN_TYPES.includes(type)) {
      unknown++;
      return;
    }
    const parsed = eventSchema.safeParse(raw);
    if (parsed.success) events.push({ id: parsed.data.id, type: parsed.data.type, email: parsed.data.email, bounceType: parsed.data.bounceType, detail: parsed.data.detail });
    else fields.push(...parsed.error.issues.map((i) => ({ path: ['events', index, ...i.path].join('.'), message: i.message })));
  });
  if (fields.length) throw invalid(fields);
  const provider = envelope.data.provider;
  return { source: provider ? `webhook:${provider}` : 'webhook', events, unknown };
}

function invalid(fields: Field[]): AppError {
  const summary = fields.slice(0, 3).map((f) => `${f.path}: ${f.message}`).join('; ');
  return new AppError('invalid_request', `Invalid mail events: ${summary}`, { fields });
}

/**
 * The events a delivery status report stands for, with ids derived from `reportId` (a hash of
 * the report, so a report posted twice applies once). `failed` recipients bounce, hard or soft
 * by their status (see `bounceKindOfStatus`: a status about us, such as 5.7.1, is no bounce);
 * `delivered` ones count as deliveries; the rest (`delayed`, `relayed`, `expanded`, no
 * status) are only counted in `ignored`.
 */
export function dsnEvents(reportId: string, recipients: DsnRecipient[]): { events: MailEvent[]; ignored: number } {
  const events: MailEvent[] = [];
  let ignored = 0;
  recipients.forEach((r, index) => {
    const id = `${reportId}:${index}`;
    const detail = [r.status && `Status: ${r.status}`, r.diagnostic && `Diagnostic-Code: ${r.diagnostic}`].filter(Boolean).join('; ') || undefined;
    const status = r.status ? parseEnhancedStatus(r.status) : undefined;
    const kind = r.action === 'failed' && status ? bounceKindOfStatus(status) : undefined;
    if (kind) events.push({ id, type: 'bounce', email: r.recipient, bounceType: kind, detail });
    else if (r.action === 'delivered') events.push({ id, type: 'delivered', email: r.recipient, detail });
    else ignored++;
  });
  return { events, ignored };
}

/**
 * Applies each event once: its id (under `source`) is claimed first, and an event whose claim
 * exists is a duplicate. An event for an address that is not a valid email is ignored. Throws
 * when storage fails; the claim of the event being applied is released first, so a retry of
 * the request applies it.
 */
export async function applyMailEvents(deps: SuppressionDeps, source: string, events: MailEvent[]): Promise<MailEventsResult> {
  const result: MailEventsResult = { applied: 0, duplicates: 0, ignored: 0 };
  for (const event of events) {
    let email: string;
    try {
      email = normalizeEmail(event.email);
    } catch {
      result.ignored++;
      continue;
    }
    const id = `${source}:${event.id}`;
    if (!(await claimMailEvent(deps.db, id, event.type, deps.clock.now()))) {
      result.duplicates++;
      continue;
    }
    try {
      await applyOne(deps, source, event, email);
    } catch (err) {
      await releaseMailEvent(deps.db, id).catch(() => undefined);
      throw err;
    }
    result.applied++;
  }
  return result;
}

async function applyOne(deps: SuppressionDeps, source: string, event: MailEvent, email: string): Promise<void> {
  const detail = event.detail;
  if (event.type === 'delivered') return recordDelivered(deps, email);
  if (event.type === 'complaint') return void (await suppressAddress(deps, email, { reason: 'complaint', source, detail }));
  if (event.bounceType === 'soft') return void (await recordSoftBounce(deps, email, { source, detail }));
  await suppressAddress(deps, email, { reason: 'hard_bounce', source, detail });
}

/** Providers retry an event for a few days at most: applied ids older than this are forgotten. */
const REMEMBER_EVENTS_MS = 30 * 86_400_000;

/** Forgets applied event ids old enough that no provider will send them again. */
export async function pruneAppliedMailEvents(deps: Pick<Deps, 'db'>, now: Date): Promise<void> {
  await pruneMailEvents(deps.db, new Date(now.getTime() - REMEMBER_EVENTS_MS));
}
