/**
 * The public newsletter archive: editions that went out (see storage/editions-archive.ts), as
 * people read them on the web and as items of the edition feeds. Each is the same content its
 * readers were mailed (`editionContent`), without anything about any reader. The web pages come
 * in the readers' languages (English around the Arabic pieces, as in the English digest); the
 * feeds are Arabic.
 */
import type { Deps } from '../deps.js';
import type { DigestContent, DigestLocale } from '../email/digest.js';
import { AppError } from '../errors.js';
import { findPublicEdition, isListed, publicEditions, type EditionCursor } from '../storage/editions-archive.js';
import type { EditionRow } from '../storage/schema.js';
import { editionContent } from './render.js';

/** Editions per archive page. */
export const ARCHIVE_PAGE_SIZE = 20;
/** Editions in each edition feed. */
export const EDITION_FEED_ITEMS = 20;

/** An edition as the archive shows it; `content.archiveUrl` is its page. */
export type ArchiveEdition = { edition: EditionRow; content: DigestContent };

/**
 * An edition at its own address. `listed` is false for one an editor paused or cancelled after
 * some readers got it: its page opens for them, but the archive and the feeds leave it out.
 */
export type EditionPage = ArchiveEdition & { listed: boolean };

/** An edition as a feed item: `published` is when it first went out, and never moves. */
export type FeedEdition = ArchiveEdition & { published: Date };

type ArchiveDeps = Pick<Deps, 'db' | 'config'>;

/** The `?before=` value that continues the archive after `edition`. */
export function editionCursor(edition: Pick<EditionRow, 'createdAt' | 'id'>): string {
  return `${edition.createdAt.getTime()}.${edition.id}`;
}

/** Reads a `?before=` value. Throws `invalid_request` when it is not one `editionCursor` writes. */
export function parseEditionCursor(value: string): EditionCursor {
  const m = /^(\d{1,15})\.([\w-]{1,64})$/.exec(value);
  if (!m) throw new AppError('invalid_request', 'before must be a cursor from the archive\'s own "older editions" link');
  return { createdAt: new Date(Number(m[1])), id: m[2] as string };
}

/**
 * Where an article link leads from here: the digest's UTM parameters, with `utm_medium` saying
 * the reader came from the web archive or a feed rather than the email itself.
 */
function withMedium(content: DigestContent, medium: 'web' | 'feed'): DigestContent {
  const articles = content.articles.map((a) => {
    const u = new URL(a.link);
    u.searchParams.set('utm_medium', medium);
    return { ...a, link: u.href };
  });
  return { ...content, articles };
}

/** Content for each edition in `locale`, in order; one with no piece still published is left out. */
async function contentsOf(deps: ArchiveDeps, rows: EditionRow[], medium: 'web' | 'feed', locale: DigestLocale = 'ar'): Promise<ArchiveEdition[]> {
  const contents = await Promise.all(rows.map((edition) => editionContent(deps, edition, locale)));
  return rows.flatMap((edition, i) => {
    const content = contents[i];
    return content ? [{ edition, content: withMedium(content, medium) }] : [];
  });
}

export type ArchivePage = {
  editions: ArchiveEdition[];
  /** The cursor of the next, older page; undefined on the last page. */
  older: string | undefined;
};

/**
 * A page of the archive in `locale`, newest first, after the `before` cursor when given. Throws
 * `invalid_request` for a malformed cursor.
 */
export async function archivePage(deps: ArchiveDeps, before?: string, locale: DigestLocale = 'ar'): Promise<ArchivePage> {
  const cursor = before === undefined ? undefined : parseEditionCursor(before);
  const rows = await publicEditions(deps.db, { before: cursor, limit: ARCHIVE_PAGE_SIZE + 1 });
  const shown = rows.slice(0, ARCHIVE_PAGE_SIZE);
  const last = shown[shown.length - 1];
  return { editions: await contentsOf(deps, shown, 'web', locale), older: rows.length > ARCHIVE_PAGE_SIZE && last ? editionCursor(last) : undefined };
}

/**
 * A public edition's web version in `locale`, or null when the id is unknown, no reader got it,
 * or it has nothing left to show.
 */
export async function archivedEdition(deps: ArchiveDeps, id: string, locale: DigestLocale = 'ar'): Promise<EditionPage | null> {
  if (id.length > 64) return null;
  const edition = await findPublicEdition(deps.db, id);
  if (!edition) return null;
  const [found] = await contentsOf(deps, [edition], 'web', locale);
  return found ? { ...found, listed: isListed(edition) } : null;
}

/**
 * The newest public editions as feed items. An edition's date is its first submitted
 * delivery; one marked sent with none submitted (every reader failed or was skipped) falls back
 * to when it completed, or when it was released for sending.
 */
export async function feedEditions(deps: ArchiveDeps): Promise<FeedEdition[]> {
  const rows = await publicEditions(deps.db, { limit: EDITION_FEED_ITEMS });
  return (await contentsOf(deps, rows, 'feed')).map((item) => {
    const e = item.edition;
    return { ...item, published: e.firstSubmittedAt ?? e.completedAt ?? e.sendAfter ?? e.createdAt };
  });
}
