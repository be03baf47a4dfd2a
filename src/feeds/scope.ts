/**
 * Which feed a request is for: the whole site, one section, one author or one tag. Each scope
 * has a key (used for feed state, cache and statistics), a path, a title and the filter that
 * selects its articles.
 */
import type { Config } from '../config.js';
import type { Deps } from '../deps.js';
import { AppError } from '../errors.js';
import type { PublishedFilter } from '../storage/articles.js';
import { findTermBySlug, type TermKind } from '../storage/taxonomy.js';

export type FeedKind = 'site' | 'section' | 'author' | 'tag';

export type FeedScope = {
  key: string;
  kind: FeedKind;
  /** Path before `/feed.rss`: '' for the site, `/sections/<slug>` and so on. */
  path: string;
  title: string;
  description: string;
  homeUrl: string;
  filter: PublishedFilter;
};

const PLURAL = { section: 'sections', author: 'authors', tag: 'tags' } as const;

export function siteScope(config: Config): FeedScope {
  return { key: 'all', kind: 'site', path: '', title: config.SITE_NAME, description: config.SITE_DESCRIPTION, homeUrl: config.SITE_URL, filter: {} };
}

export function termScope(config: Config, kind: TermKind, term: { id: string; slug: string; name: string }): FeedScope {
  const text = {
    section: { title: `${config.SITE_NAME}: ${term.name}`, description: `أحدث المقالات في قسم «${term.name}»` },
    author: { title: `${config.SITE_NAME}: ${term.name}`, description: `أحدث مقالات ${term.name}` },
    tag: { title: `${config.SITE_NAME}: #${term.name}`, description: `أحدث المقالات عن «${term.name}»` },
  }[kind];
  const filter: PublishedFilter = kind === 'section' ? { sectionIds: [term.id] } : kind === 'author' ? { authorId: term.id } : { tagId: term.id };
  return { key: `${kind}:${term.id}`, kind, path: `/${PLURAL[kind]}/${encodeURIComponent(term.slug)}`, ...text, homeUrl: config.SITE_URL, filter };
}

/** The scope of a section, author or tag by slug. Throws `not_found` for an unknown slug. */
export async function resolveScope(deps: Pick<Deps, 'db' | 'config'>, kind: TermKind, slug: string): Promise<FeedScope> {
  const term = await findTermBySlug(deps.db, kind, slug);
  if (!term) throw new AppError('not_found', `No ${kind} "${slug}"`);
  return termScope(deps.config, kind, term);
}

/** Keys of every feed an article appears in. */
export function feedKeysOf(a: { sectionId: string; authorId: string; tagIds: string[] }): string[] {
  return ['all', `section:${a.sectionId}`, `author:${a.authorId}`, ...a.tagIds.map((id) => `tag:${id}`)];
}
