/**
 * Tombstones: the record that an article left a section's public view (deleted, unpublished,
 * moved to another section, or rescheduled to later), for partners that pull changes and
 * must remove their copy. One row per article and section left, holding the latest time.
 */
import { and, eq, notExists, sql, type SQLWrapper } from 'drizzle-orm';
import type { Db } from './db.js';
import { articles, articleTombstones } from './schema.js';

/** What is known of an article before and after a change. */
export type TombstoneSubject = { id: string; status: string; sectionId: string; publishedAt: Date | null };

/** Whether going from `before` to `after` (null: deleted) takes the article out of `before`'s section as the public sees it at `at`. */
function leftView(before: TombstoneSubject, after: TombstoneSubject | null, at: Date): boolean {
  if (before.status !== 'published') return false; // a draft was never shown
  if (!after || after.status !== 'published' || after.sectionId !== before.sectionId) return true;
  const wasLive = before.publishedAt !== null && before.publishedAt.getTime() <= at.getTime();
  const isLive = after.publishedAt !== null && after.publishedAt.getTime() <= at.getTime();
  return wasLive && !isLive;
}

/**
 * Records a tombstone when an article change (`after` null: deletion) takes it out of view.
 * Called just before the change is written: should the change then fail, the article is still
 * in view, and a tombstone for an article in view is never shown (see {@link tombstonesAfter}).
 */
export async function recordTombstones(db: Db, before: TombstoneSubject | undefined, after: TombstoneSubject | null, at: Date): Promise<void> {
  if (!before || !leftView(before, after, at)) return;
  await db
    .insert(articleTombstones)
    .values({ articleId: before.id, sectionId: before.sectionId, deletedAt: at })
    .onConflictDoUpdate({ target: [articleTombstones.articleId, articleTombstones.sectionId], set: { deletedAt: at } })
    .run();
}

/** Which articles a reader may see: sections (empty: all) and how long after publication. */
export type ViewTerms = { sectionIds: string[]; embargoMs: number };

/**
 * `column` is one of the terms' sections (always true when they name none). The list is bound
 * as one JSON parameter, so any number of sections stays far under D1's 100 bound parameters.
 */
export function inSectionsOf(terms: ViewTerms, column: SQLWrapper) {
  return terms.sectionIds.length ? sql`${column} in (select value from json_each(${JSON.stringify(terms.sectionIds)}))` : undefined;
}

/** A place in a change stream ordered by (time, id): strictly after it comes next. */
export type StreamPosition = { at: number; id: string };

/**
 * Tombstones for `terms` after `from`, up to `horizon` (ms), oldest first, at most `limit`:
 * one per article (its latest, among the sections the terms cover). A tombstone is left out
 * while its article is in view under the terms again: the article itself, changed no earlier
 * than the tombstone, stands in the stream in its place.
 */
export async function tombstonesAfter(db: Db, terms: ViewTerms, from: StreamPosition, horizon: number, limit: number): Promise<{ id: string; deletedAt: number }[]> {
  const t = articleTombstones;
  const inView = db
    .select({ one: sql`1` })
    .from(articles)
    .where(
      and(
        eq(articles.id, t.articleId),
        eq(articles.status, 'published'),
        sql`${articles.publishedAt} + ${terms.embargoMs} <= ${horizon}`,
        inSectionsOf(terms, articles.sectionId),
      ),
    );
  const latest = sql<number>`max(${t.deletedAt})`.mapWith(Number);
  return db
    .select({ id: t.articleId, deletedAt: latest })
    .from(t)
    .where(and(inSectionsOf(terms, t.sectionId), notExists(inView)))
    .groupBy(t.articleId)
    .having(sql`${latest} <= ${horizon} and (${latest} > ${from.at} or (${latest} = ${from.at} and ${t.articleId} > ${from.id}))`)
    .orderBy(latest, t.articleId)
    .limit(limit)
    .all();
}
