/** How people see dates and labels: Arabic, in the reader's time zone. Feeds keep RFC formats. */
export function formatArabicDate(date: Date, timeZone: string): string {
  return new Intl.DateTimeFormat('ar', { dateStyle: 'long', timeZone }).format(date);
}

export function formatArabicWeekdayDate(date: Date, timeZone: string): string {
  return new Intl.DateTimeFormat('ar', { weekday: 'long', day: 'numeric', month: 'long', year: 'numeric', timeZone }).format(date);
}

/** The Hijri date (Umm al-Qura calendar): `19 جمادى الآخرة 1448 هـ`, or `19 Jumada II 1448 AH` in English. */
export function formatHijriDate(date: Date, timeZone: string, locale: 'ar' | 'en' = 'ar'): string {
  const tag = locale === 'en' ? 'en-GB-u-ca-islamic-umalqura' : 'ar-u-ca-islamic-umalqura-nu-latn';
  return new Intl.DateTimeFormat(tag, { day: 'numeric', month: 'long', year: 'numeric', timeZone }).format(date);
}

/** A date in English for the English pages and emails: `29 November 2026`, or with its weekday. */
export function formatEnglishDate(date: Date, timeZone: string, weekday = false): string {
  return new Intl.DateTimeFormat('en-GB', { ...(weekday ? { weekday: 'long' } : {}), day: 'numeric', month: 'long', year: 'numeric', timeZone }).format(date);
}

export const FREQUENCY_LABEL = { daily: 'يوميًا', weekly: 'أسبوعيًا' } as const;
export const FREQUENCY_ADJECTIVE = { daily: 'اليومية', weekly: 'الأسبوعية' } as const;
