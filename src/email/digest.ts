/**
 * Digest rendering in two stages: the article block is rendered once per edition content (and
 * reader language: Arabic, or English around the Arabic pieces); each recipient then costs only
 * filling in their own slots (name, links).
 */
import { FREQUENCY_LABEL } from '../locale.js';
import { escapeHtml } from '../text/html.js';
import { joinParts, type BodyParts } from './mailer.js';
import { digestEnHtml, digestEnText, digestHtml, digestText } from './compiled/templates.js';
import { compileSlots, compileTemplate, guardSlots, noEscape, type Slots } from './template.js';

export type DigestLocale = 'ar' | 'en';

const TEMPLATES = {
  ar: {
    html: compileTemplate(digestHtml, guardSlots(escapeHtml)),
    text: compileTemplate(digestText, guardSlots(noEscape)),
    greeting: (name: string | null) => (name ? `صباح الخير يا ${name}، إليك أحدث مقالات الرأي.` : 'صباح الخير، إليك أحدث مقالات الرأي.'),
    frequency: FREQUENCY_LABEL,
  },
  en: {
    html: compileTemplate(digestEnHtml, guardSlots(escapeHtml)),
    text: compileTemplate(digestEnText, guardSlots(noEscape)),
    greeting: (name: string | null) => (name ? `Good morning, ${name}. Here are the latest opinion pieces.` : 'Good morning. Here are the latest opinion pieces.'),
    frequency: { daily: 'daily', weekly: 'weekly' },
  },
} as const;

export type DigestArticle = {
  title: string;
  link: string;
  author: string;
  section: string;
  excerpt: string;
  dateLabel: string;
  image: { url: string; alt: string } | null;
};

export type DigestContent = {
  siteName: string;
  subject: string;
  preheader: string;
  dateLabel: string;
  /** The edition's public web version ("view in browser"). */
  archiveUrl: string;
  /** What this edition's readers follow; empty when they take every section and author. */
  followingLabel: string;
  articles: DigestArticle[];
};

export type DigestRecipient = {
  email: string;
  name: string | null;
  frequency: 'daily' | 'weekly';
  preferencesUrl: string;
  unsubscribeUrl: string;
};

export type RenderedDigest = { subject: string; locale: DigestLocale; html: Slots; text: Slots };

/** Stage one: the edition's content through the compiled template of `locale` (Arabic by default). */
export function renderDigestContent(content: DigestContent, locale: DigestLocale = 'ar'): RenderedDigest {
  const t = TEMPLATES[locale];
  return {
    subject: content.subject,
    locale,
    html: compileSlots(t.html(content), escapeHtml),
    text: compileSlots(t.text(content), noEscape),
  };
}

/**
 * Stage two: one recipient's own values in the slots. `parts` are the same bodies as the
 * edition's fixed text and this reader's values, for an encoder that reuses the fixed text's
 * bytes; `html` and `text` are their joins.
 */
export function renderDigestFor(digest: RenderedDigest, r: DigestRecipient): { html: string; text: string; parts: { html: BodyParts; text: BodyParts } } {
  const t = TEMPLATES[digest.locale];
  const slots = {
    greeting: t.greeting(r.name),
    frequencyLabel: t.frequency[r.frequency],
    email: r.email,
    preferencesUrl: r.preferencesUrl,
    unsubscribeUrl: r.unsubscribeUrl,
  };
  const parts = { html: digest.html(slots), text: digest.text(slots) };
  return { html: joinParts(parts.html), text: joinParts(parts.text), parts };
}
