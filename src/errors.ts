/**
 * The one error type of Nashra. Domain code throws `AppError`s with a code from a fixed list;
 * the HTTP layer maps each code to a status in exactly one place (`statusFor`).
 */
export const ERROR_CODES = {
  invalid_request: 400,
  invalid_token: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  method_not_allowed: 405,
  conflict: 409,
  gone: 410,
  payload_too_large: 413,
  unsupported_media_type: 415,
  rate_limited: 429,
  internal: 500,
  unavailable: 503,
} as const;

export type ErrorCode = keyof typeof ERROR_CODES;

export class AppError extends Error {
  override readonly name = 'AppError';
  constructor(
    readonly code: ErrorCode,
    message: string,
    /** Extra, safe-to-show detail (e.g. which fields were invalid). */
    readonly details?: unknown,
    /** Whole seconds after which the same request may succeed (`rate_limited`, `unavailable`). */
    readonly retryAfter?: number,
  ) {
    super(message);
  }
}

export function statusFor(code: ErrorCode): number {
  return ERROR_CODES[code];
}

export function isAppError(err: unknown): err is AppError {
  return err instanceof AppError;
}

export type ErrorBody = { error: { code: ErrorCode; message: string; details?: unknown; retryAfter?: number } };

/**
 * The JSON body of an error. `retryAfter` repeats the Retry-After header in seconds, for browser
 * code on partner sites, which may read the body but not every header.
 */
export function errorBody(err: AppError): ErrorBody {
  const body: ErrorBody = { error: { code: err.code, message: err.message } };
  if (err.details !== undefined) body.error.details = err.details;
  if (err.retryAfter !== undefined) body.error.retryAfter = err.retryAfter;
  return body;
}

/** A `rate_limited` error that says when to come back (`retryAfterMs`, rounded up to whole seconds, at least 1). */
export function rateLimited(message: string, retryAfterMs: number): AppError {
  return new AppError('rate_limited', message, undefined, Math.max(1, Math.ceil(retryAfterMs / 1000)));
}
