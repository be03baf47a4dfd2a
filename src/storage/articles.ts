/** Article queries. Every function takes `db` first and works on D1 and better-sqlite3. */
import { and, asc, count, desc, eq, gt, inArray, lt, lte, type SQL } from 'drizzle-orm';
import { batch, chunkRows, type Db } from './db.js';
import { bumpFeedStates } from './feed-state.js';
import { articles, articleTags, authors, sections, tags, type ArticleRow } from './schema.js';

export type ArticleRecord = ArticleRow & {
  section: { id: string; slug: string; name: string; isCommentary: boolean };
  author: { id: string; slug: string; name: string };
  tags: { id: string; slug: string; name: string }[];
};

const selection = {
  article: articles,
  section: { id: sections.id, slug: sections.slug, name: sections.name, isCommentary: sections.isCommentary },
  author: { id: authors.id, slug: authors.slug, name: authors.name },
};

async function withTags(db: Db, rows: { article: ArticleRow; section: ArticleRecord['section']; author: ArticleRecord['author'] }[]): Promise<ArticleRecord[]> {
  const byArticle = new Map<string, ArticleRecord['tags']>();
  for (const idChunk of chunkRows(rows.map((r) => r.article.id), 1, 90)) {
    const tagRows = await db
      .select({ articleId: articleTags.articleId, id: tags.id, slug: tags.slug, name: tags.name })
      .from(articleTags)
      .innerJoin(tags, eq(tags.id, articleTags.tagId))
      .where(inArray(articleTags.articleId, idChunk))
      .orderBy(articleTags.articleId, articleTags.position)
      .all();
    for (const t of tagRows) {
      const list = byArticle.get(t.articleId) ?? [];
      list.push({ id: t.id, slug: t.slug, name: t.name });
      byArticle.set(t.articleId, list);
    }
  }
  return rows.map((r) => ({ ...r.article, section: r.section, author: r.author, tags: byArticle.get(r.article.id) ?? [] }));
}

function baseQuery(db: Db) {
  return db
    .select(selection)
    .from(articles)
    .innerJoin(sections, eq(sections.id, articles.sectionId))
    .innerJoin(authors, eq(authors.id, articles.authorId));
}

export async function getArticleById(db: Db, id: string): Promise<ArticleRecord | undefined> {
  const rows = await baseQuery(db).where(eq(articles.id, id)).all();
  return (await withTags(db, rows))[0];
}

export async function getArticlesByIds(db: Db, idList: string[]): Promise<ArticleRecord[]> {
  const rows = [];
  for (const idChunk of chunkRows(idList, 1, 90)) rows.push(...(await baseQuery(db).where(inArray(articles.id, idChunk)).all()));
  const records = await withTags(db, rows);
  const order = new Map(idList.map((id, i) => [id, i]));
  return records.sort((a, b) => (order.get(a.id) ?? 0) - (order.get(b.id) ?? 0));
}

export async function slugTaken(db: Db, slug: string, exceptId?: string): Promise<boolean> {
  const row = await db.select({ id: articles.id }).from(articles).where(eq(articles.slug, slug)).get();
  return row !== undefined && row.id !== exceptId;
}

/**
 * Inserts or replaces an article and its tag links, and bumps the state of every feed the
 * change touches, all atomically.
 */
export async function saveArticle(db: Db, row: ArticleRow, tagIds: string[], isNew: boolean, touchedFeeds: string[]): Promise<void> {
  const links = tagIds.map((tagId, position) => ({ articleId: row.id, tagId, position }));
  const write = isNew
    ? db.insert(articles).values(row)
    : db.update(articles).set(row).where(eq(articles.id, row.id));
  await batch(db, [
    write,
    db.delete(articleTags).where(eq(articleTags.articleId, row.id)),
    ...chunkRows(links, 3).map((chunk) => db.insert(articleTags).values(chunk)),
    ...bumpFeedStates(db, touchedFeeds, row.updatedAt),
  ]);
}

/** Deletes an article and its tag links, and bumps the feeds it was in, atomically. */
export async function deleteArticleById(db: Db, id: string, touchedFeeds: string[], at: Date): Promise<void> {
  await batch(db, [
    db.delete(articleTags).where(eq(articleTags.articleId, id)),
    db.delete(articles).where(eq(articles.id, id)),
    ...bumpFeedStates(db, touchedFeeds, at),
  ]);
}

/** Admin listing, newest created first; `afterId` is the last id of the previous page. */
export async function listArticlesPage(db: Db, opts: { limit: number; afterId?: string; status?: 'draft' | 'published' }) {
  const conds: SQL[] = [];
  if (opts.afterId) conds.push(lt(articles.id, opts.afterId));
  if (opts.status) conds.push(eq(articles.status, opts.status));
  const rows = await baseQuery(db)
    .where(conds.length ? and(...conds) : undefined)
    .orderBy(desc(articles.id))
    .limit(opts.limit + 1)
    .all();
  const page = await withTags(db, rows.slice(0, opts.limit));
  return { items: page, hasMore: rows.length > opts.limit };
}

export type PublishedFilter = {
  sectionIds?: string[];
  /** Only sections that count as commentary (a subquery: no bound parameter per section). */
  commentaryOnly?: boolean;
  authorId?: string;
  tagId?: string;
  after?: Date;
  until?: Date;
};

function publishedWhere(db: Db, filter: PublishedFilter): SQL | undefined {
  const conds: (SQL | undefined)[] = [eq(articles.status, 'published')];
  if (filter.sectionIds) conds.push(inArray(articles.sectionId, filter.sectionIds.length ? filter.sectionIds : ['']));
  if (filter.commentaryOnly) {
    conds.push(inArray(articles.sectionId, db.select({ id: sections.id }).from(sections).where(eq(sections.isCommentary, true))));
  }
  if (filter.authorId) conds.push(eq(articles.authorId, filter.authorId));
  if (filter.tagId) {
    const tagged = db.select({ id: articleTags.articleId }).from(articleTags).where(eq(articleTags.tagId, filter.tagId));
    conds.push(inArray(articles.id, tagged));
  }
  if (filter.after) conds.push(gt(articles.publishedAt, filter.after));
  if (filter.until) conds.push(lte(articles.publishedAt, filter.until));
  return and(...conds);
}

/** Published articles, newest first by publication time (ties broken by id). */
export async function latestPublished(db: Db, limit: number, filter: PublishedFilter = {}): Promise<ArticleRecord[]> {
  const rows = await baseQuery(db)
    .where(publishedWhere(db, filter))
    .orderBy(desc(articles.publishedAt), desc(articles.id))
    .limit(limit)
    .all();
  return withTags(db, rows);
}

/** When the next article scheduled in this filter becomes visible (published later than `after`). */
export async function nextScheduled(db: Db, filter: PublishedFilter, after: Date): Promise<Date | undefined> {
  const row = await db
    .select({ at: articles.publishedAt })
    .from(articles)
    .where(and(publishedWhere(db, { ...filter, until: undefined }), gt(articles.publishedAt, after)))
    .orderBy(asc(articles.publishedAt))
    .limit(1)
    .get();
  return row?.at ?? undefined;
}

export async function countPublished(db: Db, filter: PublishedFilter = {}): Promise<number> {
  const row = await db.select({ n: count() }).from(articles).where(publishedWhere(db, filter)).get();
  return row?.n ?? 0;
}

/**
 * Page `page` (1 = oldest) of `size` published articles counted from the oldest, so a full
 * page keeps its members as new articles arrive. Returned newest first.
 */
export async function publishedPageFromOldest(db: Db, filter: PublishedFilter, page: number, size: number): Promise<ArticleRecord[]> {
  const rows = await baseQuery(db)
    .where(publishedWhere(db, filter))
    .orderBy(asc(articles.publishedAt), asc(articles.id))
    .limit(size)
    .offset((page - 1) * size)
    .all();
  return withTags(db, rows.reverse());
}
