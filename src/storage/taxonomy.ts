/** Sections, authors and tags: looked up by slug or name, created on first use. */
import { eq, or } from 'drizzle-orm';
import type { Clock, Ids } from '../deps.js';
import type { Db } from './db.js';
import { authors, sections, tags } from './schema.js';

export type TermRef = { name: string; slug: string; commentary?: boolean };
type TermTable = typeof sections | typeof authors | typeof tags;
export type Term = { id: string; slug: string; name: string };

async function findOrCreate(db: Db, table: TermTable, ref: TermRef, clock: Clock, ids: Ids): Promise<Term> {
  const match = or(eq(table.slug, ref.slug), eq(table.name, ref.name));
  const found = await db.select({ id: table.id, slug: table.slug, name: table.name }).from(table).where(match).get();
  if (found) {
    // An editor who says whether a section is commentary changes it, not only at creation.
    if (table === sections && ref.commentary !== undefined) {
      await db.update(sections).set({ isCommentary: ref.commentary }).where(eq(sections.id, found.id)).run();
    }
    return found;
  }
  const row: Record<string, unknown> = { id: ids.next(), slug: ref.slug, name: ref.name, createdAt: clock.now() };
  if (table === sections) row.isCommentary = ref.commentary ?? true;
  // A concurrent request may create the same term: ignore the conflict and read the winner.
  await db.insert(table).values(row as never).onConflictDoNothing().run();
  const created = await db.select({ id: table.id, slug: table.slug, name: table.name }).from(table).where(match).get();
  if (!created) throw new Error(`could not create term ${ref.slug}`);
  return created;
}

export const findOrCreateSection = (db: Db, ref: TermRef, clock: Clock, ids: Ids) =>
  findOrCreate(db, sections, ref, clock, ids);
export const findOrCreateAuthor = (db: Db, ref: TermRef, clock: Clock, ids: Ids) =>
  findOrCreate(db, authors, ref, clock, ids);

export async function findOrCreateTags(db: Db, refs: TermRef[], clock: Clock, ids: Ids): Promise<Term[]> {
  const out: Term[] = [];
  for (const ref of refs) out.push(await findOrCreate(db, tags, ref, clock, ids));
  return out;
}
