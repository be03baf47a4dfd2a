/**
 * The one place errors become responses: JSON `{ error: { code, message } }` for the API and
 * machine clients, a friendly Arabic page for people. Unexpected errors are logged in full
 * and shown without internals.
 */
import type { Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { AppEnv } from '../app.js';
import { AppError, errorBody, statusFor, type ErrorCode } from '../errors.js';
import { errorPage } from '../pages/error.js';
import { pickLocale } from '../pages/i18n.js';

const FROM_STATUS: Record<number, ErrorCode> = {
  400: 'invalid_request', 401: 'unauthorized', 404: 'not_found', 405: 'method_not_allowed',
  413: 'payload_too_large', 415: 'unsupported_media_type', 429: 'rate_limited',
};

function toAppError(err: unknown): AppError {
  if (err instanceof AppError) return err;
  if (err instanceof HTTPException) {
    const code = FROM_STATUS[err.status];
    if (code) return new AppError(code, err.message || code.replace(/_/g, ' '));
  }
  return new AppError('internal', 'Something went wrong on our side; it has been logged');
}

function wantsJson(c: Context<AppEnv>): boolean {
  const path = c.req.path;
  if (path.startsWith('/api/') || path.startsWith('/webhooks/')) return true;
  // Partner feeds are read by programs; their errors are JSON like the partner API's.
  if (path.startsWith('/partners/') && path !== '/partners/docs') return true;
  if ((c.req.header('content-type') ?? '').includes('json')) return true; // a JSON client gets JSON back
  const accept = c.req.header('accept') ?? '';
  return accept.includes('application/json') && !accept.includes('text/html');
}

export function renderError(c: Context<AppEnv>, err: unknown) {
  const appError = err === null ? new AppError('not_found', `Nothing at ${c.req.path}`) : toAppError(err);
  if (appError.code === 'internal' && err !== null) {
    const log = c.get('deps')?.log;
    const detail = { path: c.req.path, method: c.req.method, error: err instanceof Error ? (err.stack ?? err.message) : String(err) };
    if (log) log.error('unhandled error', detail);
    else console.error('unhandled error', detail);
  }
  const status = statusFor(appError.code) as ContentfulStatusCode;
  if (appError.code === 'unauthorized') c.header('WWW-Authenticate', 'Bearer realm="nashra"');
  if (appError.retryAfter !== undefined) c.header('Retry-After', String(appError.retryAfter));
  if (wantsJson(c)) return c.json(errorBody(appError), status);
  // Only `?lang=` chooses, as on the pages themselves: the same address is the same page for everyone.
  return c.html(errorPage(appError, c.get('deps')?.config.SITE_NAME, pickLocale({ lang: c.req.query('lang'), stored: 'ar' })), status);
}
