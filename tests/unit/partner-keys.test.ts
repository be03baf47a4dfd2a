import { describe, expect, it } from 'vitest';
import { constantTimeEqual, generateKey, hashKey, isWellFormedKey, KEY_PATTERN, keyHint } from '../../src/partners/keys.js';

describe('partner keys', () => {
  it('have a fixed, scannable shape and a checksum that holds', () => {
    const keys = Array.from({ length: 200 }, generateKey);
    for (const key of keys) {
      expect(key).toMatch(KEY_PATTERN);
      expect(isWellFormedKey(key)).toBe(true);
    }
    expect(new Set(keys).size).toBe(keys.length);
  });

  it('carry at least 128 random bits: every base62 character turns up in the body', () => {
    const seen = new Set(Array.from({ length: 300 }, () => generateKey().slice(4, 36)).join(''));
    expect(seen.size).toBe(62); // 32 characters × log2(62) ≈ 190 bits, drawn evenly
  });

  it('are refused without a lookup when a character is changed, dropped or added', () => {
    const key = generateKey();
    const body = key.slice(4, 36);
    const swapped = `nsk_${body[1]}${body[0]}${body.slice(2)}${key.slice(36)}`;
    const changed = `nsk_${body.slice(0, 10)}${body[10] === 'a' ? 'b' : 'a'}${body.slice(11)}${key.slice(36)}`;
    for (const bad of [changed, key.slice(0, -1), `${key}x`, key.replace('nsk_', 'nsx_'), key.toLowerCase() === key ? key.toUpperCase() : key.toLowerCase(), ''])
      expect(isWellFormedKey(bad), bad).toBe(false);
    if (swapped !== key) expect(isWellFormedKey(swapped)).toBe(false);
  });

  it('are stored as a SHA-256 and shown afterwards only by a short hint', async () => {
    const key = generateKey();
    expect(await hashKey(key)).toMatch(/^[0-9a-f]{64}$/);
    expect(await hashKey(key)).toBe(await hashKey(key));
    expect(keyHint(key)).toBe(`${key.slice(0, 10)}…`);
    expect(constantTimeEqual('abc', 'abc')).toBe(true);
    expect(constantTimeEqual('abc', 'abd')).toBe(false);
    expect(constantTimeEqual('abc', 'abcd')).toBe(false);
  });
});
