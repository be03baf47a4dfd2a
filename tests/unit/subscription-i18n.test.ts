/** Which language a page speaks: ?lang=, the subscriber's choice, Accept-Language, Arabic when unsure. */
import { describe, expect, it } from 'vitest';
import { localeFromAcceptLanguage, localePath, localeWeights, pickLocale, strings } from '../../src/pages/i18n.js';

describe('Accept-Language', () => {
  it.each([
    ['en', 'en'],
    ['en-US,en;q=0.9', 'en'],
    ['EN-gb', 'en'],
    ['ar', 'ar'],
    ['ar-MA,ar;q=0.9,en;q=0.8', 'ar'],
    ['en;q=0.8,ar', 'ar'],
    ['fr-FR,fr;q=0.9,en;q=0.8', 'en'],
    ['fr-FR,fr;q=0.9', 'ar'], // neither: Arabic
    ['en;q=0.5,ar;q=0.5', 'ar'], // a tie: Arabic
    ['*', 'ar'],
    ['en;q=0.1,*;q=0.5', 'ar'], // the wildcard weighs for Arabic, which is not named
    ['ar;q=0,en;q=0.1', 'en'],
    ['en;q=0', 'ar'],
    ['en;q=2', 'ar'], // malformed weight: the element is ignored
    ['en;q=abc,ar;q=0.2', 'ar'],
    ['', 'ar'],
    ['😀, en', 'en'],
  ])('%j → %s', (header, locale) => {
    expect(localeFromAcceptLanguage(header)).toBe(locale);
  });

  it('weighs each locale by its best range', () => {
    expect(localeWeights('en-US;q=0.4, en;q=0.7, ar-EG;q=0.3, *;q=0.1')).toEqual({ en: 0.7, ar: 0.3 });
    expect(localeWeights(undefined)).toEqual({ en: 0, ar: 0 });
  });
});

describe('the locale of a page', () => {
  it('takes ?lang= first, then the stored locale, then Accept-Language', () => {
    expect(pickLocale({ lang: 'en', stored: 'ar', acceptLanguage: 'ar' })).toBe('en');
    expect(pickLocale({ lang: 'AR', stored: 'en', acceptLanguage: 'en' })).toBe('ar');
    expect(pickLocale({ lang: 'fr', stored: 'en', acceptLanguage: 'ar' })).toBe('en');
    expect(pickLocale({ lang: undefined, stored: undefined, acceptLanguage: 'en' })).toBe('en');
    expect(pickLocale({})).toBe('ar');
  });

  it('is kept in links between pages', () => {
    expect(localePath('/preferences', 'en', { token: 'a.b' })).toBe('/preferences?token=a.b&lang=en');
    expect(localePath('/subscribe', 'ar')).toBe('/subscribe?lang=ar');
  });
});

describe('the dictionaries', () => {
  it('have every string in both languages, none empty, and differ', () => {
    const flatten = (value: unknown, path = ''): [string, string][] => {
      if (typeof value === 'function') return [[path, String((value as (a: string) => string)('X'))]];
      if (typeof value === 'string') return [[path, value]];
      return Object.entries(value as object).flatMap(([k, v]) => flatten(v, path ? `${path}.${k}` : k));
    };
    const ar = new Map(flatten(strings('ar')));
    const en = new Map(flatten(strings('en')));
    expect([...en.keys()].sort()).toEqual([...ar.keys()].sort());
    for (const [key, text] of [...ar, ...en]) expect(text.trim(), key).not.toBe('');
    const same = [...ar].filter(([key, text]) => en.get(key) === text && !/^hour$/.test(key)).map(([key]) => key);
    expect(same).toEqual([]);
    for (const [key, text] of ar) if (!['otherLanguage', 'hour', 'errors.emailInvalid'].includes(key)) expect(text, key).toMatch(/[\u0600-\u06FF]/);
  });

  it('name the seven days in ISO order, Monday first, as Intl does', () => {
    for (const locale of ['ar', 'en'] as const) {
      const names = strings(locale).weekdays;
      // 2026-11-30 is a Monday.
      const intl = Array.from({ length: 7 }, (_, i) => new Intl.DateTimeFormat(locale, { weekday: 'long', timeZone: 'UTC' }).format(new Date(Date.UTC(2026, 10, 30 + i))));
      expect(names).toEqual(intl);
    }
  });
});
