/** Every feed Nashra serves: the site's, and one per section, author and tag. */
import type { Deps } from '../deps.js';
import { termsInUse, type TermKind } from '../storage/taxonomy.js';
import { escapeHtml } from '../text/html.js';
import { FEED_FORMATS, type FeedFormat } from './formats.js';
import { feedUrl } from './links.js';
import { siteScope, termScope, type FeedScope } from './scope.js';
import { xmlChars } from './xml-text.js';

export type FeedGroup = { label: string; scopes: FeedScope[] };
export type ListedFeed = { scope: FeedScope; urls: Record<FeedFormat, string> };

/** The site feed first, then sections, authors and tags that have published articles, by name. */
export async function feedGroups(deps: Pick<Deps, 'db' | 'config'>): Promise<FeedGroup[]> {
  const { db, config } = deps;
  // Only terms with a published article: an empty feed is not worth listing.
  const terms = async (kind: TermKind) => (await termsInUse(db, kind)).map((t) => termScope(config, kind, t));
  return [
    { label: 'الموقع', scopes: [siteScope(config)] },
    { label: 'الأقسام', scopes: await terms('section') },
    { label: 'الكتّاب', scopes: await terms('author') },
    { label: 'الوسوم', scopes: await terms('tag') },
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
