/** Sign-up, confirmation, preferences and one-click unsubscribe. */
import type { Context } from 'hono';
import { z } from 'zod';
import type { App, AppEnv } from '../app.js';
import { limitBody, readForm } from '../http/body.js';
import {
  checkInboxPage,
  confirmedPage,
  preferencesPage,
  subscribePage,
  unsubscribedPage,
  unsubscribeFormPage,
} from '../pages/subscription.js';
import { changeFrequency, confirmSubscription, signUp, subscriberForToken, unsubscribe } from '../subscribers/signup.js';
import { parseOrThrow } from '../validation.js';

const signupSchema = z.object({
  email: z.string().max(320),
  name: z.string().max(100).optional(),
  frequency: z.enum(['daily', 'weekly']).default('daily'),
  website: z.string().optional(), // honeypot: people never see it, bots fill it in
});

const frequencySchema = z.object({ frequency: z.enum(['daily', 'weekly']) });

const tokenOf = (c: Context<AppEnv>) => c.req.query('token') ?? '';
const clientIp = (c: Context<AppEnv>) =>
  c.req.header('cf-connecting-ip') ?? c.req.header('x-forwarded-for')?.split(',')[0]?.trim() ?? null;
const isJson = (c: Context<AppEnv>) => (c.req.header('content-type') ?? '').includes('application/json');

export function registerSubscriptionRoutes(app: App): void {
  app.use('/subscribe', limitBody);
  app.use('/unsubscribe', limitBody);
  app.use('/preferences', limitBody);

  app.get('/subscribe', (c) => c.html(subscribePage(c.get('deps').config.SITE_NAME)));

  app.post('/subscribe', async (c) => {
    const deps = c.get('deps');
    const json = isJson(c);
    const form = parseOrThrow(signupSchema, await readForm(c));
    if (!form.website) {
      await signUp(deps, {
        email: form.email, name: form.name, frequency: form.frequency, source: json ? 'api' : 'page',
        ip: clientIp(c), userAgent: c.req.header('user-agent') ?? null,
      });
    }
    // The same answer whatever the address's state: no enumeration.
    if (json) return c.json({ status: 'pending', message: 'Check your inbox to confirm the subscription' }, 202);
    return c.html(checkInboxPage(deps.config.SITE_NAME));
  });

  app.get('/confirm', async (c) => {
    await confirmSubscription(c.get('deps'), tokenOf(c));
    return c.html(confirmedPage(c.get('deps').config.SITE_NAME));
  });

  // A GET never unsubscribes: mail scanners follow links. It shows the button.
  app.get('/unsubscribe', async (c) => {
    await subscriberForToken(c.get('deps'), 'unsubscribe', tokenOf(c));
    return c.html(unsubscribeFormPage(c.get('deps').config.SITE_NAME, tokenOf(c)));
  });

  // RFC 8058 one-click: a POST with no cookies or auth unsubscribes at once and answers 200.
  app.post('/unsubscribe', async (c) => {
    await unsubscribe(c.get('deps'), tokenOf(c));
    return c.html(unsubscribedPage(c.get('deps').config.SITE_NAME), 200);
  });

  app.get('/preferences', async (c) => {
    const s = await subscriberForToken(c.get('deps'), 'preferences', tokenOf(c));
    return c.html(preferencesPage(c.get('deps').config.SITE_NAME, tokenOf(c), s.frequency, false));
  });

  app.post('/preferences', async (c) => {
    const { frequency } = parseOrThrow(frequencySchema, await readForm(c));
    await changeFrequency(c.get('deps'), tokenOf(c), frequency);
    return c.html(preferencesPage(c.get('deps').config.SITE_NAME, tokenOf(c), frequency, true));
  });
}
