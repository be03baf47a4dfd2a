/** Article queries. Every function takes `db` first and works on D1 and better-sqlite3. */
import { and, asc, desc, eq, gt, inArray, lt, lte, or, sql, type Placeholder, type SQL } from 'drizzle-orm';
import { batch, chunkRows, type Db } from './db.js';
import { bumpArchivePagesAt, type FeedPosition } from './feed-archive.js';
import { bumpFeedStates } from './feed-state.js';
import { articles, articleTags, authors, sections, tags, type ArticleRow } from './schema.js';

export type ArticleRecord = ArticleRow & {
  section: { id: string; slug: string; name: string; isCommentary: boolean };
  author: { id: string; slug: string; name: string };
  tags: { id: string; slug: string; name: string }[];
};

/**
 * An article's tags, in their order, as a JSON array from a correlated subquery: the row and
 * its tags in one query (one round trip to D1, not two). Each carries its position, and the
 * list is sorted by it after parsing, as an aggregate's input order is not a documented promise.
 */
const tagsJson = sql<string>`(select json_group_array(json_array(t.position, t.id, t.slug, t.name)) from (
  select ${articleTags.position} as position, ${tags.id} as id, ${tags.slug} as slug, ${tags.name} as name
  from ${articleTags} inner join ${tags} on ${tags.id} = ${articleTags.tagId}
  where ${articleTags.articleId} = ${articles.id}
  order by ${articleTags.position}) t)`;

const selection = {
  article: articles,
  section: { id: sections.id, slug: sections.slug, name: sections.name, isCommentary: sections.isCommentary },
  author: { id: authors.id, slug: authors.slug, name: authors.name },
  tags: tagsJson,
};

type Row = { article: ArticleRow; section: ArticleRecord['section']; author: ArticleRecord['author']; tags: string };

function recordOf(r: Row): ArticleRecord {
  const list = JSON.parse(r.tags) as [number, string, string, string][];
  list.sort((a, b) => a[0] - b[0]);
  return { ...r.article, section: r.section, author: r.author, tags: list.map(([, id, slug, name]) => ({ id, slug, name })) };
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
  return rows[0] && recordOf(rows[0]);
}

export async function getArticlesByIds(db: Db, idList: string[]): Promise<ArticleRecord[]> {
  const rows = [];
  for (const idChunk of chunkRows(idList, 1, 90)) rows.push(...(await baseQuery(db).where(inArray(articles.id, idChunk)).all()));
  const records = rows.map(recordOf);
  const order = new Map(idList.map((id, i) => [id, i]));
  return records.sort((a, b) => (order.get(a.id) ?? 0) - (order.get(b.id) ?? 0));
}

export async function slugTaken(db: Db, slug: string, exceptId?: string): Promise<boolean> {
  const row = await db.select({ id: articles.id }).from(articles).where(eq(articles.slug, slug)).get();
  return row !== undefined && row.id !== exceptId;
}

/** Where an article the feeds show sits in their order; a draft sits nowhere. */
export function feedPositionOf(a: { id: string; status: string; publishedAt: Date | null } | undefined): FeedPosition[] {
  return a?.status === 'published' && a.publishedAt ? [{ publishedAt: a.publishedAt, id: a.id }] : [];
}

/**
 * Inserts or replaces an article and its tag links, and bumps the state of every feed the
 * change touches and of the archive pages at `positions` (where it was and where it is), all
 * atomically.
 */
export async function saveArticle(db: Db, row: ArticleRow, tagIds: string[], isNew: boolean, touchedFeeds: string[], positions: FeedPosition[]): Promise<void> {
  const links = tagIds.map((tagId, position) => ({ articleId: row.id, tagId, position }));
  const write = isNew
    ? db.insert(articles).values(row)
    : db.update(articles).set(row).where(eq(articles.id, row.id));
  await batch(db, [
    write,
    db.delete(articleTags).where(eq(articleTags.articleId, row.id)),
    ...chunkRows(links, 3).map((chunk) => db.insert(articleTags).values(chunk)),
    ...bumpFeedStates(db, touchedFeeds, row.updatedAt),
    ...bumpArchivePagesAt(db, touchedFeeds, positions, row.updatedAt),
  ]);
}

/** Deletes an article and its tag links, and bumps the feeds and archive pages it was in, atomically. */
export async function deleteArticleById(db: Db, id: string, touchedFeeds: string[], positions: FeedPosition[], at: Date): Promise<void> {
  await batch(db, [
    db.delete(articleTags).where(eq(articleTags.articleId, id)),
    db.delete(articles).where(eq(articles.id, id)),
    ...bumpFeedStates(db, touchedFeeds, at),
    ...bumpArchivePagesAt(db, touchedFeeds, positions, at),
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
  const page = rows.slice(0, opts.limit).map(recordOf);
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

/** A filter value as written into a query: the value itself, or a placeholder of a prepared query. */
type Bind = <T>(name: string, value: T) => T | Placeholder;
const inline: Bind = (_, value) => value;

function publishedWhere(db: Db, filter: PublishedFilter, bind: Bind = inline): SQL | undefined {
  const conds: (SQL | undefined)[] = [eq(articles.status, 'published')];
  if (filter.sectionIds) {
    const ids = filter.sectionIds.length ? filter.sectionIds : [''];
    conds.push(inArray(articles.sectionId, ids.map((id, i) => bind(`section${i}`, id))));
  }
  if (filter.commentaryOnly) {
    conds.push(inArray(articles.sectionId, db.select({ id: sections.id }).from(sections).where(eq(sections.isCommentary, true))));
  }
  if (filter.authorId) conds.push(eq(articles.authorId, bind('author', filter.authorId)));
  if (filter.tagId) {
    const tagged = db.select({ id: articleTags.articleId }).from(articleTags).where(eq(articleTags.tagId, bind('tag', filter.tagId)));
    conds.push(inArray(articles.id, tagged));
  }
  if (filter.after) conds.push(gt(articles.publishedAt, bind('after', filter.after)));
  if (filter.until) conds.push(lte(articles.publishedAt, bind('until', filter.until)));
  return and(...conds);
}

/** A prepared query run with the values of its placeholders. */
type Prepared<R> = { all(values: Record<string, unknown>): R[] | Promise<R[]> };
const preparedByDb = new WeakMap<Db, Map<string, Prepared<unknown>>>();

/**
 * The query `name` for `filter`, built with placeholders by `build` and prepared once per
 * database and shape of filter (which conditions it has), with the values to run it with.
 * Feed renders run these on every miss: building and preparing their SQL each time cost a
 * tenth of a render.
 */
function preparedFor<R>(db: Db, name: string, filter: PublishedFilter, build: (where: SQL | undefined) => { prepare(): unknown }) {
  const values: Record<string, unknown> = {};
  publishedWhere(db, filter, (key, value) => {
    // A placeholder's value is bound as given, not through the column's mapping: times as ms.
    values[key] = value instanceof Date ? value.getTime() : value;
    return value;
  });
  const shape = [name, filter.sectionIds?.length ?? '-', filter.commentaryOnly, !!filter.authorId, !!filter.tagId, !!filter.after, !!filter.until].join();
  let byShape = preparedByDb.get(db);
  if (!byShape) preparedByDb.set(db, (byShape = new Map()));
  let query = byShape.get(shape) as Prepared<R> | undefined;
  if (!query) {
    query = build(publishedWhere(db, filter, (key) => sql.placeholder(key))).prepare() as Prepared<R>;
    if (byShape.size < 64) byShape.set(shape, query); // a digest's section lists vary in length
  }
  return { query, values };
}

/** Published articles, newest first by publication time (ties broken by id). */
export async function latestPublished(db: Db, limit: number, filter: PublishedFilter = {}): Promise<ArticleRecord[]> {
  const { query, values } = preparedFor<Row>(db, 'latest', filter, (where) =>
    baseQuery(db).where(where).orderBy(desc(articles.publishedAt), desc(articles.id)).limit(sql.placeholder('limit')),
  );
  const rows = await query.all({ ...values, limit });
  return rows.map(recordOf);
}

/** When the next article scheduled in this filter becomes visible (published later than `after`). */
export async function nextScheduled(db: Db, filter: PublishedFilter, after: Date): Promise<Date | undefined> {
  const { query, values } = preparedFor<{ at: Date | null }>(db, 'next', { ...filter, until: undefined, after }, (where) =>
    db.select({ at: articles.publishedAt }).from(articles).where(where).orderBy(asc(articles.publishedAt)).limit(1),
  );
  return (await query.all(values))[0]?.at ?? undefined;
}

/** (publishedAt, id) strictly after `pos`, in feed order. */
function after(pos: FeedPosition): SQL {
  return or(gt(articles.publishedAt, pos.publishedAt), and(eq(articles.publishedAt, pos.publishedAt), gt(articles.id, pos.id))) as SQL;
}

/** (publishedAt, id) at or before `pos`, in feed order. */
function atOrBefore(pos: FeedPosition): SQL {
  return or(lt(articles.publishedAt, pos.publishedAt), and(eq(articles.publishedAt, pos.publishedAt), lte(articles.id, pos.id))) as SQL;
}

/**
 * The last article of every complete run of `size` published articles after `start`
 * (exclusive; from the oldest when undefined), oldest first: the bounds of the archive pages
 * that can be added. One pass over the articles after `start`, numbered by a window function.
 */
export async function pageBoundsAfter(db: Db, filter: PublishedFilter, start: FeedPosition | undefined, size: number): Promise<FeedPosition[]> {
  const where = and(publishedWhere(db, filter), start ? after(start) : undefined);
  const numbered = db
    .select({
      publishedAt: articles.publishedAt,
      id: articles.id,
      n: sql<number>`row_number() over (order by ${articles.publishedAt}, ${articles.id})`.as('n'),
    })
    .from(articles)
    .where(where)
    .as('numbered');
  const rows = await db
    .select({ publishedAt: numbered.publishedAt, id: numbered.id })
    .from(numbered)
    .where(sql`${numbered.n} % ${size} = 0`)
    .orderBy(sql`${numbered.n}`)
    .all();
  return rows.map((r) => ({ publishedAt: r.publishedAt as Date, id: r.id }));
}

/** Published articles after `start` (exclusive; from the oldest when undefined) up to and including `end`, newest first. */
export async function publishedBetween(db: Db, filter: PublishedFilter, start: FeedPosition | undefined, end: FeedPosition): Promise<ArticleRecord[]> {
  const rows = await baseQuery(db)
    .where(and(publishedWhere(db, filter), start ? after(start) : undefined, atOrBefore(end)))
    .orderBy(desc(articles.publishedAt), desc(articles.id))
    .all();
  return rows.map(recordOf);
}
