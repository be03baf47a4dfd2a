/**
 * Pages of leaving: the button behind the unsubscribe link (a GET never unsubscribes), the
 * page after it with an undo button, and the answers to undo.
 */
import { esc } from './layout.js';
import { localePath, strings, type Locale } from './i18n.js';
import { buttonForm, link, localePage, messageCard } from './subscription-shell.js';

/** `preferencesToken`, when given, offers fewer emails instead of none. */
export function unsubscribeFormPage(siteName: string, locale: Locale, token: string, preferencesToken?: string): string {
  const t = strings(locale);
  const form = buttonForm(localePath('/unsubscribe', locale, { token }), t.unsubscribeButton);
  const fewer = preferencesToken ? `<p class="muted">${esc(t.fewerInstead)} ${link(localePath('/preferences', locale, { token: preferencesToken }), t.fewerInsteadLink)}</p>` : '';
  return localePage(locale, { title: t.unsubscribeTitle, siteName, body: messageCard(t.unsubscribeTitle, [t.unsubscribeQuestion(siteName)], form + fewer) });
}

/** After unsubscribing; the undo button POSTs the same unsubscribe token to /resubscribe. */
export function unsubscribedPage(siteName: string, locale: Locale, token: string): string {
  const t = strings(locale);
  const undo = `<p>${esc(t.undoQuestion)}</p>${buttonForm(localePath('/resubscribe', locale, { token }), t.undoButton, 'secondary')}`;
  return localePage(locale, { title: t.unsubscribedTitle, siteName, body: messageCard(t.unsubscribedTitle, [t.unsubscribedText], undo) });
}

export function resubscribedPage(siteName: string, locale: Locale, preferencesToken: string): string {
  const t = strings(locale);
  const prefs = `<p>${link(localePath('/preferences', locale, { token: preferencesToken }), t.preferencesLink)}</p>`;
  return localePage(locale, { title: t.resubscribedTitle, siteName, body: messageCard(t.resubscribedTitle, [t.resubscribedText], prefs) });
}

/** Undo refused: the address is suppressed or its data erased. */
export function resubscribeRefusedPage(siteName: string, locale: Locale): string {
  const t = strings(locale);
  return localePage(locale, { title: t.resubscribeRefusedTitle, siteName, body: messageCard(t.resubscribeRefusedTitle, [t.resubscribeRefusedText]) });
}
