/**
 * The article side of a partner's change stream. An article enters a partner's view when it is
 * published in a section the partner takes and its embargo is over, so its place in the stream
 * is the later of its last change and that moment: an embargoed or scheduled article then
 * arrives after any position a partner has already read, never behind it.
 */
import { and, eq, sql } from 'drizzle-orm';
import type { Db } from './db.js';
import { articles } from './schema.js';
import { inSectionsOf, type StreamPosition, type ViewTerms } from './tombstones.js';

const changedAt = (embargoMs: number) => sql<number>`max(${articles.updatedAt}, ${articles.publishedAt} + ${embargoMs})`.mapWith(Number);

/**
 * Ids and stream times of the articles in view under `terms` whose stream time is after
 * `from` and at most `horizon` (ms), in stream order, at most `limit`.
 */
export async function articleChangesAfter(db: Db, terms: ViewTerms, from: StreamPosition, horizon: number, limit: number): Promise<{ id: string; changedAt: number }[]> {
  const at = changedAt(terms.embargoMs);
  return db
    .select({ id: articles.id, changedAt: at })
    .from(articles)
    .where(
      and(
        eq(articles.status, 'published'),
        inSectionsOf(terms, articles.sectionId),
        sql`${at} <= ${horizon}`,
        sql`(${at} > ${from.at} or (${at} = ${from.at} and ${articles.id} > ${from.id}))`,
      ),
    )
    .orderBy(at, articles.id)
    .limit(limit)
    .all();
}
