/** How people see dates and labels: Arabic, in the reader's time zone. Feeds keep RFC formats. */
export function formatArabicDate(date: Date, timeZone: string): string {
  return new Intl.DateTimeFormat('ar', { dateStyle: 'long', timeZone }).format(date);
}

export function formatArabicWeekdayDate(date: Date, timeZone: string): string {
  return new Intl.DateTimeFormat('ar', { weekday: 'long', day: 'numeric', month: 'long', year: 'numeric', timeZone }).format(date);
}

export const FREQUENCY_LABEL = { daily: 'يوميًا', weekly: 'أسبوعيًا' } as const;
export const FREQUENCY_ADJECTIVE = { daily: 'اليومية', weekly: 'الأسبوعية' } as const;
