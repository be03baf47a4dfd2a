/**
 * The partner API's articles: one article, and the change stream that lets a partner keep a
 * copy in step. The stream is ordered by (time, id): an article's time is the later of its last
 * edit and the end of its embargo; a tombstone's is when the article left the partner's view.
 * A cursor is the (time, id) of the last entry returned, and only entries at least `SETTLE_MS`
 * old are returned, so a write in flight with an earlier time can never land behind a cursor.
 * A cursor also carries the partner's terms: other terms order the stream differently (a
 * shorter embargo moves articles earlier), so a cursor from before a change of terms is
 * refused and the partner pulls again from the start.
 */
import type { Deps } from '../deps.js';
import { AppError } from '../errors.js';
import { getArticleById, getArticlesByIds, type ArticleRecord } from '../storage/articles.js';
import { articleChangesAfter } from '../storage/partner-articles.js';
import { tombstonesAfter, type StreamPosition } from '../storage/tombstones.js';
import type { ArticlePageJson, PartnerArticleJson, TombstoneJson } from './schemas.js';
import { applyTerms, isInView, termsFingerprint, viewTermsOf, type Partner } from './terms.js';

/** How old a change must be before the stream returns it: longer than any write takes. */
export const SETTLE_MS = 2_000;

type ChangeDeps = Pick<Deps, 'db' | 'config' | 'clock'>;

const CURSOR_PREFIX = 'c1:';
const CURSOR_ID = /^[0-9A-Za-z]{0,64}$/;

export function encodeCursor(terms: string, p: StreamPosition): string {
  return btoa(`${CURSOR_PREFIX}${terms}:${p.at}:${p.id}`).replace(/=+$/, '').replace(/\+/g, '-').replace(/\//g, '_');
}

/** The terms fingerprint and position. Throws `invalid_request` for anything {@link encodeCursor} did not make. */
export function decodeCursor(cursor: string): { terms: string; position: StreamPosition } {
  let raw = '';
  try {
    raw = atob(cursor.replace(/-/g, '+').replace(/_/g, '/'));
  } catch {
    // reported below
  }
  const [terms, at, id, ...rest] = raw.startsWith(CURSOR_PREFIX) ? raw.slice(CURSOR_PREFIX.length).split(':') : [];
  if (!terms || at === undefined || id === undefined || rest.length || !/^-?\d{1,16}$/.test(at) || !CURSOR_ID.test(id)) throw new AppError('invalid_request', 'Invalid cursor');
  return { terms, position: { at: Number(at), id } };
}

/** Where a pull starts. Throws `invalid_request` (bad cursor) and `gone` (a cursor from before a change of terms). */
function startOf(terms: string, q: { since?: string; cursor?: string }): StreamPosition {
  if (!q.cursor) return { at: q.since ? Date.parse(q.since) : Number.MIN_SAFE_INTEGER, id: '' };
  const cursor = decodeCursor(q.cursor);
  if (cursor.terms !== terms) throw new AppError('gone', 'Your terms changed after this cursor was issued: pull again from the start, without a cursor, and drop what that pull does not return');
  return cursor.position;
}

const arrivalOf = (partner: Partner, a: ArticleRecord) => Math.max(a.updatedAt.getTime(), (a.publishedAt?.getTime() ?? 0) + partner.embargoMinutes * 60_000);

/** The article as the partner API shows it, terms applied. */
function articleJson(deps: ChangeDeps, partner: Partner, record: ArticleRecord): PartnerArticleJson {
  const a = applyTerms(deps.config, partner, record);
  const term = (t: { slug: string; name: string }) => ({ slug: t.slug, name: t.name });
  return {
    id: a.id,
    deleted: false,
    title: a.title,
    summary: a.summary,
    contentHtml: a.contentHtml,
    canonicalUrl: a.canonicalUrl,
    language: 'ar',
    section: term(a.section),
    author: term(a.author),
    tags: a.tags.map(term),
    image: a.imageUrl ? { url: a.imageUrl, type: a.imageType, length: a.imageLength, alt: a.imageAlt ?? '' } : null,
    publishedAt: (a.publishedAt ?? a.updatedAt).toISOString(),
    updatedAt: a.updatedAt.toISOString(),
    changedAt: new Date(arrivalOf(partner, record)).toISOString(),
  };
}

/** One article the partner may see now. Throws `not_found` for any other (unknown, draft, other section, embargoed). */
export async function getPartnerArticle(deps: ChangeDeps, partner: Partner, id: string): Promise<PartnerArticleJson> {
  const record = await getArticleById(deps.db, id);
  if (!record || !isInView(partner, record, deps.clock.now())) throw new AppError('not_found', `No article with id "${id}"`);
  return articleJson(deps, partner, record);
}

type Entry = { at: number; id: string; tombstone: boolean };
const byPosition = (a: Entry, b: Entry) => a.at - b.at || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

/**
 * The partner's changes after `cursor` (or from `since`, inclusive; or from the start), oldest
 * first, at most `limit`. `nextCursor` is where the next page, or the next pull, begins.
 * Throws `invalid_request` for a cursor it did not issue, `gone` for one from other terms.
 */
export async function listChanges(deps: ChangeDeps, partner: Partner, q: { since?: string; cursor?: string; limit: number }): Promise<ArticlePageJson> {
  const fingerprint = termsFingerprint(partner);
  const from = startOf(fingerprint, q);
  const now = deps.clock.now();
  const horizon = now.getTime() - SETTLE_MS;
  const terms = viewTermsOf(partner);
  const [articles, tombstones] = await Promise.all([
    articleChangesAfter(deps.db, terms, from, horizon, q.limit + 1),
    tombstonesAfter(deps.db, terms, from, horizon, q.limit + 1),
  ]);
  const entries: Entry[] = [
    ...articles.map((a) => ({ at: a.changedAt, id: a.id, tombstone: false })),
    ...tombstones.map((t) => ({ at: t.deletedAt, id: t.id, tombstone: true })),
  ].sort(byPosition);
  const page = entries.slice(0, q.limit);
  const records = new Map((await getArticlesByIds(deps.db, page.filter((e) => !e.tombstone).map((e) => e.id))).map((r) => [r.id, r]));
  const items: (PartnerArticleJson | TombstoneJson)[] = [];
  for (const e of page) {
    if (e.tombstone) {
      items.push({ id: e.id, deleted: true, deletedAt: new Date(e.at).toISOString() });
      continue;
    }
    // Changed again between the two reads: its new state comes later in the stream.
    const record = records.get(e.id);
    if (record && isInView(partner, record, now)) items.push(articleJson(deps, partner, record));
  }
  const last = page[page.length - 1];
  const nextCursor = last ? encodeCursor(fingerprint, last) : q.cursor || q.since ? encodeCursor(fingerprint, from) : null;
  return { items, nextCursor, hasMore: entries.length > q.limit };
}
