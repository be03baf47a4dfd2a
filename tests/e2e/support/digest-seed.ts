/**
 * A SQLite file ready for `nashra digest run`: opened and migrated by the Node runtime itself,
 * with commentary pieces written through the editors' code and confirmed readers inserted
 * directly (hundreds of them, in one transaction).
 */
import { articleInputSchema } from '../../../src/articles/input.js';
import { createArticle } from '../../../src/articles/service.js';
import { batch, chunkRows } from '../../../src/storage/db.js';
import { subscribers, type SubscriberRow } from '../../../src/storage/schema.js';
import { commentaryArticle } from './articles.js';

export type SeededPiece = { id: string; title: string; canonicalUrl: string };
export type SeededReader = { id: string; email: string };

export type DigestSeed = {
  /** The readers' time zone (see {@link middayZone}). */
  timeZone: string;
  /** The readers' local date at seeding: the daily period (and edition date) of a run right after. */
  localDate: string;
  /** Newest first, as a digest lists them. */
  pieces: SeededPiece[];
  readers: SeededReader[];
};

export type SeedOptions = {
  /** Article overrides, newest first; each is published a few minutes before the next. */
  pieces: Record<string, unknown>[];
  /** Reader addresses (with an optional name); all confirmed, daily, no topics chosen. */
  readers: { email: string; name?: string }[];
};

/**
 * A fixed-offset zone where it is around midday now, so the readers' day (their daily period)
 * cannot turn over while a test runs, whatever hour it is run at. `Etc/GMT-3` is UTC+3.
 */
export function middayZone(now: Date): string {
  const offset = 12 - now.getUTCHours(); // -11 … +12, all of which exist as Etc/GMT zones
  return offset === 0 ? 'Etc/GMT' : `Etc/GMT${offset > 0 ? '-' : '+'}${Math.abs(offset)}`;
}

/**
 * Creates and migrates the database named by `env.DATABASE_PATH` through `createNodeRuntime`
 * and seeds it. Pieces are listed now (so a digest run right after picks them up) and dated a
 * few minutes apart, the first newest.
 */
export async function seedDigestDatabase(env: NodeJS.ProcessEnv, opts: SeedOptions): Promise<DigestSeed> {
  const { createNodeRuntime } = await import('../../../src/adapters/node-deps.js');
  const runtime = createNodeRuntime({ ...env });
  try {
    const { deps } = runtime;
    const now = deps.clock.now();
    const timeZone = middayZone(now);
    const pieces: SeededPiece[] = [];
    for (const [i, overrides] of opts.pieces.entries()) {
      const publishedAt = new Date(now.getTime() - (i + 1) * 5 * 60_000).toISOString();
      const a = await createArticle(deps, articleInputSchema.parse(commentaryArticle({ contentHtml: '<p>نص المقال الكامل عن الإصلاح.</p>', publishedAt, ...overrides })));
      pieces.push({ id: a.id, title: a.title, canonicalUrl: a.canonicalUrl });
    }
    const rows = opts.readers.map((r) => readerRow(deps.ids.next(), r.email, r.name ?? null, timeZone, now));
    const db = deps.db;
    await batch(db, chunkRows(rows, 24, 900).map((chunk) => db.insert(subscribers).values(chunk)));
    const localDate = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(now);
    return { timeZone, localDate, pieces, readers: rows.map((r) => ({ id: r.id, email: r.email })) };
  } finally {
    await runtime.close();
  }
}

/** A confirmed daily reader, as sign-up and confirmation leave one. */
function readerRow(id: string, email: string, name: string | null, timezone: string, now: Date): SubscriberRow {
  return {
    id,
    email,
    name,
    status: 'confirmed',
    frequency: 'daily',
    timezone,
    preferredHour: 7,
    preferredWeekday: 6,
    segmentKey: 'all',
    createdAt: now,
    updatedAt: now,
    confirmedAt: now,
    unsubscribedAt: null,
    confirmationSentAt: now,
    consentAt: now,
    consentIp: '127.0.0.1',
    consentUserAgent: 'e2e',
    consentSource: 'page',
    consentPolicyVersion: '2026-11',
    locale: 'ar',
    softBounces: 0,
    suppressedAt: null,
    erasedAt: null,
  };
}
