/**
 * A partner's terms, applied to articles before anything is built from them: every feed format
 * and the API see the same transformed records, so no format can leak what the terms withhold.
 */
import type { Config } from '../config.js';
import type { ArticleRecord } from '../storage/articles.js';
import type { PartnerRow } from '../storage/schema.js';
import type { ViewTerms } from '../storage/tombstones.js';
import { escapeHtml } from '../text/html.js';

export type Partner = {
  id: string;
  slug: string;
  name: string;
  content: 'full' | 'summary';
  /** Empty: every section. */
  sectionIds: string[];
  embargoMinutes: number;
  includeImages: boolean;
  attributionText: string | null;
  origins: string[];
  rateLimitPerMinute: number;
  createdAt: Date;
  updatedAt: Date;
};

/** The default lead of the attribution line: "First published in" (the site's name follows, as a link). */
export const DEFAULT_ATTRIBUTION = 'نُشر هذا المقال أولًا في';

const jsonList = (text: string): string[] => {
  const parsed: unknown = JSON.parse(text);
  return Array.isArray(parsed) ? parsed.filter((v): v is string => typeof v === 'string') : [];
};

export function partnerOf(row: PartnerRow): Partner {
  return { ...row, sectionIds: jsonList(row.sectionIds), origins: jsonList(row.origins) };
}

/** Which articles the partner may see; `embargoMs` is counted from publication. */
export function viewTermsOf(partner: Partner): ViewTerms {
  return { sectionIds: partner.sectionIds, embargoMs: partner.embargoMinutes * 60_000 };
}

/**
 * A short fingerprint of the terms that decide what the partner sees and how (content,
 * sections, embargo, images, attribution); not its name, origins or rate limit. Change-stream
 * cursors carry it: a cursor from other terms no longer marks a place in this stream.
 */
export function termsFingerprint(partner: Partner): string {
  const terms = JSON.stringify([partner.content, [...partner.sectionIds].sort(), partner.embargoMinutes, partner.includeImages, partner.attributionText]);
  let h = 0x811c9dc5; // FNV-1a
  for (let i = 0; i < terms.length; i++) h = Math.imul(h ^ terms.charCodeAt(i), 0x01000193) >>> 0;
  return h.toString(36);
}

/** True when the partner may see `article` at `now`: published, in its sections, embargo over. */
export function isInView(partner: Partner, article: ArticleRecord, now: Date): boolean {
  if (article.status !== 'published' || !article.publishedAt) return false;
  if (partner.sectionIds.length && !partner.sectionIds.includes(article.sectionId)) return false;
  return article.publishedAt.getTime() + partner.embargoMinutes * 60_000 <= now.getTime();
}

/** The canonical URL with `utm_source=<partner slug>&utm_medium=syndication`; a URL that does not parse is left as it is. */
export function syndicationUrl(canonicalUrl: string, partnerSlug: string): string {
  try {
    const url = new URL(canonicalUrl);
    url.searchParams.set('utm_source', partnerSlug);
    url.searchParams.set('utm_medium', 'syndication');
    return url.href;
  } catch {
    return canonicalUrl;
  }
}

/** The attribution line every item ends with: the lead text, then the site's name linking to the article. */
export function attributionHtml(config: Pick<Config, 'SITE_NAME'>, partner: Partner, url: string): string {
  const lead = partner.attributionText ?? DEFAULT_ATTRIBUTION;
  return `<hr><p dir="rtl" lang="ar">${escapeHtml(lead)} <a href="${escapeHtml(url)}">${escapeHtml(config.SITE_NAME)}</a></p>`;
}

/**
 * Article HTML without images. The HTML was sanitized on the way in, which writes every
 * attribute value quoted with `<` and `>` escaped, so an `<img …>` tag ends at the first `>`.
 */
export function withoutImages(html: string): string {
  return html.replace(/<img\b[^>]*>/gi, '');
}

/**
 * The article as the partner may have it: the summary (escaped, as HTML) instead of the text
 * for summary-only partners, no images when the terms say so, the attribution line appended,
 * and the canonical URL carrying the partner's UTM parameters.
 */
export function applyTerms(config: Pick<Config, 'SITE_NAME'>, partner: Partner, article: ArticleRecord): ArticleRecord {
  const url = syndicationUrl(article.canonicalUrl, partner.slug);
  const body = partner.content === 'summary' ? (article.summary ? `<p>${escapeHtml(article.summary)}</p>` : '') : article.contentHtml;
  const html = partner.includeImages ? body : withoutImages(body);
  const images = partner.includeImages ? {} : { imageUrl: null, imageType: null, imageLength: null, imageAlt: null };
  return { ...article, ...images, canonicalUrl: url, contentHtml: html + attributionHtml(config, partner, url) };
}
