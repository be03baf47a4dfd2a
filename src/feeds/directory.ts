/** Every feed Nashra serves: the site's, and one per section, author and tag. */
import { asc, sql } from 'drizzle-orm';
import type { Deps } from '../deps.js';
import { escapeHtml } from '../email/template.js';
import { authors, sections, tags } from '../storage/schema.js';
import { FEED_FORMATS, type FeedFormat } from './formats.js';
import { feedUrl } from './links.js';
import { siteScope, termScope, type FeedScope } from './scope.js';
import { xmlChars } from './xml-text.js';

export type FeedGroup = { label: string; scopes: FeedScope[] };
export type ListedFeed = { scope: FeedScope; urls: Record<FeedFormat, string> };

// Terms with at least one published article: an empty feed is not worth listing.
const hasPublished = {
  section: sql`exists (select 1 from articles a where a.section_id = ${sections.id} and a.status = 'published')`,
  author: sql`exists (select 1 from articles a where a.author_id = ${authors.id} and a.status = 'published')`,
  tag: sql`exists (select 1 from article_tags t join articles a on a.id = t.article_id where t.tag_id = ${tags.id} and a.status = 'published')`,
};

/** The site feed first, then sections, authors and tags that have published articles, by name. */
export async function feedGroups(deps: Pick<Deps, 'db' | 'config'>): Promise<FeedGroup[]> {
  const { db, config } = deps;
  const terms = async (kind: 'section' | 'author' | 'tag', table: typeof sections | typeof authors | typeof tags) =>
    (await db.select({ id: table.id, slug: table.slug, name: table.name }).from(table).where(hasPublished[kind]).orderBy(asc(table.name)).all()).map((t) =>
      termScope(config, kind, t),
    );
  return [
    { label: 'الموقع', scopes: [siteScope(config)] },
    { label: 'الأقسام', scopes: await terms('section', sections) },
    { label: 'الكتّاب', scopes: await terms('author', authors) },
    { label: 'الوسوم', scopes: await terms('tag', tags) },
  ];
}

export function urlsOf(config: Deps['config'], scope: FeedScope): Record<FeedFormat, string> {
  return Object.fromEntries(FEED_FORMATS.map((f) => [f, feedUrl(config, scope, f)])) as Record<FeedFormat, string>;
}

const attr = (s: string) => escapeHtml(xmlChars(s));

/** OPML 2.0 of every feed (RSS addresses), grouped as on the feeds page; importable by readers. */
export function feedsOpml(config: Deps['config'], groups: FeedGroup[]): string {
  const outline = (s: FeedScope) =>
    `<outline type="rss" text="${attr(s.title)}" title="${attr(s.title)}" description="${attr(s.description)}" xmlUrl="${attr(feedUrl(config, s, 'rss'))}" htmlUrl="${attr(s.homeUrl)}" language="ar"/>`;
  const body = groups
    .filter((g) => g.scopes.length > 0)
    .map((g, i) => (i === 0 ? g.scopes.map(outline).join('\n    ') : `<outline text="${attr(g.label)}">\n      ${g.scopes.map(outline).join('\n      ')}\n    </outline>`))
    .join('\n    ');
  return `<?xml version="1.0" encoding="utf-8"?>
<opml version="2.0">
  <head>
    <title>${attr(config.SITE_NAME)}</title>
    <ownerId>${attr(config.PUBLIC_URL)}/feeds</ownerId>
    <docs>http://opml.org/spec2.opml</docs>
  </head>
  <body>
    ${body}
  </body>
</opml>
`;
}
