/**
 * Admins' operations on subscribers: filtered listing with an opaque cursor, one subscriber,
 * and erasure of personal data. Knows nothing of HTTP: throws `AppError`s, returns records.
 */
import { z } from 'zod';
import type { Deps } from '../deps.js';
import { AppError } from '../errors.js';
import { eraseSubscriberData, findAdminSubscriber, listSubscriberPage, type AdminSubscriberRow } from '../storage/subscribers-admin.js';

/** The filters shared by the list, the export and the command line (query-string values). */
export const subscriberFilterSchema = z
  .object({
    status: z.enum(['pending', 'confirmed', 'unsubscribed']).optional(),
    frequency: z.enum(['daily', 'weekly']).optional(),
    locale: z.enum(['ar', 'en']).optional(),
    source: z.enum(['page', 'api', 'import']).optional(),
    suppressed: z
      .enum(['true', 'false'])
      .transform((v) => v === 'true')
      .optional(),
    q: z
      .string()
      .max(200)
      .transform((v) => v.trim())
      .optional(),
  })
  .strict();

export const subscriberListSchema = subscriberFilterSchema.extend({
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().max(200).optional(),
});

export type SubscriberFilterInput = z.output<typeof subscriberFilterSchema>;

/** The address an erased subscriber keeps: unique per id, and never a deliverable address. */
export const erasedAddress = (id: string) => `erased+${id}@invalid`;

/** One page of subscribers, newest first, and the cursor of the next page (or null). */
export async function listSubscribers(deps: Pick<Deps, 'db'>, query: z.output<typeof subscriberListSchema>) {
  const { limit, cursor, ...filter } = query;
  const beforeId = cursor ? decodeCursor(cursor) : undefined;
  const { items, hasMore } = await listSubscriberPage(deps.db, filter, { limit, beforeId });
  const last = items[items.length - 1];
  return { items, nextCursor: hasMore && last ? encodeCursor(last.id) : null };
}

/** Throws `not_found`. */
export async function getSubscriber(deps: Pick<Deps, 'db'>, id: string): Promise<AdminSubscriberRow> {
  const found = await findAdminSubscriber(deps.db, id);
  if (!found) throw new AppError('not_found', `No subscriber with id "${id}"`);
  return found;
}

/**
 * Erases a subscriber's personal data (see `eraseSubscriberData`); the row stays, so edition
 * and delivery counts do not change, and so does the address's suppression entry (keyed by a
 * hash), so an erased address that bounced is still never mailed. Erasing again changes nothing: the first erasure time
 * stands. Throws `not_found` for an unknown id.
 */
export async function eraseSubscriber(deps: Pick<Deps, 'db' | 'clock' | 'log'>, id: string): Promise<void> {
  const s = await getSubscriber(deps, id);
  if (s.erasedAt) return;
  await eraseSubscriberData(deps.db, id, { placeholder: erasedAddress(id), now: deps.clock.now() });
  deps.log.info('subscriber erased', { subscriberId: id });
}

const iso = (d: Date | null) => d?.toISOString() ?? null;

/** The admin API's view of a subscriber. */
export function subscriberToJson(s: AdminSubscriberRow) {
  return {
    id: s.id,
    email: s.email,
    name: s.name,
    status: s.status,
    frequency: s.frequency,
    timezone: s.timezone,
    preferredHour: s.preferredHour,
    preferredWeekday: s.preferredWeekday,
    locale: s.locale,
    sections: s.sections,
    authors: s.authors,
    softBounces: s.softBounces,
    createdAt: iso(s.createdAt),
    updatedAt: iso(s.updatedAt),
    confirmationSentAt: iso(s.confirmationSentAt),
    confirmedAt: iso(s.confirmedAt),
    unsubscribedAt: iso(s.unsubscribedAt),
    suppressedAt: iso(s.suppressedAt),
    erasedAt: iso(s.erasedAt),
    consent: {
      at: iso(s.consentAt),
      ip: s.consentIp,
      userAgent: s.consentUserAgent,
      source: s.consentSource,
      policyVersion: s.consentPolicyVersion,
      confirmedAt: iso(s.confirmedAt),
    },
  };
}

export type SubscriberJson = ReturnType<typeof subscriberToJson>;

const encodeCursor = (id: string) => btoa(`s:${id}`).replace(/=+$/, '').replace(/\+/g, '-').replace(/\//g, '_');

function decodeCursor(cursor: string): string {
  try {
    const raw = atob(cursor.replace(/-/g, '+').replace(/_/g, '/'));
    if (raw.startsWith('s:') && /^[0-9A-Z]{26}$/.test(raw.slice(2))) return raw.slice(2);
  } catch {
    // fall through
  }
  throw new AppError('invalid_request', 'Invalid cursor');
}
