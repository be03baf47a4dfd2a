/**
 * Editors' operations on articles. Knows nothing of HTTP: throws `AppError`s, returns records.
 */
import type { Deps } from '../deps.js';
import { feedKeysOf } from '../feeds/scope.js';
import { announceFeedChanges } from '../feeds/websub.js';
import { AppError } from '../errors.js';
import {
  deleteArticleById,
  feedPositionOf,
  getArticleById,
  listArticlesPage,
  saveArticle,
  slugTaken,
  type ArticleRecord,
} from '../storage/articles.js';
import { isUniqueViolation } from '../storage/db.js';
import type { ArticleRow } from '../storage/schema.js';
import { findOrCreateAuthor, findOrCreateSection, findOrCreateTags } from '../storage/taxonomy.js';
import { recordTombstones } from '../storage/tombstones.js';
import type { ArticleInput } from './input.js';
import { sanitizeArticleHtml } from './sanitize.js';
import { slugify } from './slug.js';

type ArticleDeps = Pick<Deps, 'db' | 'clock' | 'ids' | 'config' | 'log' | 'fetch' | 'defer'>;

async function chooseSlug(deps: ArticleDeps, input: ArticleInput, existing?: ArticleRecord): Promise<string> {
  if (input.slug) {
    if (await slugTaken(deps.db, input.slug, existing?.id)) {
      throw new AppError('conflict', `An article with slug "${input.slug}" already exists`);
    }
    return input.slug;
  }
  if (existing) return existing.slug;
  // Derived from the title: find a free variant, as WordPress does (title-2, title-3, ...).
  const base = slugify(input.title) || 'article';
  for (let n = 1; n < 50; n++) {
    const candidate = n === 1 ? base : `${base}-${n}`;
    if (!(await slugTaken(deps.db, candidate))) return candidate;
  }
  return `${base}-${deps.ids.next().toLowerCase()}`;
}

/**
 * When readers can first see the piece: its publication time when that is still to come;
 * kept while it stays published and visible (an edit is not news); otherwise now, so a piece
 * backdated on the way in still counts as new for the next digest.
 */
function listedAtOf(existing: ArticleRecord | undefined, status: string, publishedAt: Date | null, now: Date): Date | null {
  if (status !== 'published' || !publishedAt) return null;
  if (publishedAt > now) return publishedAt; // scheduled: listed when it goes live
  if (existing?.status === 'published' && existing.listedAt && existing.listedAt <= now) return existing.listedAt;
  return now;
}

async function write(deps: ArticleDeps, input: ArticleInput, existing?: ArticleRecord): Promise<ArticleRecord> {
  const { db, clock, ids, config } = deps;
  const now = clock.now();
  const slug = await chooseSlug(deps, input, existing);
  const section = await findOrCreateSection(db, input.section, clock, ids);
  const author = await findOrCreateAuthor(db, input.author, clock, ids);
  // Two refs may resolve to one tag (same name, other slug): link it once.
  const tagTerms = dedupeBy(await findOrCreateTags(db, dedupeBy(input.tags, (t) => t.slug), clock, ids), (t) => t.id);
  const publishedAt = input.publishedAt
    ? new Date(input.publishedAt)
    : input.status === 'published'
      ? (existing?.publishedAt ?? now)
      : null;
  const row: ArticleRow = {
    id: existing?.id ?? ids.next(),
    slug,
    title: input.title,
    summary: input.summary,
    contentHtml: sanitizeArticleHtml(input.contentHtml, config.SITE_URL),
    language: 'ar',
    sectionId: section.id,
    authorId: author.id,
    imageUrl: input.image?.url ?? null,
    imageType: input.image?.type ?? null,
    imageLength: input.image?.length ?? null,
    imageAlt: input.image?.alt ?? null,
    canonicalUrl: input.canonicalUrl ?? `${config.SITE_URL}/articles/${encodeURIComponent(slug)}`,
    status: input.status,
    publishedAt,
    listedAt: listedAtOf(existing, input.status, publishedAt, now),
    createdAt: existing?.createdAt ?? now,
    updatedAt: now,
  };
  const before = feedsOf(existing);
  const after = feedsOf({ ...row, tags: tagTerms });
  const touched = [...before, ...after];
  await recordTombstones(db, existing, row, now);
  try {
    await saveArticle(db, row, tagTerms.map((t) => t.id), !existing, touched, [...feedPositionOf(existing), ...feedPositionOf(row)]);
  } catch (err) {
    if (isUniqueViolation(err, 'articles.slug')) throw new AppError('conflict', `An article with slug "${slug}" already exists`);
    throw err;
  }
  await announceFeedChanges(deps, [
    { feeds: before, from: existing?.publishedAt },
    { feeds: after, from: row.publishedAt },
  ]);
  return (await getArticleById(db, row.id)) as ArticleRecord;
}

function dedupeBy<T>(list: T[], key: (t: T) => string): T[] {
  const seen = new Set<string>();
  return list.filter((t) => !seen.has(key(t)) && seen.add(key(t)));
}

/** Creates an article; sections, authors and tags are created on first use. Throws `conflict`. */
export function createArticle(deps: ArticleDeps, input: ArticleInput): Promise<ArticleRecord> {
  return write(deps, input);
}

/** Replaces an article. Throws `not_found`, or `conflict` when the new slug is taken. */
export async function updateArticle(deps: ArticleDeps, id: string, input: ArticleInput): Promise<ArticleRecord> {
  return write(deps, input, await getArticle(deps, id));
}

/** Throws `not_found`. */
export async function getArticle(deps: Pick<Deps, 'db'>, id: string): Promise<ArticleRecord> {
  const found = await getArticleById(deps.db, id);
  if (!found) throw new AppError('not_found', `No article with id "${id}"`);
  return found;
}

/** Throws `not_found`. */
export async function deleteArticle(deps: ArticleDeps, id: string): Promise<void> {
  const existing = await getArticle(deps, id);
  await recordTombstones(deps.db, existing, null, deps.clock.now());
  await deleteArticleById(deps.db, id, feedsOf(existing), feedPositionOf(existing), deps.clock.now());
  await announceFeedChanges(deps, [{ feeds: feedsOf(existing), from: existing.publishedAt }]);
}

/** The feeds a published article is in; a draft is in none. */
function feedsOf(a: { status: string; sectionId: string; authorId: string; tags: { id: string }[] } | undefined): string[] {
  return a?.status === 'published' ? feedKeysOf({ sectionId: a.sectionId, authorId: a.authorId, tagIds: a.tags.map((t) => t.id) }) : [];
}

/** One page of articles, newest first, and the cursor of the next page (or null). */
export async function listArticles(deps: Pick<Deps, 'db'>, opts: { limit: number; cursor?: string; status?: 'draft' | 'published' }) {
  const afterId = opts.cursor ? decodeCursor(opts.cursor) : undefined;
  const { items, hasMore } = await listArticlesPage(deps.db, { limit: opts.limit, afterId, status: opts.status });
  const last = items[items.length - 1];
  return { items, nextCursor: hasMore && last ? encodeCursor(last.id) : null };
}

const encodeCursor = (id: string) => btoa(`a:${id}`).replace(/=+$/, '').replace(/\+/g, '-').replace(/\//g, '_');

function decodeCursor(cursor: string): string {
  try {
    const raw = atob(cursor.replace(/-/g, '+').replace(/_/g, '/'));
    if (raw.startsWith('a:') && /^[0-9A-Z]{26}$/.test(raw.slice(2))) return raw.slice(2);
  } catch {
    // fall through
  }
  throw new AppError('invalid_request', 'Invalid cursor');
}

/** The article as the admin API shows it. */
export function articleToJson(a: ArticleRecord) {
  return {
    id: a.id,
    slug: a.slug,
    title: a.title,
    summary: a.summary,
    contentHtml: a.contentHtml,
    language: a.language,
    status: a.status,
    section: { slug: a.section.slug, name: a.section.name, commentary: a.section.isCommentary },
    author: { slug: a.author.slug, name: a.author.name },
    tags: a.tags.map((t) => ({ slug: t.slug, name: t.name })),
    image: a.imageUrl ? { url: a.imageUrl, type: a.imageType, length: a.imageLength, alt: a.imageAlt ?? '' } : null,
    canonicalUrl: a.canonicalUrl,
    publishedAt: a.publishedAt?.toISOString() ?? null,
    createdAt: a.createdAt.toISOString(),
    updatedAt: a.updatedAt.toISOString(),
  };
}
