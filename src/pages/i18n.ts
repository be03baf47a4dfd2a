/**
 * The languages of the reader-facing pages: Arabic (the default) and English. Which one a page
 * uses: an explicit `?lang=`, then the subscriber's stored choice (pages opened from an email),
 * then the browser's Accept-Language, and Arabic whenever that is not clear.
 */
import { ar, type Strings } from './i18n-ar.js';
import { en } from './i18n-en.js';

export type { Strings } from './i18n-ar.js';

export const LOCALES = ['ar', 'en'] as const;
export type Locale = (typeof LOCALES)[number];

const DICTIONARIES: Record<Locale, Strings> = { ar, en };

export const isLocale = (value: unknown): value is Locale => value === 'ar' || value === 'en';

/** The strings of `locale`. */
export function strings(locale: Locale): Strings {
  return DICTIONARIES[locale];
}

/** Writing direction of `locale`, for `dir` attributes. */
export const dirOf = (locale: Locale): 'rtl' | 'ltr' => (locale === 'ar' ? 'rtl' : 'ltr');

const QVALUE = /^(?:0(?:\.\d{0,3})?|1(?:\.0{0,3})?)$/;

/**
 * How much an Accept-Language header (RFC 9110 §12.5.4) wants each of our locales: the highest
 * weight among the ranges whose primary language is that locale's ("en-GB" counts for English),
 * or the weight of "*" when none names it; 0 when neither. Malformed elements are ignored.
 */
export function localeWeights(header: string | undefined | null): Record<Locale, number> {
  const named: Partial<Record<Locale, number>> = {};
  let wildcard = 0;
  for (const element of (header ?? '').split(',')) {
    const [range = '', ...params] = element.split(';').map((p) => p.trim().toLowerCase());
    if (!/^(?:\*|[a-z]{1,8}(?:-[a-z0-9]{1,8})*)$/.test(range)) continue;
    let q = 1;
    const weight = params.find((p) => p.startsWith('q='));
    if (weight) {
      const value = weight.slice(2).trim();
      if (!QVALUE.test(value)) continue;
      q = Number(value);
    }
    if (range === '*') wildcard = Math.max(wildcard, q);
    const primary = range.split('-')[0];
    if (isLocale(primary)) named[primary] = Math.max(named[primary] ?? 0, q);
  }
  return { ar: named.ar ?? wildcard, en: named.en ?? wildcard };
}

/** English only when the header wants it strictly more than Arabic; Arabic otherwise. */
export function localeFromAcceptLanguage(header: string | undefined | null): Locale {
  const w = localeWeights(header);
  return w.en > w.ar ? 'en' : 'ar';
}

/**
 * The locale of a page: `lang` (the `?lang=` parameter) when it names one of ours, else the
 * subscriber's `stored` locale, else the Accept-Language header.
 */
export function pickLocale(opts: { lang?: string | undefined; stored?: Locale | undefined; acceptLanguage?: string | undefined }): Locale {
  const lang = opts.lang?.trim().toLowerCase();
  if (isLocale(lang)) return lang;
  if (opts.stored) return opts.stored;
  return localeFromAcceptLanguage(opts.acceptLanguage);
}

/** `path` with `params` and `lang=<locale>` as its query: links between pages keep the locale. */
export function localePath(path: string, locale: Locale, params: Record<string, string> = {}): string {
  const query = new URLSearchParams({ ...params, lang: locale });
  return `${path}?${query.toString()}`;
}
