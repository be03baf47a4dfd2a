/**
 * The subscribers API for partner sites' forms and preference pages: `/api/subscribers`. Same
 * rules as the sign-up page (guards, double opt-in, one answer whatever the address's state),
 * JSON in and out, CORS for the origins in CORS_ORIGINS.
 */
import type { Context } from 'hono';
import { z } from 'zod';
import type { App, AppEnv } from '../app.js';
import { SLUG_PATTERN } from '../articles/slug.js';
import { limitBody, readJson } from '../http/body.js';
import { clientIp } from '../http/client-ip.js';
import { partnerCors } from '../http/cors.js';
import { guardTokens } from '../http/rate-limit.js';
import type { Db } from '../storage/db.js';
import { termsByIds } from '../storage/taxonomy.js';
import { checkSignupAllowed } from '../subscribers/abuse.js';
import { canonicalTimeZone, MAX_TOPICS } from '../subscribers/choices.js';
import { readPreferences, savePreferences, type Preferences } from '../subscribers/preferences.js';
import { signUp } from '../subscribers/signup.js';
import { unsubscribe } from '../subscribers/unsubscribe.js';
import { parseOrThrow } from '../validation.js';

// C0 controls, DEL, NEL and the Unicode line and paragraph separators.
const noControl = (s: string) => !/[\u0000-\u001f\u007f\u0085\u2028\u2029]/.test(s);
const slugs = z.array(z.string().max(120).regex(SLUG_PATTERN, 'must be a slug')).max(MAX_TOPICS);
const WEEKDAY = 'must be an ISO weekday: a whole number from 1 (Monday) to 7 (Sunday)';

/** A subscriber's choices: what the sign-up may set and the preference centre may change. */
const choiceFields = z.strictObject({
  frequency: z.enum(['daily', 'weekly']).optional(),
  sections: slugs.optional(),
  authors: slugs.optional(),
  timezone: z.string().refine((tz) => canonicalTimeZone(tz) !== undefined, 'must be an IANA time zone such as Africa/Casablanca').optional(),
  preferredHour: z.number().int().min(0).max(23).optional(),
  /** The weekly digest's day; daily readers keep one too, for when they switch. */
  preferredWeekday: z.number({ error: WEEKDAY }).int(WEEKDAY).min(1, WEEKDAY).max(7, WEEKDAY).optional(),
  locale: z.enum(['ar', 'en']).optional(),
});

/** Unknown fields are refused: a typo in a partner's form should fail loudly, not be dropped. */
const signupBodySchema = choiceFields.extend({
  name: z.string().trim().max(100).refine(noControl, 'must be one line of text').optional(),
  // Any CR, LF or NUL is refused again by normalizeEmail; the length is RFC 5321's path limit.
  email: z.string().max(254).refine((s) => !/[\r\n\0]/.test(s), 'must be one line'),
  frequency: z.enum(['daily', 'weekly']).default('daily'),
  turnstileToken: z.string().max(4096).optional(),
});

const tokenOf = (c: Context<AppEnv>) => c.req.query('token') ?? '';

/** One answer for every accepted sign-up, so the API never tells who is subscribed. */
const PENDING = { status: 'pending', message: 'Check your inbox to confirm the subscription' } as const;

export function registerSubscriberApiRoutes(app: App): void {
  app.use('/api/subscribers/*', partnerCors, limitBody); // the pattern covers /api/subscribers too
  app.use('/api/subscribers/preferences', guardTokens);
  app.use('/api/subscribers/unsubscribe', guardTokens);

  app.post('/api/subscribers', async (c) => {
    const deps = c.get('deps');
    const { turnstileToken, ...choices } = parseOrThrow(signupBodySchema, await readJson(c));
    const ip = clientIp(c);
    await checkSignupAllowed(deps, { ip, email: choices.email, turnstileToken });
    await signUp(deps, { ...choices, source: 'api', ip, userAgent: c.req.header('user-agent') ?? null });
    return c.json(PENDING, 202);
  });

  app.get('/api/subscribers/preferences', async (c) => {
    const deps = c.get('deps');
    return c.json(await preferencesJson(deps.db, await readPreferences(deps, tokenOf(c))));
  });

  // Fields left out keep their current values.
  app.put('/api/subscribers/preferences', async (c) => {
    const deps = c.get('deps');
    const changes = parseOrThrow(choiceFields, await readJson(c));
    const current = await preferencesJson(deps.db, await readPreferences(deps, tokenOf(c)));
    const { frequency, sections, authors, timezone, preferredHour, preferredWeekday, locale } = { ...current, ...changes };
    const saved = await savePreferences(deps, tokenOf(c), { frequency, sections, authors, timezone, preferredHour, preferredWeekday, locale });
    return c.json(await preferencesJson(deps.db, saved));
  });

  // Token-bound, so a cross-site form cannot forge it; answers 200 like the page.
  app.post('/api/subscribers/unsubscribe', async (c) => {
    await unsubscribe(c.get('deps'), tokenOf(c));
    return c.json({ status: 'unsubscribed' });
  });
}

/** What a preference token may read: the subscriber's own choices (topics by slug), nothing about others. */
async function preferencesJson(db: Db, { subscriber: s, topics }: Preferences) {
  const [sections, authors] = await Promise.all([termsByIds(db, 'section', topics.sections), termsByIds(db, 'author', topics.authors)]);
  return {
    email: s.email,
    name: s.name,
    status: s.status,
    frequency: s.frequency,
    sections: sections.map((t) => t.slug).sort(),
    authors: authors.map((t) => t.slug).sort(),
    timezone: s.timezone,
    preferredHour: s.preferredHour,
    preferredWeekday: s.preferredWeekday,
    locale: s.locale,
  };
}
