/**
 * Sign-up (the page, and JSON on the same path) and confirmation; the preference centre and
 * unsubscribing are in subscriber-links.ts. Every path renders its error pages in the page's
 * locale.
 */
import type { Context } from 'hono';
import { z } from 'zod';
import type { App, AppEnv } from '../app.js';
import type { Deps } from '../deps.js';
import { clientIp } from '../http/client-ip.js';
import { limitBody, readJson } from '../http/body.js';
import type { Locale } from '../pages/i18n.js';
import { checkInboxPage, confirmedPage, confirmPage, subscribePage } from '../pages/subscription.js';
import { readSignupFields, type FieldErrors, type SignupFields } from '../pages/subscription-form.js';
import { checkSignupAllowed } from '../subscribers/abuse.js';
import { topicsOnOffer } from '../subscribers/choices.js';
import { confirmSubscription, readConfirmToken } from '../subscribers/confirm.js';
import { linkTokensFor } from '../subscribers/preferences.js';
import { signUp } from '../subscribers/signup.js';
import { parseOrThrow } from '../validation.js';
import { registerSubscriberLinkRoutes } from './subscriber-links.js';
import { localizedErrors, pageLocale, privatePage, readFormBody, tokenOf } from './subscription-context.js';

const slugs = z.array(z.string().max(200)).max(100).optional();
const jsonSignupSchema = z.object({
  email: z.string().max(320),
  name: z.string().max(100).optional(),
  frequency: z.enum(['daily', 'weekly']).default('daily'),
  sections: slugs,
  authors: slugs,
  timezone: z.string().max(64).optional(),
  preferredHour: z.number().int().min(0).max(23).optional(),
  preferredWeekday: z.number().int().min(1).max(7).optional(),
  locale: z.enum(['ar', 'en']).optional(),
  turnstileToken: z.string().max(4096).optional(),
  website: z.string().optional(), // honeypot: people never see it, bots fill it in
});

const isJson = (c: Context<AppEnv>) => (c.req.header('content-type') ?? '').includes('application/json');

const blankForm = (deps: Deps, locale: Locale): SignupFields => ({
  email: '', name: '', frequency: 'daily', preferredWeekday: String(deps.config.DIGEST_WEEKDAY), sections: [], authors: [],
  timezone: deps.config.DIGEST_TIMEZONE, preferredHour: String(deps.config.DIGEST_HOUR), locale,
});

async function signupPage(deps: Deps, locale: Locale, fields: SignupFields, errors: FieldErrors): Promise<string> {
  const { sections, authors } = await topicsOnOffer(deps.db);
  const fresh = Object.keys(errors).length === 0;
  return subscribePage({
    locale, siteName: deps.config.SITE_NAME, sections, authors, fields, errors,
    detectTimeZone: fresh, turnstileSiteKey: deps.config.TURNSTILE_SITE_KEY,
  });
}

export function registerSubscriptionRoutes(app: App): void {
  for (const path of ['/subscribe', '/confirm', '/preferences', '/unsubscribe', '/resubscribe']) {
    app.use(path, localizedErrors);
    app.use(path, limitBody);
  }
  for (const path of ['/confirm', '/preferences', '/unsubscribe', '/resubscribe']) app.use(path, privatePage);

  app.get('/subscribe', async (c) => {
    const deps = c.get('deps');
    const locale = pageLocale(c);
    return c.html(await signupPage(deps, locale, blankForm(deps, locale), {}));
  });

  // The same answer whatever the address's state: no enumeration.
  app.post('/subscribe', async (c) => {
    const deps = c.get('deps');
    const ip = clientIp(c);
    const userAgent = c.req.header('user-agent') ?? null;
    if (isJson(c)) {
      const { turnstileToken, website, ...req } = parseOrThrow(jsonSignupSchema, await readJson(c));
      await checkSignupAllowed(deps, { ip, email: req.email, turnstileToken });
      if (!website) await signUp(deps, { ...req, locale: req.locale ?? pageLocale(c), source: 'api', ip, userAgent });
      return c.json({ status: 'pending', message: 'Check your inbox to confirm the subscription' }, 202);
    }
    const locale = pageLocale(c);
    const body = await readFormBody(c);
    const offer = await topicsOnOffer(deps.db);
    const offered = { sections: new Set(offer.sections.map((t) => t.slug)), authors: new Set(offer.authors.map((t) => t.slug)) };
    const form = readSignupFields(body, offered, blankForm(deps, locale));
    if (!form.valid) return c.html(await signupPage(deps, locale, form.fields, form.errors), 400);
    await checkSignupAllowed(deps, { ip, email: form.valid.email, turnstileToken: body['cf-turnstile-response']?.[0] });
    if (!body.website?.[0]) await signUp(deps, { ...form.valid, source: 'page', ip, userAgent });
    return c.html(checkInboxPage(deps.config.SITE_NAME, locale));
  });

  // Link scanners fetch every link in a message: a GET shows the button, only the POST confirms.
  app.get('/confirm', async (c) => {
    const deps = c.get('deps');
    const { subscriber, alreadyConfirmed } = await readConfirmToken(deps, tokenOf(c));
    const locale = pageLocale(c, subscriber.locale);
    if (!alreadyConfirmed) return c.html(confirmPage(deps.config.SITE_NAME, locale, tokenOf(c)));
    return c.html(confirmedPage(deps.config.SITE_NAME, locale, (await linkTokensFor(deps, subscriber.id)).preferences, true));
  });

  app.post('/confirm', async (c) => {
    const deps = c.get('deps');
    const { subscriber, alreadyConfirmed } = await confirmSubscription(deps, tokenOf(c));
    const locale = pageLocale(c, subscriber.locale);
    return c.html(confirmedPage(deps.config.SITE_NAME, locale, (await linkTokensFor(deps, subscriber.id)).preferences, alreadyConfirmed));
  });

  registerSubscriberLinkRoutes(app);
}
