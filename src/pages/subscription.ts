/**
 * Pages of signing up: the form, "check your inbox", the confirm button behind the emailed
 * link, and confirmed. Arabic by default, English with `?lang=en`; no page needs JavaScript.
 */
import type { Term } from '../storage/taxonomy.js';
import { esc } from './layout.js';
import { localePath, strings, type Locale } from './i18n.js';
import { describe, errorSummary, fieldError, frequencyFieldset, hourField, timezoneField, topicsFieldset, weekdayField } from './subscription-fields.js';
import type { FieldErrors, SignupFields } from './subscription-form.js';
import { buttonForm, link, localePage, messageCard } from './subscription-shell.js';

export type SubscribeView = {
  locale: Locale;
  siteName: string;
  /** Sections and authors that have published articles. */
  sections: Term[];
  authors: Term[];
  fields: SignupFields;
  errors: FieldErrors;
  /** Pick the browser's time zone with a small script (a fresh form, not one coming back). */
  detectTimeZone: boolean;
  /** With a Turnstile site key, the form carries the widget (and loads its script). */
  turnstileSiteKey?: string | undefined;
};

const TURNSTILE_SCRIPT = '<script src="https://challenges.cloudflare.com/turnstile/v0/api.js" async defer></script>';

export function subscribePage(v: SubscribeView): string {
  const t = strings(v.locale);
  const other: Locale = v.locale === 'ar' ? 'en' : 'ar';
  const { fields, errors } = v;
  const turnstile = v.turnstileSiteKey
    ? `<div class="cf-turnstile" data-sitekey="${esc(v.turnstileSiteKey)}" data-language="${v.locale}"></div>`
    : '';
  const body = `<div class="card">
<p class="lang-switch"><a href="${esc(localePath('/subscribe', other))}" hreflang="${other}" lang="${other}">${esc(t.otherLanguage)}</a></p>
<h1>${esc(t.subscribeHeading(v.siteName))}</h1>
<p>${esc(t.subscribeIntro)}</p>
${errorSummary(t, errors)}
<form method="post" action="${esc(localePath('/subscribe', v.locale))}">
<label for="email">${esc(t.emailLabel)}</label>${fieldError(t, errors, 'email')}
<input id="email" name="email" type="email" required maxlength="254" autocomplete="email" dir="ltr" value="${esc(fields.email)}"${describe(errors, 'email')}>
<label for="name">${esc(t.nameLabel)}</label>${fieldError(t, errors, 'name')}
<input id="name" name="name" type="text" maxlength="100" autocomplete="name" value="${esc(fields.name)}"${describe(errors, 'name')}>
${frequencyFieldset(t, fields.frequency, errors)}
${weekdayField(t, fields.preferredWeekday, errors)}
${topicsFieldset(t, 'sections', v.sections, fields.sections, errors)}
${topicsFieldset(t, 'authors', v.authors, fields.authors, errors)}
${timezoneField(t, v.locale, fields.timezone, errors, v.detectTimeZone)}
${hourField(t, fields.preferredHour, errors)}
<div class="hp" aria-hidden="true"><label for="website">${esc(t.honeypotLabel)}</label><input id="website" name="website" type="text" tabindex="-1" autocomplete="off"></div>
${turnstile}
<button type="submit">${esc(t.subscribeButton)}</button>
<p class="muted">${esc(t.subscribeNote)}</p>
</form></div>`;
  return localePage(v.locale, { title: t.subscribeTitle, siteName: v.siteName, body, head: v.turnstileSiteKey ? TURNSTILE_SCRIPT : '' });
}

/** The answer to every sign-up, whatever the address's state. */
export function checkInboxPage(siteName: string, locale: Locale): string {
  const t = strings(locale);
  return localePage(locale, { title: t.checkInboxTitle, siteName, body: messageCard(t.checkInboxTitle, t.checkInboxText) });
}

/** Behind the emailed link: a button, since mail scanners fetch links (a GET never confirms). */
export function confirmPage(siteName: string, locale: Locale, token: string): string {
  const t = strings(locale);
  const form = buttonForm(localePath('/confirm', locale, { token }), t.confirmButton);
  return localePage(locale, { title: t.confirmTitle, siteName, body: messageCard(t.confirmTitle, [t.confirmText(siteName)], form) });
}

/** After the button, or the same link again (`already`): either way a way to the preference centre. */
export function confirmedPage(siteName: string, locale: Locale, preferencesToken: string, already: boolean): string {
  const t = strings(locale);
  const title = already ? t.alreadyConfirmedTitle : t.confirmedTitle;
  const prefs = `<p>${link(localePath('/preferences', locale, { token: preferencesToken }), t.preferencesLink)}</p>`;
  return localePage(locale, { title, siteName, body: messageCard(title, [already ? t.alreadyConfirmedText : t.confirmedText], prefs) });
}
