/**
 * A brake on guessing the tokens of email links: each client address (an IPv6 /64 counts as
 * one) may present only so many invalid tokens in a window. Valid tokens are never counted,
 * so one-click unsubscribes arriving in bulk from a mail provider's servers always go through.
 */
import type { MiddlewareHandler } from 'hono';
import type { App, AppEnv } from '../app.js';
import { AppError, rateLimited } from '../errors.js';
import { hitRateLimit, peekRateLimit } from '../storage/rate-limits.js';
import { clientKey } from '../subscribers/abuse.js';
import { clientIp } from './client-ip.js';

/** Invalid tokens one client address may present per window before it is refused. */
export const TOKEN_FAILURE_LIMIT = { windowMs: 10 * 60_000, limit: 20 };

/** The pages that take a token from an email link. */
export const TOKEN_PAGE_PATHS = ['/confirm', '/unsubscribe', '/preferences', '/resubscribe'];

/**
 * Refuses (429, Retry-After) a client address that has presented too many invalid tokens, and
 * counts the request when it fails with `invalid_token`. Register before the route it guards.
 */
export const guardTokens: MiddlewareHandler<AppEnv> = async (c, next) => {
  const ip = clientIp(c);
  if (!ip) return next();
  const { db, clock, log, config } = c.get('deps');
  const { windowMs, limit } = TOKEN_FAILURE_LIMIT;
  const key = `token-failures:${windowMs}:${await clientKey(config.SECRET_KEY, ip)}`;
  const seen = await peekRateLimit(db, key, clock.now(), windowMs);
  if (seen.count >= limit) throw rateLimited('Too many invalid links from this network; try again later', seen.retryAfterMs);
  await next();
  if (c.error instanceof AppError && c.error.code === 'invalid_token') {
    // The answer is already made; failing to count must not turn it into a 500.
    await hitRateLimit(db, key, clock.now(), windowMs, limit).catch((err) => log.warn('token failure not counted', { error: String(err) }));
  }
};

/**
 * Guards every method of the token pages. Hono runs handlers in the order they were added, so
 * this must be called before the routes of those pages are registered.
 */
export function registerTokenGuards(app: App): void {
  for (const path of TOKEN_PAGE_PATHS) app.use(path, guardTokens);
}
