import { describe, expect, it } from 'vitest';
import { signToken, verifyToken } from '../../src/subscribers/tokens.js';

const SECRET = 'k'.repeat(40);
const T0 = new Date('2026-11-29T08:00:00Z');
const hours = (h: number) => new Date(T0.getTime() + h * 3600_000);

describe('tokens', () => {
  it('round-trips purpose, subject and issue time', async () => {
    const token = await signToken(SECRET, 'confirm', 'SUB1', T0);
    await expect(verifyToken(SECRET, 'confirm', token, hours(1))).resolves.toEqual({ subject: 'SUB1', issuedAt: T0 });
  });

  it('never carries an email address or the secret', async () => {
    const token = await signToken(SECRET, 'unsubscribe', 'SUB1', T0);
    expect(atob(token.split('.')[0]!.replace(/-/g, '+').replace(/_/g, '/'))).toBe(`{"p":"unsubscribe","s":"SUB1","t":${T0.getTime() / 1000}}`);
  });

  it('rejects a token for another purpose', async () => {
    const token = await signToken(SECRET, 'preferences', 'SUB1', T0);
    await expect(verifyToken(SECRET, 'unsubscribe', token, T0)).rejects.toMatchObject({ code: 'invalid_token' });
  });

  it('rejects a tampered payload or signature, and another key', async () => {
    const token = await signToken(SECRET, 'confirm', 'SUB1', T0);
    const [p, s] = token.split('.') as [string, string];
    const forged = btoa(`{"p":"confirm","s":"SUB2","t":${T0.getTime() / 1000}}`).replace(/=+$/, '');
    await expect(verifyToken(SECRET, 'confirm', `${forged}.${s}`, T0)).rejects.toMatchObject({ code: 'invalid_token' });
    await expect(verifyToken(SECRET, 'confirm', `${p}.${s.slice(0, -2)}AA`, T0)).rejects.toMatchObject({ code: 'invalid_token' });
    await expect(verifyToken('x'.repeat(40), 'confirm', token, T0)).rejects.toMatchObject({ code: 'invalid_token' });
  });

  it('expires confirm links after 48 hours', async () => {
    const token = await signToken(SECRET, 'confirm', 'SUB1', T0);
    await expect(verifyToken(SECRET, 'confirm', token, hours(47.9))).resolves.toBeTruthy();
    await expect(verifyToken(SECRET, 'confirm', token, hours(48.1))).rejects.toThrow(/expired/);
  });

  it.each([
    ['empty', ''],
    ['no dot', 'abc'],
    ['three parts', 'a.b.c'],
    ['not base64', '!!!.???'],
    ['oversized', `${'a'.repeat(600)}.b`],
  ])('rejects a %s token as invalid, nothing worse', async (_, t) => {
    await expect(verifyToken(SECRET, 'confirm', t, T0)).rejects.toMatchObject({ code: 'invalid_token' });
  });
});
