/**
 * A partner's request: which partner a key belongs to, whether it may ask again this minute,
 * and what it was served. Keys are checked for shape and checksum before any lookup, looked up
 * by hash, and compared in constant time.
 */
import type { Deps } from '../deps.js';
import { AppError, rateLimited } from '../errors.js';
import { addPartnerUsage } from '../storage/partner-usage.js';
import { findKeyByHash, touchKey } from '../storage/partners.js';
import { hitRateLimit } from '../storage/rate-limits.js';
import type { PartnerKeyRow } from '../storage/schema.js';
import { constantTimeEqual, hashKey, isWellFormedKey } from './keys.js';
import { partnerOf, type Partner } from './terms.js';

/** A key's last use is written at most this often, so a busy partner costs no write per request. */
export const LAST_USED_EVERY_MS = 60_000;
const RATE_WINDOW_MS = 60_000;

export type PartnerAccess = { partner: Partner; key: PartnerKeyRow };

/**
 * The partner whose key this is. Throws `unauthorized` for a missing key, one that is not a
 * key at all (wrong shape or checksum: a typo, or a different secret pasted), and one that is
 * unknown, revoked or past the end of its rotation overlap.
 */
export async function authenticatePartner(deps: Pick<Deps, 'db' | 'clock'>, key: string | undefined): Promise<PartnerAccess> {
  if (!key) throw new AppError('unauthorized', 'Send your partner key as "Authorization: Bearer <key>"');
  if (!isWellFormedKey(key)) throw new AppError('unauthorized', 'This is not a partner key: check that it was copied whole');
  const hash = await hashKey(key);
  const found = await findKeyByHash(deps.db, hash);
  const now = deps.clock.now().getTime();
  const works = found && constantTimeEqual(found.key.hash, hash) && !found.key.revokedAt && (!found.key.expiresAt || found.key.expiresAt.getTime() > now);
  if (!found || !works) throw new AppError('unauthorized', 'This partner key is unknown, revoked or expired');
  return { partner: partnerOf(found.partner), key: found.key };
}

/** Counts a request against the key's budget for this minute. Throws `rate_limited` (with the wait) past it. */
export async function checkRateLimit(deps: Pick<Deps, 'db' | 'clock'>, access: PartnerAccess): Promise<void> {
  const now = deps.clock.now();
  const hit = await hitRateLimit(deps.db, `partner-key:${RATE_WINDOW_MS}:${access.key.id}`, now, RATE_WINDOW_MS, access.partner.rateLimitPerMinute);
  if (!hit.allowed) throw rateLimited(`This key may make ${access.partner.rateLimitPerMinute} requests a minute; try again later`, hit.retryAfterMs);
}

const utcDay = (d: Date) => d.toISOString().slice(0, 10);

/**
 * Records, after the response, one served request with its items and bytes (one upsert), and
 * the key's last use when the stored one is a minute old or more.
 */
export function recordPartnerRequest(deps: Pick<Deps, 'db' | 'clock' | 'defer'>, access: PartnerAccess, served: { items: number; bytes: number }): void {
  const now = deps.clock.now();
  const lastUsed = access.key.lastUsedAt?.getTime();
  deps.defer(async () => {
    await addPartnerUsage(deps.db, access.partner.id, utcDay(now), served.items, served.bytes);
    if (lastUsed === undefined || now.getTime() - lastUsed >= LAST_USED_EVERY_MS) await touchKey(deps.db, access.key.id, now, LAST_USED_EVERY_MS);
  });
}
