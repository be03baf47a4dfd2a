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

export type ErrorBody = { error: { code: ErrorCode; message: string; details?: unknown } };

export function errorBody(err: AppError): ErrorBody {
  const body: ErrorBody = { error: { code: err.code, message: err.message } };
  if (err.details !== undefined) body.error.details = err.details;
  return body;
}
