import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config.js';

const required = { ADMIN_TOKEN: 'a'.repeat(20), SECRET_KEY: 's'.repeat(40) };

describe('parseConfig', () => {
  it('fills development defaults', () => {
    const c = parseConfig(required);
    expect(c.PORT).toBe(8787);
    expect(c.DATABASE_PATH).toBe('./data/nashra.db');
    expect(c.SITE_URL).toBe(c.PUBLIC_URL);
    expect(c.DIGEST_TIMEZONE).toBe('Africa/Casablanca');
    expect(c.SMTP_URL).toBeUndefined();
  });

  it('coerces numbers and booleans, trims trailing slashes', () => {
    const c = parseConfig({ ...required, PORT: '9000', SCHEDULER: 'off', PUBLIC_URL: 'https://news.example/' });
    expect(c).toMatchObject({ PORT: 9000, SCHEDULER: false, PUBLIC_URL: 'https://news.example' });
  });

  it('names every bad variable', () => {
    expect(() => parseConfig({ ADMIN_TOKEN: 'short', PORT: 'x', DIGEST_TIMEZONE: 'Mars/Olympus', SMTP_URL: 'http://x' })).toThrow(
      /ADMIN_TOKEN[\s\S]*SECRET_KEY|SECRET_KEY[\s\S]*ADMIN_TOKEN/,
    );
    const message = (() => {
      try {
        parseConfig({ ...required, PORT: 'x', DIGEST_TIMEZONE: 'Mars/Olympus', SMTP_URL: 'http://x' });
        return 'no error';
      } catch (err) {
        return String(err);
      }
    })();
    expect(message).toMatch(/PORT[\s\S]*SMTP_URL[\s\S]*DIGEST_TIMEZONE|PORT/);
    for (const name of ['PORT', 'DIGEST_TIMEZONE', 'SMTP_URL']) expect(message).toContain(name);
  });
});
