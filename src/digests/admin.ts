/**
 * Editors' operations on digest editions: pages of editions with their delivery counts and
 * problems, one edition with its pieces, pause, resume, cancel, and dropping or reordering
 * pieces while in review (previews and test sends: edition-preview.ts). Knows nothing of HTTP:
 * throws `AppError`s, returns records.
 */
import { z } from 'zod';
import type { Deps } from '../deps.js';
import { AppError } from '../errors.js';
import { getArticlesByIds, type ArticleRecord } from '../storage/articles.js';
import { findEditionById } from '../storage/editions.js';
import {
  cancelEditionIf,
  deliveryCountsOf,
  emptyCounts,
  listEditionPage,
  moveEditionIf,
  openEditionRows,
  OPEN_STATUSES,
  replaceEditionArticlesIf,
  resumeEditionIf,
  sendHealth,
  type DeliveryCounts,
} from '../storage/editions-admin.js';
import type { EditionRow } from '../storage/schema.js';
import { topicsOfSegment } from '../storage/subscribers.js';
import { termsByIds, type Term } from '../storage/taxonomy.js';
import { healthCutoffs, problemsOf } from './stuck.js';

const STATUSES = ['review', 'sending', 'paused', 'sent', 'skipped', 'cancelled'] as const;

export const editionListSchema = z
  .object({
    status: z.enum(STATUSES).optional(),
    cadence: z.enum(['daily', 'weekly']).optional(),
    limit: z.coerce.number().int().min(1).max(100).default(20),
    cursor: z.string().max(200).optional(),
  })
  .strict();

export const editionArticlesSchema = z.object({ articleIds: z.array(z.string().min(1).max(100)).min(1, 'Keep at least one piece').max(100) }).strict();

type TermJson = { slug: string; name: string };
export type EditionView = {
  edition: EditionRow;
  segment: { key: string; sections: TermJson[]; authors: TermJson[] };
  counts: DeliveryCounts;
  stuck: boolean;
  problems: string[];
};
export type EditionDetail = EditionView & { articles: ArticleRecord[] };

/** One page of editions, newest first, and the cursor of the next page (or null). Throws `invalid_request` for a bad cursor. */
export async function listEditions(deps: Pick<Deps, 'db' | 'clock'>, query: z.output<typeof editionListSchema>) {
  const { limit, cursor, ...filter } = query;
  const { items, hasMore } = await listEditionPage(deps.db, filter, { limit, after: cursor ? decodeCursor(cursor) : undefined });
  const last = items[items.length - 1];
  return { items: await viewsOf(deps, items), nextCursor: hasMore && last ? encodeCursor(last) : null };
}

/** Open editions (any age) then the latest `limit`, each once, for the command line. */
export async function recentEditions(deps: Pick<Deps, 'db' | 'clock'>, limit: number): Promise<EditionView[]> {
  const open = await openEditionRows(deps.db, 100);
  const { items } = await listEditionPage(deps.db, {}, { limit });
  const seen = new Set(open.map((e) => e.id));
  return viewsOf(deps, [...open, ...items.filter((e) => !seen.has(e.id))]);
}

/** One edition with its pieces, in order (deleted pieces are left out). Throws `not_found`. */
export async function getEdition(deps: Pick<Deps, 'db' | 'clock'>, id: string): Promise<EditionDetail> {
  return detailOf(deps, await requireEdition(deps, id));
}

/** review | sending → paused: no delivery is claimed until it is resumed. Throws `not_found` or `conflict`. */
export async function pauseEdition(deps: Pick<Deps, 'db' | 'clock' | 'log'>, id: string): Promise<EditionDetail> {
  const row = await moveEditionIf(deps.db, id, ['review', 'sending'], 'paused');
  return changed(deps, id, row, 'pause', ['review', 'sending']);
}

/**
 * paused → sending, or back to review while its review window is open. Sending goes on at the
 * next scheduler tick. Throws `not_found` or `conflict`.
 */
export async function resumeEdition(deps: Pick<Deps, 'db' | 'clock' | 'log'>, id: string): Promise<EditionDetail> {
  const row = await resumeEditionIf(deps.db, id, deps.clock.now());
  return changed(deps, id, row, 'resume', ['paused']);
}

/**
 * review | sending | paused → cancelled; its deliveries not yet sent are skipped (`edition
 * cancelled`), those in flight finish. Throws `not_found` or `conflict`.
 */
export async function cancelEdition(deps: Pick<Deps, 'db' | 'clock' | 'log'>, id: string): Promise<EditionDetail> {
  const row = await cancelEditionIf(deps.db, id, OPEN_STATUSES, deps.clock.now(), 'edition cancelled');
  return changed(deps, id, row, 'cancel', OPEN_STATUSES);
}

/**
 * Keeps only `articleIds` of the edition's pieces, in that order, while it is in review. Throws
 * `not_found`; `conflict` outside review or when someone changed the pieces meanwhile;
 * `invalid_request` for a piece the edition does not hold, or one named twice.
 */
export async function reorderEditionArticles(deps: Pick<Deps, 'db' | 'clock' | 'log'>, id: string, articleIds: string[]): Promise<EditionDetail> {
  const edition = await requireEdition(deps, id);
  if (edition.status !== 'review') throw new AppError('conflict', `Edition ${id} is ${edition.status}: its pieces can change only while it is in review`);
  const current = new Set(JSON.parse(edition.articleIds) as string[]);
  const foreign = articleIds.find((a) => !current.has(a));
  if (foreign) throw new AppError('invalid_request', `Article "${foreign}" is not in edition ${id}: pieces can be dropped or reordered, not added`);
  const twice = articleIds.find((a, i) => articleIds.indexOf(a) !== i);
  if (twice) throw new AppError('invalid_request', `Article "${twice}" is listed twice`);
  const row = await replaceEditionArticlesIf(deps.db, id, edition.articleIds, articleIds);
  if (!row) {
    const now = await requireEdition(deps, id);
    const why = now.status === 'review' ? 'its pieces were changed meanwhile; reload and try again' : `it is ${now.status} now`;
    throw new AppError('conflict', `Edition ${id} was not changed: ${why}`);
  }
  deps.log.info('edition pieces changed', { editionId: id, articles: articleIds.length });
  return detailOf(deps, row);
}

/** The edition with this id. Throws `not_found`. */
export async function requireEdition(deps: Pick<Deps, 'db'>, id: string): Promise<EditionRow> {
  const edition = await findEditionById(deps.db, id);
  if (!edition) throw new AppError('not_found', `No edition with id "${id}"`);
  return edition;
}

const orList = (xs: string[]) => (xs.length > 1 ? `${xs.slice(0, -1).join(', ')} or ${xs[xs.length - 1]}` : (xs[0] ?? ''));
const DONE = { pause: 'paused', resume: 'resumed', cancel: 'cancelled' } as const;

async function changed(deps: Pick<Deps, 'db' | 'clock' | 'log'>, id: string, row: EditionRow | undefined, action: keyof typeof DONE, from: string[]): Promise<EditionDetail> {
  if (!row) {
    const edition = await requireEdition(deps, id);
    throw new AppError('conflict', `Cannot ${action} edition ${id}: it is ${edition.status}; only ${orList(from)} editions can be ${DONE[action]}`);
  }
  deps.log.info(`edition ${DONE[action]}`, { editionId: id, status: row.status });
  return detailOf(deps, row);
}

async function detailOf(deps: Pick<Deps, 'db' | 'clock'>, edition: EditionRow): Promise<EditionDetail> {
  const [view] = (await viewsOf(deps, [edition])) as [EditionView];
  return { ...view, articles: await getArticlesByIds(deps.db, JSON.parse(edition.articleIds) as string[]) };
}

/** Counts, problems and segment terms of these editions: a fixed number of queries for the lot. */
async function viewsOf(deps: Pick<Deps, 'db' | 'clock'>, rows: EditionRow[]): Promise<EditionView[]> {
  const now = deps.clock.now();
  const ids = rows.map((e) => e.id);
  const topics = new Map(rows.map((e) => [e.id, topicsOfSegment(e.segmentKey)]));
  const [counts, health, sections, authors] = await Promise.all([
    deliveryCountsOf(deps.db, ids),
    sendHealth(deps.db, ids, healthCutoffs(now)),
    termMap(deps.db, 'section', [...topics.values()].flatMap((t) => t.sections)),
    termMap(deps.db, 'author', [...topics.values()].flatMap((t) => t.authors)),
  ]);
  return rows.map((edition) => {
    const t = topics.get(edition.id) ?? { sections: [], authors: [] };
    const c = counts.get(edition.id) ?? emptyCounts();
    return {
      edition,
      segment: { key: edition.segmentKey, sections: termsOf(sections, t.sections), authors: termsOf(authors, t.authors) },
      counts: c,
      ...problemsOf(c.failed, health.get(edition.id), now),
    };
  });
}

async function termMap(db: Deps['db'], kind: 'section' | 'author', ids: string[]): Promise<Map<string, Term>> {
  return new Map((await termsByIds(db, kind, ids)).map((t) => [t.id, t]));
}

const termsOf = (terms: Map<string, Term>, ids: string[]): TermJson[] =>
  ids.flatMap((id) => {
    const t = terms.get(id);
    return t ? [{ slug: t.slug, name: t.name }] : [];
  });

const encodeCursor = (e: EditionRow) => btoa(`e:${e.createdAt.getTime()}:${e.id}`).replace(/=+$/, '').replace(/\+/g, '-').replace(/\//g, '_');

function decodeCursor(cursor: string): { createdAt: Date; id: string } {
  try {
    const m = /^e:(\d{1,15}):([0-9A-Za-z_-]{1,64})$/.exec(atob(cursor.replace(/-/g, '+').replace(/_/g, '/')));
    if (m) return { createdAt: new Date(Number(m[1])), id: m[2] as string };
  } catch {
    // fall through
  }
  throw new AppError('invalid_request', 'Invalid cursor');
}
