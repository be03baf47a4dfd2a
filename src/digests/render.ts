/**
 * An edition rendered for email and the web: its pieces (those still published), what its
 * readers follow, its date and subject, through the compiled template's first stage. Each
 * recipient then only fills in their own slots.
 */
import type { Deps } from '../deps.js';
import { renderDigestContent, type DigestContent, type DigestLocale, type RenderedDigest } from '../email/digest.js';
import { getArticlesByIds } from '../storage/articles.js';
import { findEditionById } from '../storage/editions.js';
import type { EditionRow } from '../storage/schema.js';
import { topicsOfSegment } from '../storage/subscribers.js';
import { termsByIds } from '../storage/taxonomy.js';
import { digestContent } from './content.js';

/**
 * The public web version of an edition, in the reader's language: English readers' "view in
 * browser" opens the English page around the same Arabic pieces.
 */
export function editionArchiveUrl(config: Deps['config'], editionId: string, locale: DigestLocale = 'ar'): string {
  const url = `${config.PUBLIC_URL}/newsletter/archive/${encodeURIComponent(editionId)}`;
  return locale === 'ar' ? url : `${url}?lang=${locale}`;
}

const FOLLOWING = {
  ar: { sections: 'الأقسام التي تتابعها: ', authors: 'الكتّاب الذين تتابعهم: ', comma: '، ' },
  en: { sections: 'Sections you follow: ', authors: 'Writers you follow: ', comma: ', ' },
};

/** `الأقسام التي تتابعها: رأي، اقتصاد · الكتّاب الذين تتابعهم: …` for a segment; empty for everything. */
export async function followingLabel(db: Deps['db'], segmentKey: string, locale: DigestLocale = 'ar'): Promise<string> {
  const topics = topicsOfSegment(segmentKey);
  const words = FOLLOWING[locale];
  const names = async (kind: 'section' | 'author', ids: string[]) =>
    (await termsByIds(db, kind, ids)).map((t) => t.name).sort((a, b) => a.localeCompare(b, 'ar')).join(words.comma);
  const parts: string[] = [];
  if (topics.sections.length) parts.push(`${words.sections}${await names('section', topics.sections)}`);
  if (topics.authors.length) parts.push(`${words.authors}${await names('author', topics.authors)}`);
  return parts.join(' · ');
}

/** The edition's content in `locale`, or null when it has no piece left that is still published. */
export async function editionContent(deps: Pick<Deps, 'db' | 'config'>, edition: EditionRow, locale: DigestLocale = 'ar'): Promise<DigestContent | null> {
  // A piece unpublished since the edition was planned is left out.
  const list = (await getArticlesByIds(deps.db, JSON.parse(edition.articleIds) as string[])).filter((a) => a.status === 'published');
  if (list.length === 0) return null;
  const extras = { archiveUrl: editionArchiveUrl(deps.config, edition.id, locale), followingLabel: await followingLabel(deps.db, edition.segmentKey, locale) };
  return digestContent(deps.config, edition, list, extras, locale);
}

export async function renderEdition(deps: Pick<Deps, 'db' | 'config'>, editionId: string, locale: DigestLocale = 'ar'): Promise<RenderedDigest | null> {
  const edition = await findEditionById(deps.db, editionId);
  const content = edition ? await editionContent(deps, edition, locale) : null;
  return content ? renderDigestContent(content, locale) : null;
}
