/**
 * Atom additions. `feed` 6.0.0 (pinned) has no extension point for Atom: it declares no
 * language, writes only alternate/self/hub links, and derives an enclosure's MIME type from
 * the URL's file extension (`image/jpg`, or nonsense without one). So its output gets these
 * additions at the two element boundaries its serializer writes verbatim: the root start tag
 * and each `<entry>` start tag. Those strings cannot occur elsewhere in the document: every
 * text we pass is escaped (titles and summaries as HTML, content is sanitized HTML whose text
 * is escaped), so a literal `<entry>` or `<feed ` only ever starts an element.
 */
import type { ArticleRecord } from '../storage/articles.js';
import { registeredImageType } from './formats.js';
import type { FeedLinks } from './links.js';
import { attr } from './xml-text.js';

const ROOT = '<feed xmlns="http://www.w3.org/2005/Atom">';
const HISTORY = 'http://purl.org/syndication/history/1.0';

function link(rel: string, href: string, type = 'application/atom+xml'): string {
  return `\n    <link rel="${rel}" href="${attr(href)}" type="${type}"/>`;
}

export function finishAtom(xml: string, items: ArticleRecord[], links: FeedLinks): string {
  if (!xml.includes(ROOT)) throw new Error('feed: unexpected Atom root element; check the feed package version');
  let extra = '';
  if (links.archive) extra += link('current', links.current) + `\n    <fh:archive xmlns:fh="${HISTORY}"/>`;
  if (links.prevArchive) extra += link('prev-archive', links.prevArchive);
  if (links.nextArchive) extra += link('next-archive', links.nextArchive);
  let i = 0;
  return xml
    .replace(ROOT, `<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="ar">${extra}`)
    .replace(/<entry>/g, (start) => {
      const a = items[i++];
      if (!a?.imageUrl) return start;
      const length = a.imageLength ? ` length="${attr(a.imageLength)}"` : '';
      return `${start}\n        <link rel="enclosure" href="${attr(a.imageUrl)}" type="${attr(registeredImageType(a.imageType ?? 'image/jpeg'))}"${length}/>`;
    });
}
