/**
 * Atom 1.0: the entries, which we write ourselves, and what the feed element lacks. `feed`
 * 6.0.0 (pinned) has no extension point for Atom: it declares no language and writes only
 * alternate/self/hub links. So the document it writes, with no entries, gets additions at the
 * two places its serializer writes verbatim: after the root start tag and before `</feed>`.
 */
import { escapeHtml } from '../text/html.js';
import type { Entry } from './entries.js';
import type { FeedLinks } from './links.js';
import { attr, cdata, xmlText } from './xml-text.js';

const ROOT = '<feed xmlns="http://www.w3.org/2005/Atom">';
const FEED_END = '\n</feed>';
const HISTORY = 'http://purl.org/syndication/history/1.0';

// Indentation as `feed` writes the document: entries at one level, their elements at two.
const IN = '\n        ';

/**
 * One `<entry>`. Title and summary are plain text escaped as HTML and typed "html", so a "<"
 * in a title is shown, never parsed as markup; the content is the article's HTML.
 */
export function atomEntry(e: Entry): string {
  let x = `\n    <entry>${IN}<title type="html">${cdata(escapeHtml(e.title))}</title>`;
  x += `${IN}<id>${xmlText(e.id)}</id>`;
  if (e.link) x += `${IN}<link rel="alternate" href="${attr(e.link)}"/>`;
  if (e.image) {
    const length = e.image.length ? ` length="${e.image.length}"` : '';
    x += `${IN}<link rel="enclosure" href="${attr(e.image.url)}" type="${attr(e.image.type)}"${length}/>`;
  }
  x += `${IN}<updated>${e.updated.toISOString()}</updated>`;
  if (e.summary) x += `${IN}<summary type="html">${cdata(escapeHtml(e.summary))}</summary>`;
  x += `${IN}<content type="html">${cdata(e.contentHtml)}</content>`;
  x += `${IN}<author>${IN}    <name>${xmlText(e.author)}</name>${IN}</author>`;
  for (const c of e.categories) x += `${IN}<category label="${attr(c.name)}" term="${attr(c.term)}"/>`;
  return `${x}${IN}<published>${e.published.toISOString()}</published>\n    </entry>`;
}

function link(rel: string, href: string, type = 'application/atom+xml'): string {
  return `\n    <link rel="${rel}" href="${attr(href)}" type="${type}"/>`;
}

/**
 * Adds `xml:lang`, the RFC 5005 archive links and the entries to the entry-less document `feed`
 * wrote. Only the fixed prolog precedes the root start tag and nothing follows `</feed>`, so
 * the first `ROOT` and the last `</feed>` are those tags whatever the head's text holds.
 * Throws if `feed` wrote another shape. Returns the document in parts (see buildFeedParts).
 */
export function finishAtom(xml: string, entries: Entry[], links: FeedLinks): string[] {
  const root = xml.indexOf(ROOT);
  const end = xml.lastIndexOf(FEED_END);
  if (root === -1 || end === -1) throw new Error('feed: unexpected Atom document; check the feed package version');
  let head = '';
  if (links.archive) head += link('current', links.current) + `\n    <fh:archive xmlns:fh="${HISTORY}"/>`;
  if (links.prevArchive) head += link('prev-archive', links.prevArchive);
  if (links.nextArchive) head += link('next-archive', links.nextArchive);
  const start = `${xml.slice(0, root)}<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="ar">${head}${xml.slice(root + ROOT.length, end)}`;
  return [start, ...entries.map(atomEntry), xml.slice(end)];
}
