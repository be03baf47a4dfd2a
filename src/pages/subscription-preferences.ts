/**
 * The preference centre, behind the signed link in every email: frequency and the weekly
 * digest's day, sections, authors, time zone, hour and language, saved with a status message;
 * and the way out.
 */
import type { SubscriberRow } from '../storage/schema.js';
import type { Term } from '../storage/taxonomy.js';
import { esc } from './layout.js';
import { localePath, strings, type Locale } from './i18n.js';
import { errorSummary, frequencyFieldset, hourField, languageFieldset, timezoneField, topicsFieldset, weekdayField } from './subscription-fields.js';
import type { ChoiceFields, FieldErrors } from './subscription-form.js';
import { buttonForm, link, localePage } from './subscription-shell.js';

export type PreferencesView = {
  locale: Locale;
  siteName: string;
  /** The preferences token of the link, for the form's action. */
  token: string;
  /** An unsubscribe token, for the way out (and the way back in, when unsubscribed). */
  unsubscribeToken: string;
  status: SubscriberRow['status'];
  /** Sections and authors to offer: those with published articles and those already chosen. */
  sections: Term[];
  authors: Term[];
  fields: ChoiceFields;
  errors: FieldErrors;
  saved: boolean;
};

export function preferencesPage(v: PreferencesView): string {
  const t = strings(v.locale);
  const { fields, errors } = v;
  const unsubscribed = v.status === 'unsubscribed';
  const notice = unsubscribed
    ? `<p class="status">${esc(t.unsubscribedNotice)}</p>${buttonForm(localePath('/resubscribe', v.locale, { token: v.unsubscribeToken }), t.undoButton, 'secondary')}`
    : '';
  const wayOut = unsubscribed ? '' : `<p class="muted">${esc(t.unsubscribeHint)} ${link(localePath('/unsubscribe', v.locale, { token: v.unsubscribeToken }), t.unsubscribeLink)}</p>`;
  const body = `<div class="card"><h1>${esc(t.preferencesTitle)}</h1>
${v.saved ? `<p class="status" role="status">${esc(t.preferencesSaved)}</p>` : ''}
${notice}
<p>${esc(t.preferencesIntro)}</p>
${errorSummary(t, errors)}
<form method="post" action="${esc(localePath('/preferences', v.locale, { token: v.token }))}">
${frequencyFieldset(t, fields.frequency, errors)}
${weekdayField(t, fields.preferredWeekday, errors)}
${v.sections.length + v.authors.length > 0 ? `<p id="topics-all">${esc(t.topicsNoneMeansAll)}</p>` : ''}
${topicsFieldset(t, 'sections', v.sections, fields.sections, errors)}
${topicsFieldset(t, 'authors', v.authors, fields.authors, errors)}
${timezoneField(t, v.locale, fields.timezone, errors, false)}
${hourField(t, fields.preferredHour, errors)}
${languageFieldset(t, fields.locale, errors)}
<button type="submit">${esc(t.saveButton)}</button>
</form>
${wayOut}</div>`;
  return localePage(v.locale, { title: t.preferencesTitle, siteName: v.siteName, body });
}
