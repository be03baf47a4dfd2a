/**
 * What a reader chooses: how often, which sections and authors (by slug; none of a kind means
 * all of it), time zone, hour and language. Checked the same way for the sign-up page, the
 * preference centre and the JSON API.
 */
import { AppError } from '../errors.js';
import type { Db } from '../storage/db.js';
import { topicIdsBySlugs, type TopicIds } from '../storage/subscribers.js';
import { termsByIds, termsInUse, type Term } from '../storage/taxonomy.js';

export type Frequency = 'daily' | 'weekly';
export type SubscriberLocale = 'ar' | 'en';

/** At most this many sections, and as many authors, per reader. */
export const MAX_TOPICS = 100;

// An IANA name ("Africa/Casablanca", "UTC", "Etc/GMT+1"), not an offset such as "+01:00".
const ZONE_SHAPE = /^[A-Za-z][A-Za-z0-9_+-]*(?:\/[A-Za-z0-9_+-]+)*$/;

/** The canonical spelling of an IANA time zone, or undefined when `tz` is not one. */
export function canonicalTimeZone(tz: string): string | undefined {
  const value = tz.trim();
  if (value.length > 64 || !ZONE_SHAPE.test(value)) return undefined;
  try {
    return new Intl.DateTimeFormat('en', { timeZone: value }).resolvedOptions().timeZone;
  } catch {
    return undefined;
  }
}

export const isHour = (h: unknown): h is number => typeof h === 'number' && Number.isInteger(h) && h >= 0 && h <= 23;

const invalid = (path: string, message: string) => new AppError('invalid_request', message, { fields: [{ path, message }] });

/** `tz` canonicalised. Throws `invalid_request` (field `timezone`) when it is not an IANA zone. */
export function requireTimeZone(tz: string): string {
  const zone = canonicalTimeZone(tz);
  if (!zone) throw invalid('timezone', 'Use an IANA time zone such as Africa/Casablanca');
  return zone;
}

/** Throws `invalid_request` (field `preferredHour`) unless `h` is a whole hour 0–23. */
export function requireHour(h: unknown): number {
  if (!isHour(h)) throw invalid('preferredHour', 'Use a whole hour from 0 to 23');
  return h;
}

/** Throws `invalid_request` (field `preferredWeekday`) unless `d` is an ISO weekday 1 (Monday) … 7 (Sunday). */
export function requireWeekday(d: unknown): number {
  if (typeof d !== 'number' || !Number.isInteger(d) || d < 1 || d > 7) throw invalid('preferredWeekday', 'Use an ISO weekday from 1 (Monday) to 7 (Sunday)');
  return d;
}

/** Throws `invalid_request` (field `locale`) unless `locale` is `ar` or `en`. */
export function requireLocale(locale: unknown): SubscriberLocale {
  if (locale !== 'ar' && locale !== 'en') throw invalid('locale', 'Use ar or en');
  return locale;
}

/**
 * The term ids of the chosen section and author slugs. Throws `invalid_request` (field
 * `sections` or `authors`) for a slug no section or author has, or more than {@link MAX_TOPICS}.
 */
export async function resolveTopics(db: Db, slugs: { sections?: string[] | undefined; authors?: string[] | undefined }): Promise<TopicIds> {
  const resolve = async (kind: 'section' | 'author', path: 'sections' | 'authors', list: string[] = []) => {
    const unique = [...new Set(list.map((s) => s.trim()).filter(Boolean))];
    if (unique.length > MAX_TOPICS) throw invalid(path, `At most ${MAX_TOPICS} ${path}`);
    const ids = await topicIdsBySlugs(db, kind, unique);
    const unknown = unique.filter((slug) => !ids.has(slug));
    if (unknown.length) throw invalid(path, `Unknown ${kind}: ${unknown.slice(0, 3).join(', ')}`);
    return unique.map((slug) => ids.get(slug) as string);
  };
  return { sections: await resolve('section', 'sections', slugs.sections), authors: await resolve('author', 'authors', slugs.authors) };
}

export type TopicsOnOffer = { sections: Term[]; authors: Term[] };

/**
 * The sections and authors a form offers, by name: those with published articles, and those in
 * `chosen` (term ids) even if they have none now, so saving a form never drops a choice unseen.
 */
export async function topicsOnOffer(db: Db, chosen: TopicIds = { sections: [], authors: [] }): Promise<TopicsOnOffer> {
  const offer = async (kind: 'section' | 'author', ids: string[]) => {
    const terms = new Map((await termsInUse(db, kind)).map((t) => [t.id, t]));
    for (const t of await termsByIds(db, kind, ids.filter((id) => !terms.has(id)))) terms.set(t.id, t);
    return [...terms.values()].sort((a, b) => a.name.localeCompare(b.name, 'ar'));
  };
  return { sections: await offer('section', chosen.sections), authors: await offer('author', chosen.authors) };
}
