/**
 * The double opt-in message: the only email sent before an address is confirmed, in the
 * reader's language (templates/confirm.mjml in Arabic, confirm.en.mjml in English).
 */
import { FREQUENCY_ADJECTIVE } from '../locale.js';
import { escapeHtml } from '../text/html.js';
import { confirmEnHtml, confirmEnText, confirmHtml, confirmText } from './compiled/templates.js';
import { compileTemplate, noEscape } from './template.js';

const TEMPLATES = {
  ar: {
    html: compileTemplate(confirmHtml, escapeHtml),
    text: compileTemplate(confirmText, noEscape),
    subject: (site: string) => `أكّد اشتراكك في ${site}`,
    frequency: FREQUENCY_ADJECTIVE,
  },
  en: {
    html: compileTemplate(confirmEnHtml, escapeHtml),
    text: compileTemplate(confirmEnText, noEscape),
    subject: (site: string) => `Confirm your subscription to ${site}`,
    frequency: { daily: 'daily', weekly: 'weekly' },
  },
} as const;

export type ConfirmationData = {
  siteName: string;
  name: string | null;
  frequency: 'daily' | 'weekly';
  confirmUrl: string;
  validHours: number;
  /** The reader's language; Arabic when absent. */
  locale?: 'ar' | 'en';
};

/** Subject, HTML and text of the confirmation email; sends nothing. */
export function renderConfirmation(d: ConfirmationData) {
  const t = TEMPLATES[d.locale ?? 'ar'];
  const subject = t.subject(d.siteName);
  const data = { ...d, subject, frequencyLabel: t.frequency[d.frequency] };
  return { subject, html: t.html(data), text: t.text(data) };
}
