/**
 * Partner API keys: `nsk_<32 base62 characters>_<6 base62 characters>`. The body holds 190
 * random bits; the tail is a CRC-32 of everything before it, so a mistyped or truncated key is
 * refused without a database lookup, and secret scanners can tell a real key from a look-alike
 * (the `nsk_` prefix and fixed shape make it easy to match). Only a SHA-256 of the key is
 * stored; the key is shown once.
 */

export const KEY_PREFIX = 'nsk_';
const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
const BODY_LENGTH = 32;
const CHECK_LENGTH = 6;

/** The shape of every key, for secret scanners and for a first check. */
export const KEY_PATTERN = /^nsk_[0-9A-Za-z]{32}_[0-9A-Za-z]{6}$/;

const CRC_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

function crc32(text: string): number {
  let crc = 0xffffffff;
  for (const byte of new TextEncoder().encode(text)) crc = (CRC_TABLE[(crc ^ byte) & 0xff] as number) ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

function checksum(head: string): string {
  let n = crc32(head);
  let out = '';
  for (let i = 0; i < CHECK_LENGTH; i++) {
    out = BASE62[n % 62] + out;
    n = Math.floor(n / 62);
  }
  return out;
}

/** A new random key (rejection sampling keeps every base62 character equally likely). */
export function generateKey(): string {
  let body = '';
  while (body.length < BODY_LENGTH) {
    for (const byte of crypto.getRandomValues(new Uint8Array(48))) {
      if (byte < 248 && body.length < BODY_LENGTH) body += BASE62[byte % 62];
    }
  }
  const head = `${KEY_PREFIX}${body}`;
  return `${head}_${checksum(head)}`;
}

/** True when `key` has the shape of a key and its checksum matches: worth looking up. */
export function isWellFormedKey(key: string): boolean {
  if (!KEY_PATTERN.test(key)) return false;
  const head = key.slice(0, KEY_PREFIX.length + BODY_LENGTH);
  return key.slice(-CHECK_LENGTH) === checksum(head);
}

/** The SHA-256 of the key, in hex: what is stored and looked up. */
export async function hashKey(key: string): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(key)));
  let hex = '';
  for (const b of digest) hex += b.toString(16).padStart(2, '0');
  return hex;
}

/** Compares two equal-length strings without revealing, through timing, where they differ. */
export function constantTimeEqual(a: string, b: string): boolean {
  let diff = a.length ^ b.length;
  for (let i = 0; i < Math.max(a.length, b.length); i++) diff |= (a.charCodeAt(i) || 0) ^ (b.charCodeAt(i) || 0);
  return diff === 0;
}

/** The key's first characters, to tell keys apart in lists (too few to help a guesser: 154 bits stay secret). */
export function keyHint(key: string): string {
  return `${key.slice(0, KEY_PREFIX.length + 6)}…`;
}
