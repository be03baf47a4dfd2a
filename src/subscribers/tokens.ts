/**
 * Signed, expiring, purpose-bound tokens for links in emails (confirm, preferences,
 * unsubscribe). HMAC-SHA256 with a key per purpose derived from SECRET_KEY, through WebCrypto
 * so both runtimes share the code. A token carries purpose, subscriber id and issue time; it
 * never carries an email address.
 */
import { createHmac } from 'node:crypto';
import { AppError } from '../errors.js';

export type TokenPurpose = 'confirm' | 'preferences' | 'unsubscribe';

/** How long each purpose stays valid. Unsubscribe links must keep working for a long time. */
export const TOKEN_TTL_MS: Record<TokenPurpose, number> = {
  confirm: 48 * 3600_000,
  preferences: 90 * 86400_000,
  unsubscribe: 365 * 86400_000,
};

const enc = new TextEncoder();
const keyCache = new Map<string, Promise<CryptoKey>>();
const rawKeyCache = new Map<string, Uint8Array>();

/**
 * The derived key of {@link hmacKey} as bytes, for signing with `node:crypto` (on Workers
 * through `nodejs_compat`): a synchronous HMAC costs about 3 µs against about 40 µs for
 * WebCrypto's on Node, and a digest signs two links for every reader. Same bytes, so tokens
 * verify the same either way.
 */
function rawHmacKey(secret: string, purpose: string): Uint8Array {
  const cacheKey = `${purpose}\u0000${secret}`;
  let key = rawKeyCache.get(cacheKey);
  if (!key) {
    key = createHmac('sha256', secret).update(`nashra token key: ${purpose}`).digest();
    rawKeyCache.set(cacheKey, key);
  }
  return key;
}

/** HMAC-SHA256 of `data` under the key derived for `purpose`. */
export function hmacSync(secret: string, purpose: string, data: Uint8Array | string): Uint8Array {
  return createHmac('sha256', rawHmacKey(secret, purpose)).update(data).digest();
}

function b64url(bytes: Uint8Array): string {
  let s = '';
  for (const b of bytes) s += String.fromCharCode(b);
  return btoa(s).replace(/=+$/, '').replace(/\+/g, '-').replace(/\//g, '_');
}

function fromB64url(s: string): Uint8Array<ArrayBuffer> {
  const bin = atob(s.replace(/-/g, '+').replace(/_/g, '/'));
  return Uint8Array.from(bin, (c) => c.charCodeAt(0));
}

/**
 * An HMAC-SHA256 key for one use (`label`: a token purpose, or another keyed hash), derived from
 * SECRET_KEY: a key leaked for one use says nothing of the others.
 */
export async function hmacKey(secret: string, purpose: string): Promise<CryptoKey> {
  const cacheKey = `${purpose}\u0000${secret}`;
  let key = keyCache.get(cacheKey);
  if (!key) {
    key = (async () => {
      const master = await crypto.subtle.importKey('raw', enc.encode(secret), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
      const derived = new Uint8Array(await crypto.subtle.sign('HMAC', master, enc.encode(`nashra token key: ${purpose}`)));
      return crypto.subtle.importKey('raw', derived, { name: 'HMAC', hash: 'SHA-256' }, false, ['sign', 'verify']);
    })();
    keyCache.set(cacheKey, key);
  }
  return key;
}

/** Issues a token for `subject` (a subscriber id) at `now`. */
export async function signToken(secret: string, purpose: TokenPurpose, subject: string, now: Date): Promise<string> {
  const payload = enc.encode(JSON.stringify({ p: purpose, s: subject, t: Math.floor(now.getTime() / 1000) }));
  return `${b64url(payload)}.${b64url(hmacSync(secret, purpose, payload))}`;
}

/**
 * Returns the subject and issue time of a valid token for `purpose`. Throws `AppError`
 * `invalid_token` when it is malformed, tampered with, for another purpose, or expired.
 */
export async function verifyToken(secret: string, purpose: TokenPurpose, token: string, now: Date): Promise<{ subject: string; issuedAt: Date }> {
  const invalid = (why: string) => new AppError('invalid_token', why);
  const [p, s, extra] = (token ?? '').split('.');
  if (!p || !s || extra !== undefined || p.length > 512 || s.length > 64) throw invalid('This link is not valid');
  let payload: Uint8Array<ArrayBuffer>;
  let sig: Uint8Array<ArrayBuffer>;
  try {
    payload = fromB64url(p);
    sig = fromB64url(s);
  } catch {
    throw invalid('This link is not valid');
  }
  // crypto.subtle.verify compares in constant time.
  if (!(await crypto.subtle.verify('HMAC', await hmacKey(secret, purpose), sig, payload))) throw invalid('This link is not valid');
  const body = JSON.parse(new TextDecoder().decode(payload)) as { p?: unknown; s?: unknown; t?: unknown };
  if (body.p !== purpose || typeof body.s !== 'string' || typeof body.t !== 'number') throw invalid('This link is not valid');
  const issuedAt = new Date(body.t * 1000);
  if (now.getTime() - issuedAt.getTime() > TOKEN_TTL_MS[purpose]) throw invalid('This link has expired');
  return { subject: body.s, issuedAt };
}
