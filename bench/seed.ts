/**
 * Seeds N published articles into a fresh database through the real storage code: terms via
 * `findOrCreate*`, HTML via `sanitizeArticleHtml`, rows via drizzle on the app's schema in
 * batched, chunked inserts (`createArticle` does one article per round of queries, which is
 * correct but takes minutes for 10k+).
 */
import { sanitizeArticleHtml } from '../src/articles/sanitize.js';
import { slugify } from '../src/articles/slug.js';
import type { Deps } from '../src/deps.js';
import { batch, chunkRows } from '../src/storage/db.js';
import { articles, articleTags, type ArticleRow } from '../src/storage/schema.js';
import { findOrCreateAuthor, findOrCreateSection, findOrCreateTags, type Term } from '../src/storage/taxonomy.js';
import { SECTIONS, articleHtml, authorName, createRandom, summaryFor, tagName, titleFor, type Random } from './corpus.js';

const AUTHORS = 40;
const TAGS = 120;
/** Articles per transaction. */
const TX_ARTICLES = 500;
/** Average spacing of publication times: ~40 a day. */
const SPACING_MS = 36 * 60_000;

export type SeedResult = { articles: number; avgHtmlBytes: number; withImage: number; ms: number };

type SeedDeps = Pick<Deps, 'db' | 'clock' | 'ids' | 'config'>;

async function seedTerms(deps: SeedDeps) {
  const { db, clock, ids } = deps;
  const sections: Term[] = [];
  for (const s of SECTIONS) sections.push(await findOrCreateSection(db, s, clock, ids));
  const authors: Term[] = [];
  for (let i = 0; i < AUTHORS; i++) {
    authors.push(await findOrCreateAuthor(db, { name: authorName(i), slug: `author-${i + 1}` }, clock, ids));
  }
  const tagRefs = Array.from({ length: TAGS }, (_, i) => ({ name: tagName(i), slug: slugify(tagName(i)) }));
  const tags = await findOrCreateTags(db, tagRefs, clock, ids);
  return { sections, authors, tags };
}

function articleRow(deps: SeedDeps, r: Random, i: number, terms: Awaited<ReturnType<typeof seedTerms>>): ArticleRow {
  const { config, clock, ids } = deps;
  const now = clock.now().getTime();
  const publishedAt = new Date(now - i * SPACING_MS - r.int(0, SPACING_MS / 2));
  const updatedAt = r.next() < 0.2 ? new Date(publishedAt.getTime() + r.int(5, 600) * 60_000) : publishedAt;
  const title = titleFor(r);
  const slug = `${slugify(title)}-${i + 1}`;
  const image = r.next() < 0.85 ? `${publishedAt.toISOString().slice(0, 7)}/${i + 1}` : null;
  return {
    id: ids.next(),
    slug,
    title,
    summary: summaryFor(r),
    contentHtml: sanitizeArticleHtml(articleHtml(r, config.SITE_URL, image ?? `${i + 1}`), config.SITE_URL),
    language: 'ar',
    sectionId: r.pick(terms.sections).id,
    authorId: r.pick(terms.authors).id,
    imageUrl: image ? `${config.SITE_URL}/images/${image}.jpg` : null,
    imageType: image ? 'image/jpeg' : null,
    imageLength: image ? r.int(40_000, 400_000) : null,
    imageAlt: image ? title : null,
    canonicalUrl: `${config.SITE_URL}/articles/${encodeURIComponent(slug)}`,
    status: 'published',
    publishedAt,
    listedAt: publishedAt,
    createdAt: publishedAt,
    updatedAt: new Date(Math.min(updatedAt.getTime(), now)),
  };
}

function pickTags(r: Random, tags: Term[]): string[] {
  const chosen = new Set<string>();
  const n = r.int(2, 5);
  while (chosen.size < n) chosen.add(r.pick(tags).id);
  return [...chosen];
}

/** Seeds `n` published articles; publication times go back from `deps.clock.now()`. */
export async function seedArticles(deps: SeedDeps, n: number): Promise<SeedResult> {
  const t0 = performance.now();
  const { db } = deps;
  const r = createRandom(20261129);
  const terms = await seedTerms(deps);
  let htmlBytes = 0;
  let withImage = 0;
  for (let start = 0; start < n; start += TX_ARTICLES) {
    const rows: ArticleRow[] = [];
    const links: { articleId: string; tagId: string; position: number }[] = [];
    for (let i = start; i < Math.min(n, start + TX_ARTICLES); i++) {
      const row = articleRow(deps, r, i, terms);
      rows.push(row);
      htmlBytes += Buffer.byteLength(row.contentHtml, 'utf8');
      if (row.imageUrl) withImage++;
      pickTags(r, terms.tags).forEach((tagId, position) => links.push({ articleId: row.id, tagId, position }));
    }
    await batch(db, [
      ...chunkRows(rows, Object.keys(rows[0] as ArticleRow).length).map((chunk) => db.insert(articles).values(chunk)),
      ...chunkRows(links, 3).map((chunk) => db.insert(articleTags).values(chunk)),
    ]);
  }
  return { articles: n, avgHtmlBytes: htmlBytes / n, withImage, ms: performance.now() - t0 };
}
