/**
 * The words of the archive pages in each language, and their links. Arabic pages keep their
 * plain addresses (the ones every Arabic digest and feed links to); English ones carry
 * `?lang=en`, which every link between them keeps. The pieces themselves stay Arabic.
 */
import type { Cadence } from '../digests/period.js';
import { FREQUENCY_ADJECTIVE } from '../locale.js';
import type { Locale } from './i18n.js';

export type ArchiveStrings = {
  otherLanguage: string;
  archiveTitle: string;
  archiveHeading: string;
  archiveIntro: (siteName: string) => string;
  subscribe: string;
  followInReader: string;
  noEditionYet: string;
  noOlderEditions: string;
  newer: string;
  older: string;
  pagerLabel: string;
  cadence: (cadence: Cadence) => string;
  feedTitle: (siteName: string, format: string) => string;
  readPiece: string;
  inviteHeading: string;
  invite: (siteName: string) => string;
  notFoundTitle: string;
  notFoundHeading: string;
  notFoundText: string;
  browseArchive: string;
};

const ar: ArchiveStrings = {
  otherLanguage: 'English',
  archiveTitle: 'أرشيف النشرة',
  archiveHeading: 'أرشيف النشرة البريدية',
  archiveIntro: (siteName) => `كل أعداد نشرة ${siteName} كما وصلت إلى المشتركين، من الأحدث إلى الأقدم.`,
  subscribe: 'اشترك في النشرة',
  followInReader: 'تابع الأعداد في قارئ الخلاصات: ',
  noEditionYet: 'لم يُرسَل أي عدد بعد. اشترك لتصلك النشرة الأولى.',
  noOlderEditions: 'لا أعداد أقدم.',
  newer: 'الأعداد الأحدث',
  older: 'الأعداد الأقدم',
  pagerLabel: 'صفحات الأرشيف',
  cadence: (cadence) => `النشرة ${FREQUENCY_ADJECTIVE[cadence]}`,
  feedTitle: (siteName, format) => `${siteName}: أعداد النشرة (${format})`,
  readPiece: 'اقرأ المقال',
  inviteHeading: 'تصلك هذه النشرة في بريدك',
  invite: (siteName) => `اشترك في نشرة ${siteName} لتصلك مقالات الرأي والتحليل في الموعد الذي تختاره، يوميًا أو أسبوعيًا.`,
  notFoundTitle: 'العدد غير موجود',
  notFoundHeading: 'لم نجد هذا العدد',
  notFoundText: 'ربما تغيّر الرابط، أو لم يُرسَل هذا العدد إلى المشتركين.',
  browseArchive: 'تصفّح أرشيف النشرة',
};

const en: ArchiveStrings = {
  otherLanguage: 'العربية',
  archiveTitle: 'Newsletter archive',
  archiveHeading: 'Newsletter archive',
  archiveIntro: (siteName) => `Every edition of the ${siteName} newsletter as its subscribers received it, newest first. The pieces are in Arabic.`,
  subscribe: 'Subscribe to the newsletter',
  followInReader: 'Follow the editions in a feed reader: ',
  noEditionYet: 'No edition has gone out yet. Subscribe to receive the first one.',
  noOlderEditions: 'No older editions.',
  newer: 'Newer editions',
  older: 'Older editions',
  pagerLabel: 'Archive pages',
  cadence: (cadence) => (cadence === 'daily' ? 'Daily digest' : 'Weekly digest'),
  feedTitle: (siteName, format) => `${siteName}: newsletter editions (${format})`,
  readPiece: 'Read the piece',
  inviteHeading: 'Get this newsletter by email',
  invite: (siteName) => `Subscribe to the ${siteName} newsletter to receive its opinion and analysis pieces at the hour you choose, daily or weekly.`,
  notFoundTitle: 'Edition not found',
  notFoundHeading: 'We could not find this edition',
  notFoundText: 'The link may have changed, or this edition was never sent to subscribers.',
  browseArchive: 'Browse the newsletter archive',
};

const STRINGS: Record<Locale, ArchiveStrings> = { ar, en };

export const archiveStrings = (locale: Locale): ArchiveStrings => STRINGS[locale];

/** A same-site path in `locale`: as it is for Arabic, with `lang=en` (after `params`) for English. */
export function archiveHref(path: string, locale: Locale, params: Record<string, string> = {}): string {
  const query = new URLSearchParams(params);
  if (locale !== 'ar') query.set('lang', locale);
  const q = query.toString();
  return q ? `${path}?${q}` : path;
}
