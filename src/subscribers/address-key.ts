/**
 * The key of an address on the suppression list: an HMAC of the normalised address, so the
 * list can outlive an erased subscriber without keeping the address itself, and cannot be
 * checked against a list of addresses without SECRET_KEY.
 */
import { hmacSync } from './tokens.js';
import { toHex } from '../text/hex.js';

export async function addressKey(secret: string, normalizedEmail: string): Promise<string> {
  const mac = hmacSync(secret, 'address key', normalizedEmail.toLowerCase());
  return toHex(mac);
}
