/** Turns an edition's articles into what the digest template shows. */
import { htmlToText } from '../articles/sanitize.js';
import type { Config } from '../config.js';
import type { DigestContent } from '../email/digest.js';
import { FREQUENCY_ADJECTIVE, formatArabicDate, formatArabicWeekdayDate } from '../locale.js';
import type { ArticleRecord } from '../storage/articles.js';
import type { EditionRow } from '../storage/schema.js';

const EXCERPT_CHARS = 280;

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

export function digestContent(config: Config, edition: EditionRow, list: ArticleRecord[]): DigestContent {
  const tz = config.DIGEST_TIMEZONE;
  const dateLabel = formatArabicWeekdayDate(edition.windowEnd, tz);
  const subject = `${config.SITE_NAME}: النشرة ${FREQUENCY_ADJECTIVE[edition.cadence]}، ${formatArabicDate(edition.windowEnd, tz)}`;
  return {
    siteName: config.SITE_NAME,
    subject,
    preheader: list.map((a) => a.title).join(' · ').slice(0, 150),
    dateLabel,
    articles: list.map((a) => ({
      title: a.title,
      link: withUtm(a.canonicalUrl, edition),
      author: a.author.name,
      section: a.section.name,
      excerpt: excerptOf(a),
      dateLabel: formatArabicDate(a.publishedAt ?? a.updatedAt, tz),
      image: a.imageUrl ? { url: a.imageUrl, alt: a.imageAlt || a.title } : null,
    })),
  };
}
