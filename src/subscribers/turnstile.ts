/**
 * Cloudflare Turnstile, checked on the server: the widget's token means nothing until siteverify
 * says so. https://developers.cloudflare.com/turnstile/get-started/server-side-validation/
 */
import type { Deps } from '../deps.js';
import { AppError } from '../errors.js';

export const TURNSTILE_VERIFY_URL = 'https://challenges.cloudflare.com/turnstile/v0/siteverify';

/** Siteverify answers in well under a second; a reader should not wait longer than this. */
export const TURNSTILE_TIMEOUT_MS = 5_000;

/** Tokens are at most 2048 characters (Cloudflare's documented limit); longer is never valid. */
const MAX_TOKEN_LENGTH = 2048;

/** How long to suggest waiting when the check could not be made. */
const UNAVAILABLE_RETRY_AFTER_S = 30;

type SiteverifyAnswer = { success?: unknown; 'error-codes'?: unknown };

export type TurnstileCheck = {
  secret: string;
  token: string | undefined;
  ip: string | null;
  /** Where siteverify is; another URL only for a stand-in in tests. */
  verifyUrl?: string;
  timeoutMs?: number;
};

/**
 * Resolves when siteverify accepts `token`. Throws `invalid_request` for a missing, expired,
 * reused or rejected token, and `unavailable` (503, with Retry-After) when the check cannot be
 * made: siteverify unreachable, slow, failing, or refusing our secret. The sign-up is refused
 * rather than let through unchecked, so an outage never opens the door to a flood; the reader
 * is told to try again shortly.
 */
export async function verifyTurnstile(deps: Pick<Deps, 'fetch' | 'log'>, check: TurnstileCheck): Promise<void> {
  const token = check.token?.trim() ?? '';
  if (!token) throw new AppError('invalid_request', 'Complete the anti-bot check before signing up');
  if (token.length > MAX_TOKEN_LENGTH) throw new AppError('invalid_request', 'The anti-bot check failed; try again');
  const form = new URLSearchParams({ secret: check.secret, response: token });
  if (check.ip) form.set('remoteip', check.ip);
  let answer: SiteverifyAnswer;
  try {
    const res = await deps.fetch(check.verifyUrl ?? TURNSTILE_VERIFY_URL, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: form.toString(),
      signal: AbortSignal.timeout(check.timeoutMs ?? TURNSTILE_TIMEOUT_MS),
    });
    if (!res.ok) throw new Error(`siteverify answered ${res.status}`);
    answer = (await res.json()) as SiteverifyAnswer;
  } catch (err) {
    deps.log.warn('turnstile check could not be made', { error: String(err) });
    throw unavailable();
  }
  if (answer.success === true) return;
  const codes = Array.isArray(answer['error-codes']) ? answer['error-codes'].map(String) : [];
  // Our own secret refused, or trouble on Cloudflare's side: not the reader's fault.
  if (codes.some((c) => c.includes('secret') || c === 'internal-error')) {
    deps.log.error('turnstile refused the check itself', { errorCodes: codes });
    throw unavailable();
  }
  if (codes.includes('timeout-or-duplicate')) throw new AppError('invalid_request', 'The anti-bot check expired; complete it again');
  throw new AppError('invalid_request', 'The anti-bot check failed; try again');
}

function unavailable(): AppError {
  return new AppError('unavailable', 'The anti-bot check is unavailable right now; try again in a moment', undefined, UNAVAILABLE_RETRY_AFTER_S);
}
