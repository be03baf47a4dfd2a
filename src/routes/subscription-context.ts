/**
 * What the subscription routes share: the page's locale, form bodies with repeated fields,
 * error pages in the page's locale, and headers for pages reached through signed links.
 */
import type { Context, MiddlewareHandler } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { AppEnv } from '../app.js';
import { AppError, type ErrorCode } from '../errors.js';
import { errorPage } from '../pages/error.js';
import { pickLocale, type Locale } from '../pages/i18n.js';
import type { FormBody } from '../pages/subscription-form.js';

/** The `token` query parameter of a link from an email. */
export const tokenOf = (c: Context<AppEnv>) => c.req.query('token') ?? '';

/** `?lang=`, else the subscriber's `stored` locale, else Accept-Language; Arabic when unsure. */
export function pageLocale(c: Context<AppEnv>, stored?: Locale): Locale {
  return pickLocale({ lang: c.req.query('lang'), stored, acceptLanguage: c.req.header('accept-language') });
}

const FROM_STATUS: Record<number, ErrorCode> = { 400: 'invalid_request', 403: 'forbidden', 404: 'not_found', 413: 'payload_too_large', 429: 'rate_limited' };

/**
 * Renders error pages again in the page's locale. The app's one error renderer has already
 * chosen JSON or a page and the status (and headers such as Retry-After, which are kept); this
 * only translates a page when the request asked for English.
 */
export const localizedErrors: MiddlewareHandler<AppEnv> = async (c, next) => {
  await next();
  if (!c.error || !(c.res.headers.get('content-type') ?? '').startsWith('text/html')) return;
  const locale = pageLocale(c);
  if (locale === 'ar') return;
  const status = c.res.status as ContentfulStatusCode;
  const code = c.error instanceof AppError ? c.error.code : (FROM_STATUS[status] ?? 'internal');
  c.res = c.html(errorPage({ code }, c.get('deps')?.config.SITE_NAME, locale), status);
};

/** Pages behind signed links are never cached, indexed, or told about in a Referer. */
export const privatePage: MiddlewareHandler<AppEnv> = async (c, next) => {
  await next();
  c.header('Cache-Control', 'no-store');
  c.header('X-Robots-Tag', 'noindex');
  c.header('Referrer-Policy', 'no-referrer');
};

/**
 * A url-encoded or multipart body with every value of every field (checkboxes repeat their
 * name); files are ignored. An empty body is an empty form. Throws `unsupported_media_type`
 * or `invalid_request`.
 */
export async function readFormBody(c: Context<AppEnv>): Promise<FormBody> {
  const type = (c.req.header('content-type') ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
  if (type !== 'application/x-www-form-urlencoded' && type !== 'multipart/form-data') {
    if (type === '' && (c.req.header('content-length') ?? '0') === '0') return {};
    throw new AppError('unsupported_media_type', 'Send a form (url-encoded or multipart)');
  }
  let parsed: Record<string, unknown>;
  try {
    parsed = await c.req.parseBody({ all: true });
  } catch {
    throw new AppError('invalid_request', 'The form body could not be read');
  }
  const body: FormBody = {};
  for (const [name, value] of Object.entries(parsed)) {
    const strings = (Array.isArray(value) ? value : [value]).filter((v): v is string => typeof v === 'string');
    if (strings.length > 0) body[name] = strings;
  }
  return body;
}
