/** The double opt-in message: the only email sent before an address is confirmed. */
import { FREQUENCY_ADJECTIVE } from '../locale.js';
import { escapeHtml } from '../text/html.js';
import { confirmHtml, confirmText } from './compiled/templates.js';
import { compileTemplate, noEscape } from './template.js';

const html = compileTemplate(confirmHtml, escapeHtml);
const text = compileTemplate(confirmText, noEscape);

export type ConfirmationData = {
  siteName: string;
  name: string | null;
  frequency: 'daily' | 'weekly';
  confirmUrl: string;
  validHours: number;
};

export function renderConfirmation(d: ConfirmationData) {
  const subject = `أكّد اشتراكك في ${d.siteName}`;
  const data = { ...d, subject, frequencyLabel: FREQUENCY_ADJECTIVE[d.frequency] };
  return { subject, html: html(data), text: text(data) };
}
