/** Sections, authors and tags: looked up by slug, id or name, created on first use. */
import { asc, eq, inArray, or, sql } from 'drizzle-orm';
import type { Clock, Ids } from '../deps.js';
import { chunkRows, type Db } from './db.js';
import { authors, sections, tags } from './schema.js';

export type TermRef = { name: string; slug: string; commentary?: boolean };
export type Term = { id: string; slug: string; name: string };

/** The table behind each kind of term. */
const TABLES = { section: sections, author: authors, tag: tags } as const;
export type TermKind = keyof typeof TABLES;

const columns = (kind: TermKind) => ({ id: TABLES[kind].id, slug: TABLES[kind].slug, name: TABLES[kind].name });

/** The term of this kind with this slug, if any. */
export async function findTermBySlug(db: Db, kind: TermKind, slug: string): Promise<Term | undefined> {
  const table = TABLES[kind];
  return db.select(columns(kind)).from(table).where(eq(table.slug, slug)).get();
}

/** The terms of this kind with these ids, in no particular order; unknown ids are left out. */
export async function termsByIds(db: Db, kind: TermKind, ids: string[]): Promise<Term[]> {
  const table = TABLES[kind];
  const out: Term[] = [];
  for (const chunk of chunkRows([...new Set(ids)], 1, 90)) {
    out.push(...(await db.select(columns(kind)).from(table).where(inArray(table.id, chunk)).all()));
  }
  return out;
}

// A term is in use when at least one published article carries it.
const hasPublished = {
  section: sql`exists (select 1 from articles a where a.section_id = ${sections.id} and a.status = 'published')`,
  author: sql`exists (select 1 from articles a where a.author_id = ${authors.id} and a.status = 'published')`,
  tag: sql`exists (select 1 from article_tags t join articles a on a.id = t.article_id where t.tag_id = ${tags.id} and a.status = 'published')`,
};

/** Terms of this kind that at least one published article carries, by name. */
export async function termsInUse(db: Db, kind: TermKind): Promise<Term[]> {
  const table = TABLES[kind];
  return db.select(columns(kind)).from(table).where(hasPublished[kind]).orderBy(asc(table.name)).all();
}

async function findOrCreate(db: Db, kind: TermKind, ref: TermRef, clock: Clock, ids: Ids): Promise<Term> {
  const table = TABLES[kind];
  const match = or(eq(table.slug, ref.slug), eq(table.name, ref.name));
  const found = await db.select(columns(kind)).from(table).where(match).get();
  if (found) {
    // An editor who says whether a section is commentary changes it, not only at creation.
    if (kind === 'section' && ref.commentary !== undefined) {
      await db.update(sections).set({ isCommentary: ref.commentary }).where(eq(sections.id, found.id)).run();
    }
    return found;
  }
  const row: Record<string, unknown> = { id: ids.next(), slug: ref.slug, name: ref.name, createdAt: clock.now() };
  if (kind === 'section') row.isCommentary = ref.commentary ?? true;
  // A concurrent request may create the same term: ignore the conflict and read the winner.
  await db.insert(table).values(row as never).onConflictDoNothing().run();
  const created = await db.select(columns(kind)).from(table).where(match).get();
  if (!created) throw new Error(`could not create term ${ref.slug}`);
  return created;
}

export const findOrCreateSection = (db: Db, ref: TermRef, clock: Clock, ids: Ids) => findOrCreate(db, 'section', ref, clock, ids);
export const findOrCreateAuthor = (db: Db, ref: TermRef, clock: Clock, ids: Ids) => findOrCreate(db, 'author', ref, clock, ids);

export async function findOrCreateTags(db: Db, refs: TermRef[], clock: Clock, ids: Ids): Promise<Term[]> {
  const out: Term[] = [];
  for (const ref of refs) out.push(await findOrCreate(db, 'tag', ref, clock, ids));
  return out;
}
