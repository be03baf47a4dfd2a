/** Reading request bodies with the errors the API promises: 413, 415 and 400, never a 500. */
import type { Context, MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import type { AppEnv } from '../app.js';
import { AppError } from '../errors.js';

/** Rejects bodies larger than MAX_BODY_BYTES with 413, whether or not Content-Length is sent. */
export const limitBody: MiddlewareHandler<AppEnv> = (c, next) =>
  bodyLimit({
    maxSize: c.get('deps').config.MAX_BODY_BYTES,
    onError: () => {
      throw new AppError('payload_too_large', `Request body is larger than ${c.get('deps').config.MAX_BODY_BYTES} bytes`);
    },
  })(c, next);

/** The parsed JSON body. Throws `unsupported_media_type` or `invalid_request`. */
export async function readJson(c: Context<AppEnv>): Promise<unknown> {
  const type = (c.req.header('content-type') ?? '').split(';')[0]?.trim().toLowerCase();
  if (type !== 'application/json' && !type?.endsWith('+json')) {
    throw new AppError('unsupported_media_type', 'Send the body as application/json');
  }
  const text = await c.req.text();
  try {
    return JSON.parse(text);
  } catch {
    throw new AppError('invalid_request', 'The body is not valid JSON');
  }
}

/** A url-encoded, multipart or JSON body as a flat record of strings. */
export async function readForm(c: Context<AppEnv>): Promise<Record<string, string>> {
  const type = (c.req.header('content-type') ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
  if (type === 'application/json') {
    const body = await readJson(c);
    if (!body || typeof body !== 'object' || Array.isArray(body)) throw new AppError('invalid_request', 'Send a JSON object');
    return Object.fromEntries(Object.entries(body).map(([k, v]) => [k, typeof v === 'string' ? v : JSON.stringify(v)]));
  }
  if (type === 'application/x-www-form-urlencoded' || type === 'multipart/form-data') {
    let parsed: Record<string, unknown>;
    try {
      parsed = await c.req.parseBody();
    } catch {
      throw new AppError('invalid_request', 'The form body could not be read');
    }
    return Object.fromEntries(Object.entries(parsed).filter(([, v]) => typeof v === 'string')) as Record<string, string>;
  }
  if (type === '' && (c.req.header('content-length') ?? '0') === '0') return {};
  throw new AppError('unsupported_media_type', 'Send a form (url-encoded or multipart) or JSON');
}
