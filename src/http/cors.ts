/**
 * CORS for the partner API: only origins listed in CORS_ORIGINS may call it from a browser.
 * No credentials: the API needs no cookies, and a partner page never acts as a signed-in user.
 */
import type { MiddlewareHandler } from 'hono';
import type { AppEnv } from '../app.js';
import { AppError } from '../errors.js';

/** How long a browser may keep a preflight's answer (Chromium caps it at two hours). */
export const PREFLIGHT_MAX_AGE_S = 7200;

const ALLOWED_METHODS = 'GET, POST, PUT, OPTIONS';
const ALLOWED_HEADERS = 'Content-Type';
/** Not a CORS-safelisted response header: without this, partner code could not see the wait. */
const EXPOSED_HEADERS = 'Retry-After';

/**
 * Answers preflights (204 for a listed origin, 403 JSON for any other) and marks every other
 * response for a listed origin. Origins match exactly, ignoring the case of scheme and host.
 */
export const partnerCors: MiddlewareHandler<AppEnv> = async (c, next) => {
  const origin = c.req.header('origin');
  const listed = origin !== undefined && c.get('deps').config.CORS_ORIGINS.some((o) => o.toLowerCase() === origin.toLowerCase());
  c.header('Vary', 'Origin', { append: true }); // the answer depends on Origin: caches must keep them apart
  if (c.req.method === 'OPTIONS') {
    if (!listed) throw new AppError('forbidden', origin ? 'This origin may not call the subscribers API' : 'A preflight request needs an Origin header');
    c.header('Access-Control-Allow-Origin', origin);
    c.header('Access-Control-Allow-Methods', ALLOWED_METHODS);
    c.header('Access-Control-Allow-Headers', ALLOWED_HEADERS);
    c.header('Access-Control-Max-Age', String(PREFLIGHT_MAX_AGE_S));
    return c.body(null, 204);
  }
  if (listed) {
    c.header('Access-Control-Allow-Origin', origin);
    c.header('Access-Control-Expose-Headers', EXPOSED_HEADERS);
  }
  await next();
};
