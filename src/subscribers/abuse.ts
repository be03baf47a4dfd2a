/** Guards in front of every sign-up (page and API): rate limits and bot checks. */
import type { Deps } from '../deps.js';
import { rateLimited } from '../errors.js';
import { rateLimitAddress } from '../ip-address.js';
import { hitRateLimit, pruneRateLimits } from '../storage/rate-limits.js';
import { normalizeEmail } from './address.js';
import { addressKey } from './address-key.js';
import { hmacKey } from './tokens.js';
import { verifyTurnstile } from './turnstile.js';
import { toHex } from '../text/hex.js';

export type SignupAttempt = {
  ip: string | null;
  /** The address as typed (it is normalised here before counting). */
  email: string;
  /** The Turnstile widget's response, when the form carried one. */
  turnstileToken?: string | undefined;
};

export type Limit = { windowMs: number; limit: number };

/**
 * Sign-up limits. Per client address (an IPv6 /64 counts as one): a short window against
 * floods and a daily cap. Per email address, whatever its state, so that a 429 says nothing
 * about whether it is subscribed, and nobody can make us mail one inbox over and over.
 */
export const SIGNUP_LIMITS = {
  perIp: [
    { windowMs: 10 * 60_000, limit: 5 },
    { windowMs: 86_400_000, limit: 30 },
  ] as Limit[],
  perEmail: { windowMs: 3_600_000, limit: 3 } as Limit,
};

/** No limit counts over a window longer than this; older counters are pruned. */
export const LONGEST_WINDOW_MS = 86_400_000;

export type AbuseOptions = {
  /** Turnstile's siteverify endpoint; another URL only for a stand-in in tests. */
  turnstileVerifyUrl?: string;
};

/**
 * Throws an `AppError` when this sign-up must not go ahead: `rate_limited` (429, with
 * Retry-After), `invalid_request` for a missing or failed Turnstile token (when
 * TURNSTILE_SECRET is set), `unavailable` (503) when Turnstile cannot be asked, and
 * `invalid_request` for an address that is not one. Runs before anything is recorded or sent.
 *
 * Order: the per-client limit first (cheap, and a flood never reaches Turnstile), then the bot
 * check, then the per-email limit, so a bot without a valid token cannot use up a victim's
 * sign-up attempts. An attempt without a known client address (none can be trusted) is limited
 * per email only.
 */
export async function checkSignupAllowed(deps: Deps, attempt: SignupAttempt, opts: AbuseOptions = {}): Promise<void> {
  const { config, clock } = deps;
  const email = normalizeEmail(attempt.email);
  const now = clock.now();
  if (attempt.ip) {
    const where = await clientKey(config.SECRET_KEY, attempt.ip);
    await enforce(deps, SIGNUP_LIMITS.perIp.map((l) => ({ ...l, key: `signup:ip:${l.windowMs}:${where}` })), now, 'Too many sign-ups from this network; try again later');
  }
  if (config.TURNSTILE_SECRET) {
    await verifyTurnstile(deps, { secret: config.TURNSTILE_SECRET, token: attempt.turnstileToken, ip: attempt.ip, verifyUrl: opts.turnstileVerifyUrl });
  }
  const who = await addressKey(config.SECRET_KEY, email);
  const { windowMs, limit } = SIGNUP_LIMITS.perEmail;
  await enforce(deps, [{ windowMs, limit, key: `signup:email:${windowMs}:${who}` }], now, 'Too many sign-up attempts for this address; try again later');
}

/**
 * How the counters name a client address: a keyed hash of its IPv4 address or IPv6 /64, as
 * they name an email address by its `addressKey`, so the table holds no address of any kind.
 */
export async function clientKey(secret: string, ip: string): Promise<string> {
  const mac = await crypto.subtle.sign('HMAC', await hmacKey(secret, 'client address key'), new TextEncoder().encode(rateLimitAddress(ip)));
  return toHex(new Uint8Array(mac).subarray(0, 16));
}

/**
 * Counts one hit on each limit (all of them, so hammering a closed short window still uses up
 * the daily one) and throws `rate_limited` with the longest wait among those exceeded.
 */
async function enforce(deps: Deps, limits: (Limit & { key: string })[], now: Date, message: string): Promise<void> {
  let waitMs = 0;
  for (const l of limits) {
    const hit = await hitRateLimit(deps.db, l.key, now, l.windowMs, l.limit);
    if (!hit.allowed) waitMs = Math.max(waitMs, hit.retryAfterMs);
  }
  if (waitMs > 0) throw rateLimited(message, waitMs);
}

/** Deletes counters that no limit can read any more (the scheduler's housekeeping). */
export async function pruneOldRateLimits(deps: Pick<Deps, 'db'>, now: Date): Promise<void> {
  await pruneRateLimits(deps.db, new Date(now.getTime() - LONGEST_WINDOW_MS));
}
