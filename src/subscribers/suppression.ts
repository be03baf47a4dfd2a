/**
 * Suppression: addresses nothing is mailed to, not even a confirmation, because they bounced
 * for good, kept bouncing, complained, or an admin said so. The list holds a keyed hash of
 * the address (`addressKey`), never the address; the subscriber with that address, if any,
 * carries `suppressedAt` so planning can leave it out without hashing anything.
 *
 * Soft bounces count on the subscriber and suppress at {@link SOFT_BOUNCE_LIMIT}. Only a
 * `delivered` event clears the count: a submission is not a delivery (SMTP_URL is a relay,
 * whose bounces arrive later as DSNs or provider events, after the next edition has gone).
 */
import type { Deps } from '../deps.js';
import { AppError } from '../errors.js';
import type { SuppressionRow } from '../storage/schema.js';
import {
  addSoftBounce,
  addSuppression,
  findSuppression,
  listSuppressionsPage,
  removeSuppression,
  resetSoftBounces,
  suppressedSubscriberIds,
} from '../storage/suppressions.js';
import { addressKey } from './address-key.js';
import { normalizeEmail } from './address.js';

export type SuppressionReason = SuppressionRow['reason'];
export type SuppressionDeps = Pick<Deps, 'db' | 'clock' | 'config'>;

/** Soft bounces in a row (no delivery in between) that suppress an address. */
export const SOFT_BOUNCE_LIMIT = 3;

const DETAIL_MAX = 500;

/**
 * The detail as stored: bounce texts often quote the address (`550 5.1.1 <x@example.com>:
 * …`), and the list must not keep it.
 */
function storedDetail(detail: string | null | undefined): string | null {
  return detail?.replace(/[^\s<>()[\]"',;:]+@[^\s<>()[\]"',;:]+/g, '[address]').slice(0, DETAIL_MAX) || null;
}

export type SuppressOptions = {
  reason: SuppressionReason;
  /** Where it came from: `smtp`, `webhook` or `webhook:<provider>`, `dsn`, `admin`. */
  source: string;
  detail?: string | null | undefined;
};

/**
 * The stored spellings an address may have: as normalised, and all lower-case (the list key
 * ignores case; a report may too).
 */
function spellings(normalized: string): string[] {
  const lower = normalized.toLowerCase();
  return lower === normalized ? [normalized] : [normalized, lower];
}

async function keyOf(deps: SuppressionDeps, normalized: string): Promise<string> {
  return addressKey(deps.config.SECRET_KEY, normalized);
}

/**
 * Puts `email` on the suppression list and marks its subscriber, if any, suppressed, in one
 * batch. Idempotent: an address already on the list keeps its first entry (and reason);
 * `created` tells which happened. Addresses in `detail` are replaced by `[address]`. Throws
 * `invalid_request` for an invalid address.
 */
export async function suppressAddress(deps: SuppressionDeps, email: string, opts: SuppressOptions): Promise<{ entry: SuppressionRow; created: boolean }> {
  const normalized = normalizeEmail(email);
  const key = await keyOf(deps, normalized);
  const existing = await findSuppression(deps.db, key);
  const now = deps.clock.now();
  const row: SuppressionRow = { addressKey: key, reason: opts.reason, source: opts.source, detail: storedDetail(opts.detail), createdAt: now };
  await addSuppression(deps.db, row, spellings(normalized), now);
  return existing ? { entry: existing, created: false } : { entry: row, created: true };
}

/**
 * Counts a soft bounce for the subscriber with `email`, and suppresses the address (reason
 * `soft_bounces`) once the count reaches {@link SOFT_BOUNCE_LIMIT}. An address with no
 * subscriber has nothing to count on and is left alone. Throws `invalid_request` for an
 * invalid address.
 */
export async function recordSoftBounce(deps: SuppressionDeps, email: string, opts: { source: string; detail?: string | null | undefined }): Promise<{ softBounces: number | undefined; suppressed: boolean }> {
  const normalized = normalizeEmail(email);
  const softBounces = await addSoftBounce(deps.db, spellings(normalized));
  if (softBounces === undefined || softBounces < SOFT_BOUNCE_LIMIT) return { softBounces, suppressed: false };
  const detail = `${softBounces} soft bounces in a row${opts.detail ? `; last: ${opts.detail}` : ''}`;
  await suppressAddress(deps, normalized, { reason: 'soft_bounces', source: opts.source, detail });
  return { softBounces, suppressed: true };
}

/** A message reached the mailbox: the soft bounce count starts again. Throws `invalid_request` for an invalid address. */
export async function recordDelivered(deps: SuppressionDeps, email: string): Promise<void> {
  await resetSoftBounces(deps.db, spellings(normalizeEmail(email)));
}

/**
 * Takes `email` off the list and clears `suppressedAt` on its subscriber, whose status stays
 * what it was (an unsubscribed or pending reader is not subscribed by this). Returns false
 * when there was nothing to lift. Throws `invalid_request` for an invalid address.
 */
export async function liftSuppression(deps: SuppressionDeps, email: string): Promise<boolean> {
  const normalized = normalizeEmail(email);
  const key = await keyOf(deps, normalized);
  const [entry, marked] = await Promise.all([findSuppression(deps.db, key), suppressedSubscriberIds(deps.db, normalized)]);
  if (!entry && marked.length === 0) return false;
  await removeSuppression(deps.db, key, normalized, deps.clock.now());
  return true;
}

/**
 * The list entry for `email`, if it is on the list. Never throws for a malformed address:
 * one that cannot be normalised is looked up as given.
 */
export async function suppressionFor(deps: SuppressionDeps, email: string): Promise<SuppressionRow | undefined> {
  let normalized: string;
  try {
    normalized = normalizeEmail(email);
  } catch {
    normalized = email.trim();
  }
  return findSuppression(deps.db, await keyOf(deps, normalized));
}

/** True when `email` is on the suppression list: nothing may be mailed to it. */
export async function isSuppressed(deps: SuppressionDeps, email: string): Promise<boolean> {
  return (await suppressionFor(deps, email)) !== undefined;
}

/** One page of the list, newest first, and the cursor of the next page (or null). Throws `invalid_request` for a bad cursor. */
export async function listSuppressions(deps: Pick<Deps, 'db'>, opts: { limit: number; cursor?: string | undefined }) {
  const after = opts.cursor ? decodeCursor(opts.cursor) : undefined;
  const { items, hasMore } = await listSuppressionsPage(deps.db, { limit: opts.limit, after });
  const last = items[items.length - 1];
  return { items, nextCursor: hasMore && last ? encodeCursor(last) : null };
}

const encodeCursor = (row: SuppressionRow) =>
  btoa(`s:${row.createdAt.getTime()}:${row.addressKey}`).replace(/=+$/, '').replace(/\+/g, '-').replace(/\//g, '_');

function decodeCursor(cursor: string): { createdAt: Date; addressKey: string } {
  try {
    const m = /^s:(\d{1,15}):([0-9a-f]{64})$/.exec(atob(cursor.replace(/-/g, '+').replace(/_/g, '/')));
    if (m) return { createdAt: new Date(Number(m[1])), addressKey: m[2] as string };
  } catch {
    // fall through
  }
  throw new AppError('invalid_request', 'Invalid cursor');
}
