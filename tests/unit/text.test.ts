import { describe, expect, it } from 'vitest';
import { slugify, SLUG_PATTERN } from '../../src/articles/slug.js';
import { normalizeEmail } from '../../src/subscribers/address.js';

describe('slugify', () => {
  it('keeps Arabic letters and digits, joins words with hyphens', () => {
    expect(slugify('حكومة مونديال 2026: كيف يعيد أوزين تعريف «الحكم»؟')).toBe('حكومة-مونديال-2026-كيف-يعيد-أوزين-تعريف-الحكم');
  });
  it('drops diacritics and tatweel, lower-cases Latin', () => {
    expect(slugify('مَقــالٌ Hello World')).toBe('مقال-hello-world');
  });
  it('produces slugs the API accepts, and nothing for symbols only', () => {
    expect(SLUG_PATTERN.test(slugify('  --رأي: اليوم!! '))).toBe(true);
    expect(slugify('!!!')).toBe('');
  });
});

describe('normalizeEmail', () => {
  it('lower-cases the domain, keeps the local part, converts IDN to ASCII', () => {
    expect(normalizeEmail('  Layla.B@Example.COM ')).toBe('Layla.B@example.com');
    expect(normalizeEmail('a@مثال.السعودية')).toMatch(/^a@xn--/);
  });
  it.each(['', 'no-at', 'a@b', 'a b@c.d', 'a@b.c\r\nBcc: x@y.z', 'a@b.c\0', `${'a'.repeat(250)}@b.cd`, '<a@b.c>'])(
    'rejects %j',
    (raw) => {
      expect(() => normalizeEmail(raw)).toThrow(expect.objectContaining({ code: 'invalid_request' }));
    },
  );
});
