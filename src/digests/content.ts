/** Turns an edition's pieces into what the digest template shows. */
import { htmlToText } from '../articles/sanitize.js';
import type { Config } from '../config.js';
import type { DigestContent, DigestLocale } from '../email/digest.js';
import { FREQUENCY_ADJECTIVE, formatArabicDate, formatArabicWeekdayDate, formatEnglishDate, formatHijriDate } from '../locale.js';
import type { ArticleRecord } from '../storage/articles.js';
import type { EditionRow } from '../storage/schema.js';

const EXCERPT_CHARS = 280;
/** Inbox preview text; clients show 90–140 characters. */
const PREHEADER_CHARS = 140;

export function excerptOf(a: Pick<ArticleRecord, 'summary' | 'contentHtml'>): string {
  const text = a.summary.trim() || htmlToText(a.contentHtml);
  const chars = [...text];
  if (chars.length <= EXCERPT_CHARS) return text;
  const cut = chars.slice(0, EXCERPT_CHARS).join('');
  return `${cut.slice(0, Math.max(cut.lastIndexOf(' '), EXCERPT_CHARS / 2)).trim()}…`;
}

/** Adds UTM parameters so the publisher's analytics can tell digest readers apart. */
export function withUtm(link: string, edition: Pick<EditionRow, 'cadence' | 'periodKey'>): string {
  const u = new URL(link);
  u.searchParams.set('utm_source', 'nashra');
  u.searchParams.set('utm_medium', 'email');
  u.searchParams.set('utm_campaign', `${edition.cadence}-${edition.periodKey}`);
  return u.href;
}

/**
 * The day an edition is dated: a daily edition's own local date (its period), a weekly one's
 * planning day in the site's time zone. Noon UTC keeps a bare date on its day in any zone.
 */
export function editionDate(edition: Pick<EditionRow, 'cadence' | 'periodKey' | 'windowEnd'>, config: Pick<Config, 'DIGEST_TIMEZONE'>): { at: Date; timeZone: string } {
  const day = /^(\d{4})-(\d{2})-(\d{2})$/.exec(edition.periodKey);
  if (edition.cadence === 'daily' && day) return { at: new Date(Date.UTC(+day[1]!, +day[2]! - 1, +day[3]!, 12)), timeZone: 'UTC' };
  return { at: edition.windowEnd, timeZone: config.DIGEST_TIMEZONE };
}

type Dated = Pick<EditionRow, 'cadence' | 'periodKey' | 'windowEnd'>;

/** The edition's date as people read it: weekday and Gregorian date, with the Hijri date when configured. */
export function editionDateLabel(edition: Dated, config: Pick<Config, 'DIGEST_TIMEZONE' | 'DIGEST_HIJRI'>, locale: DigestLocale = 'ar'): string {
  const { at, timeZone } = editionDate(edition, config);
  const gregorian = locale === 'en' ? formatEnglishDate(at, timeZone, true) : formatArabicWeekdayDate(at, timeZone);
  return config.DIGEST_HIJRI ? `${gregorian} · ${formatHijriDate(at, timeZone, locale)}` : gregorian;
}

/** The subject: site, cadence and date, short enough to read on a phone. */
export function editionSubject(edition: Dated, config: Pick<Config, 'SITE_NAME' | 'DIGEST_TIMEZONE'>, locale: DigestLocale = 'ar'): string {
  const { at, timeZone } = editionDate(edition, config);
  if (locale === 'en') return `${config.SITE_NAME}: ${edition.cadence} digest, ${formatEnglishDate(at, timeZone)}`;
  return `${config.SITE_NAME}: النشرة ${FREQUENCY_ADJECTIVE[edition.cadence]}، ${formatArabicDate(at, timeZone)}`;
}

export type EditionExtras = {
  /** The public web version ("view in browser"). */
  archiveUrl: string;
  /** What the segment's readers follow, e.g. `الأقسام التي تتابعها: رأي، اقتصاد`; empty for everything. */
  followingLabel: string;
};

/** What the template shows, in the reader's language around the (Arabic) pieces. */
export function digestContent(config: Config, edition: EditionRow, list: ArticleRecord[], extras: EditionExtras, locale: DigestLocale = 'ar'): DigestContent {
  const tz = config.DIGEST_TIMEZONE;
  return {
    siteName: config.SITE_NAME,
    subject: editionSubject(edition, config, locale),
    preheader: [...list.map((a) => a.title).join(' · ')].slice(0, PREHEADER_CHARS).join(''),
    dateLabel: editionDateLabel(edition, config, locale),
    archiveUrl: extras.archiveUrl,
    followingLabel: extras.followingLabel,
    articles: list.map((a) => ({
      title: a.title,
      link: withUtm(a.canonicalUrl, edition),
      author: a.author.name,
      section: a.section.name,
      excerpt: excerptOf(a),
      dateLabel: locale === 'en' ? formatEnglishDate(a.publishedAt ?? a.updatedAt, tz) : formatArabicDate(a.publishedAt ?? a.updatedAt, tz),
      image: a.imageUrl ? { url: a.imageUrl, alt: a.imageAlt || a.title } : null,
    })),
  };
}
