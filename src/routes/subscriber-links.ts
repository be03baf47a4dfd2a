/**
 * The signed links in every email: the preference centre, unsubscribe (RFC 8058 one-click) and
 * its undo. The token is the only credential: no cookies, no login.
 */
import type { App } from '../app.js';
import type { Deps } from '../deps.js';
import type { Locale } from '../pages/i18n.js';
import { readChoiceFields, type ChoiceFields, type FieldErrors } from '../pages/subscription-form.js';
import { preferencesPage } from '../pages/subscription-preferences.js';
import { resubscribedPage, resubscribeRefusedPage, unsubscribedPage, unsubscribeFormPage } from '../pages/subscription-unsubscribe.js';
import { topicsOnOffer, type TopicsOnOffer } from '../subscribers/choices.js';
import { linkTokensFor, readPreferences, savePreferences, type Preferences } from '../subscribers/preferences.js';
import { readUnsubscribeToken, resubscribe, unsubscribe } from '../subscribers/unsubscribe.js';
import { pageLocale, readFormBody, tokenOf } from './subscription-context.js';

/** The form's fields for what a subscriber has chosen (topics by slug, from what is offered). */
function currentFields({ subscriber: s, topics }: Preferences, offer: TopicsOnOffer): ChoiceFields {
  const slugsOf = (terms: TopicsOnOffer['sections'], ids: string[]) => terms.filter((t) => ids.includes(t.id)).map((t) => t.slug);
  return {
    frequency: s.frequency, preferredWeekday: String(s.preferredWeekday),
    sections: slugsOf(offer.sections, topics.sections), authors: slugsOf(offer.authors, topics.authors),
    timezone: s.timezone, preferredHour: String(s.preferredHour), locale: s.locale,
  };
}

type PageState = { locale: Locale; fields: ChoiceFields; errors: FieldErrors; saved: boolean };

async function renderPreferences(deps: Deps, token: string, prefs: Preferences, offer: TopicsOnOffer, state: PageState): Promise<string> {
  const { unsubscribe: unsubscribeToken } = await linkTokensFor(deps, prefs.subscriber.id);
  return preferencesPage({
    ...state, siteName: deps.config.SITE_NAME, token, unsubscribeToken, status: prefs.subscriber.status,
    sections: offer.sections, authors: offer.authors,
  });
}

export function registerSubscriberLinkRoutes(app: App): void {
  app.get('/preferences', async (c) => {
    const deps = c.get('deps');
    const prefs = await readPreferences(deps, tokenOf(c));
    const offer = await topicsOnOffer(deps.db, prefs.topics);
    const state = { locale: pageLocale(c, prefs.subscriber.locale), fields: currentFields(prefs, offer), errors: {}, saved: false };
    return c.html(await renderPreferences(deps, tokenOf(c), prefs, offer, state));
  });

  app.post('/preferences', async (c) => {
    const deps = c.get('deps');
    const prefs = await readPreferences(deps, tokenOf(c));
    const offer = await topicsOnOffer(deps.db, prefs.topics);
    const offered = { sections: new Set(offer.sections.map((t) => t.slug)), authors: new Set(offer.authors.map((t) => t.slug)) };
    const form = readChoiceFields(await readFormBody(c), offered, currentFields(prefs, offer));
    if (!form.valid) {
      const state = { locale: pageLocale(c, prefs.subscriber.locale), fields: form.fields, errors: form.errors, saved: false };
      return c.html(await renderPreferences(deps, tokenOf(c), prefs, offer, state), 400);
    }
    const saved = await savePreferences(deps, tokenOf(c), form.valid);
    // The page answers in the language just chosen.
    const state = { locale: saved.subscriber.locale, fields: currentFields(saved, offer), errors: {}, saved: true };
    return c.html(await renderPreferences(deps, tokenOf(c), saved, offer, state));
  });

  // A GET never unsubscribes (mail scanners follow links): it shows the button.
  app.get('/unsubscribe', async (c) => {
    const deps = c.get('deps');
    const s = await readUnsubscribeToken(deps, tokenOf(c));
    const locale = pageLocale(c, s.locale);
    if (s.status === 'unsubscribed' || s.erasedAt) return c.html(unsubscribedPage(deps.config.SITE_NAME, locale, tokenOf(c)));
    return c.html(unsubscribeFormPage(deps.config.SITE_NAME, locale, tokenOf(c), (await linkTokensFor(deps, s.id)).preferences));
  });

  // RFC 8058 one-click: a POST (body "List-Unsubscribe=One-Click", never read) with no cookies
  // unsubscribes at once and answers 200, not a redirect.
  app.post('/unsubscribe', async (c) => {
    const deps = c.get('deps');
    const s = await unsubscribe(deps, tokenOf(c));
    return c.html(unsubscribedPage(deps.config.SITE_NAME, pageLocale(c, s.locale), tokenOf(c)), 200);
  });

  // Undo, with the unsubscribe token itself: it proves the mailbox, so no new confirmation.
  app.post('/resubscribe', async (c) => {
    const deps = c.get('deps');
    const { restored, subscriber } = await resubscribe(deps, tokenOf(c));
    const locale = pageLocale(c, subscriber.locale);
    if (!restored) return c.html(resubscribeRefusedPage(deps.config.SITE_NAME, locale), 409);
    return c.html(resubscribedPage(deps.config.SITE_NAME, locale, (await linkTokensFor(deps, subscriber.id)).preferences));
  });
}
