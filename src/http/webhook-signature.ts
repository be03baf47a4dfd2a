/**
 * Signed webhooks. The sender signs each request with WEBHOOK_SECRET:
 *
 *     X-Nashra-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<raw body>">
 *
 * (the key is the secret's UTF-8 bytes; the body is signed byte for byte, before any
 * parsing). Several `v1=` values may be sent, e.g. while the secret is being changed: one
 * match is enough. A timestamp more than five minutes from our clock is refused, so a
 * captured request cannot be replayed later.
 */
import { AppError } from '../errors.js';
import { toHex } from '../text/hex.js';

export const SIGNATURE_HEADER = 'X-Nashra-Signature';
export const SIGNATURE_TOLERANCE_MS = 5 * 60_000;

const enc = new TextEncoder();

async function keyFor(secret: string): Promise<CryptoKey> {
  return crypto.subtle.importKey('raw', enc.encode(secret), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign', 'verify']);
}

function signedBytes(t: string, body: Uint8Array): Uint8Array<ArrayBuffer> {
  const prefix = enc.encode(`${t}.`);
  const out = new Uint8Array(prefix.length + body.length);
  out.set(prefix);
  out.set(body, prefix.length);
  return out;
}

function hexToBytes(hex: string): Uint8Array<ArrayBuffer> {
  return Uint8Array.from(hex.match(/../g) ?? [], (h) => parseInt(h, 16));
}

/** The header value for `body` signed at `at`: what a sender (or a test) puts in X-Nashra-Signature. */
export async function signWebhook(secret: string, body: Uint8Array | string, at: Date): Promise<string> {
  const t = String(Math.floor(at.getTime() / 1000));
  const bytes = typeof body === 'string' ? enc.encode(body) : body;
  const mac = new Uint8Array(await crypto.subtle.sign('HMAC', await keyFor(secret), signedBytes(t, bytes)));
  return `t=${t},v1=${toHex(mac)}`;
}

/**
 * Checks the signature `header` of `body` at `now`. Throws `unauthorized` when the header is
 * missing or malformed, no `v1` matches, or the timestamp is more than five minutes off.
 */
export async function verifyWebhookSignature(secret: string, header: string | undefined, body: Uint8Array, now: Date): Promise<void> {
  const refuse = (why: string) => new AppError('unauthorized', why);
  let t: string | undefined;
  const macs: string[] = [];
  for (const item of (header ?? '').slice(0, 1024).split(',')) {
    const [k, v = ''] = item.trim().split('=', 2);
    if (k === 't' && /^\d{1,12}$/.test(v)) t = v;
    else if (k === 'v1' && /^[0-9a-fA-F]{64}$/.test(v) && macs.length < 4) macs.push(v);
  }
  if (!t || macs.length === 0) throw refuse(`Sign the request: ${SIGNATURE_HEADER}: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">`);
  const key = await keyFor(secret);
  const data = signedBytes(t, body);
  let match = false;
  // crypto.subtle.verify compares in constant time.
  for (const mac of macs) if (await crypto.subtle.verify('HMAC', key, hexToBytes(mac), data)) match = true;
  if (!match) throw refuse('The request signature does not match');
  if (Math.abs(now.getTime() - Number(t) * 1000) > SIGNATURE_TOLERANCE_MS) throw refuse('The signature timestamp is more than 5 minutes off; sign each request when it is sent');
}
