/**
 * Digest rendering in two stages: the article block is rendered once per edition content;
 * each recipient then costs only filling in their own slots (name, links).
 */
import { FREQUENCY_LABEL } from '../locale.js';
import { escapeHtml } from '../text/html.js';
import { digestHtml, digestText } from './compiled/templates.js';
import { compileSlots, compileTemplate, guardSlots, noEscape, type Slots } from './template.js';

const html = compileTemplate(digestHtml, guardSlots(escapeHtml));
const text = compileTemplate(digestText, guardSlots(noEscape));

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
  articles: DigestArticle[];
};

export type DigestRecipient = {
  email: string;
  name: string | null;
  frequency: 'daily' | 'weekly';
  preferencesUrl: string;
  unsubscribeUrl: string;
};

export type RenderedDigest = { subject: string; html: Slots; text: Slots };

export function renderDigestContent(content: DigestContent): RenderedDigest {
  return {
    subject: content.subject,
    html: compileSlots(html(content), escapeHtml),
    text: compileSlots(text(content), noEscape),
  };
}

export function renderDigestFor(digest: RenderedDigest, r: DigestRecipient): { html: string; text: string } {
  const slots = {
    greeting: r.name ? `صباح الخير يا ${r.name}، إليك أحدث مقالات الرأي.` : 'صباح الخير، إليك أحدث مقالات الرأي.',
    frequencyLabel: FREQUENCY_LABEL[r.frequency],
    email: r.email,
    preferencesUrl: r.preferencesUrl,
    unsubscribeUrl: r.unsubscribeUrl,
  };
  return { html: digest.html(slots), text: digest.text(slots) };
}
