/**
 * The time zones offered in the sign-up and preference forms when the browser does not say
 * (no JavaScript): the Arab world first, then a few where many readers live abroad. Any other
 * IANA zone the browser reports is accepted too.
 */
import type { Locale } from './i18n.js';

type Zone = { id: string; ar: string; en: string };

export const COMMON_TIME_ZONES: readonly Zone[] = [
  { id: 'Africa/Casablanca', ar: 'المغرب (الدار البيضاء)', en: 'Morocco (Casablanca)' },
  { id: 'Africa/Algiers', ar: 'الجزائر', en: 'Algeria (Algiers)' },
  { id: 'Africa/Tunis', ar: 'تونس', en: 'Tunisia (Tunis)' },
  { id: 'Africa/Tripoli', ar: 'ليبيا (طرابلس)', en: 'Libya (Tripoli)' },
  { id: 'Africa/Cairo', ar: 'مصر (القاهرة)', en: 'Egypt (Cairo)' },
  { id: 'Africa/Khartoum', ar: 'السودان (الخرطوم)', en: 'Sudan (Khartoum)' },
  { id: 'Africa/Nouakchott', ar: 'موريتانيا (نواكشوط)', en: 'Mauritania (Nouakchott)' },
  { id: 'Asia/Amman', ar: 'الأردن (عمّان)', en: 'Jordan (Amman)' },
  { id: 'Asia/Beirut', ar: 'لبنان (بيروت)', en: 'Lebanon (Beirut)' },
  { id: 'Asia/Damascus', ar: 'سوريا (دمشق)', en: 'Syria (Damascus)' },
  { id: 'Asia/Hebron', ar: 'فلسطين', en: 'Palestine' },
  { id: 'Asia/Baghdad', ar: 'العراق (بغداد)', en: 'Iraq (Baghdad)' },
  { id: 'Asia/Riyadh', ar: 'السعودية (الرياض)', en: 'Saudi Arabia (Riyadh)' },
  { id: 'Asia/Kuwait', ar: 'الكويت', en: 'Kuwait' },
  { id: 'Asia/Bahrain', ar: 'البحرين', en: 'Bahrain' },
  { id: 'Asia/Qatar', ar: 'قطر (الدوحة)', en: 'Qatar (Doha)' },
  { id: 'Asia/Dubai', ar: 'الإمارات (دبي)', en: 'UAE (Dubai)' },
  { id: 'Asia/Muscat', ar: 'عُمان (مسقط)', en: 'Oman (Muscat)' },
  { id: 'Asia/Aden', ar: 'اليمن (عدن)', en: 'Yemen (Aden)' },
  { id: 'Africa/Mogadishu', ar: 'الصومال (مقديشو)', en: 'Somalia (Mogadishu)' },
  { id: 'Africa/Djibouti', ar: 'جيبوتي', en: 'Djibouti' },
  { id: 'UTC', ar: 'التوقيت العالمي المنسّق (UTC)', en: 'Coordinated Universal Time (UTC)' },
  { id: 'Europe/London', ar: 'المملكة المتحدة (لندن)', en: 'United Kingdom (London)' },
  { id: 'Europe/Paris', ar: 'فرنسا (باريس)', en: 'France (Paris)' },
  { id: 'Europe/Madrid', ar: 'إسبانيا (مدريد)', en: 'Spain (Madrid)' },
  { id: 'Europe/Berlin', ar: 'ألمانيا (برلين)', en: 'Germany (Berlin)' },
  { id: 'Europe/Brussels', ar: 'بلجيكا (بروكسل)', en: 'Belgium (Brussels)' },
  { id: 'Europe/Istanbul', ar: 'تركيا (إسطنبول)', en: 'Türkiye (Istanbul)' },
  { id: 'America/Toronto', ar: 'كندا (تورونتو، مونتريال)', en: 'Canada (Toronto, Montreal)' },
  { id: 'America/New_York', ar: 'الولايات المتحدة (نيويورك)', en: 'United States (New York)' },
  { id: 'America/Chicago', ar: 'الولايات المتحدة (شيكاغو)', en: 'United States (Chicago)' },
  { id: 'America/Los_Angeles', ar: 'الولايات المتحدة (لوس أنجلوس)', en: 'United States (Los Angeles)' },
  { id: 'Asia/Kuala_Lumpur', ar: 'ماليزيا (كوالالمبور)', en: 'Malaysia (Kuala Lumpur)' },
  { id: 'Australia/Sydney', ar: 'أستراليا (سيدني)', en: 'Australia (Sydney)' },
];

/**
 * The options of a time zone `<select>` as `[id, label]`: the common zones, and `current` first
 * when it is not one of them (a zone the browser detected, or a subscriber's stored one).
 */
export function timeZoneOptions(locale: Locale, current: string): [string, string][] {
  const options = COMMON_TIME_ZONES.map((z): [string, string] => [z.id, z[locale]]);
  if (current && !options.some(([id]) => id === current)) options.unshift([current, current.replace(/_/g, ' ')]);
  return options;
}
