/**
 * RSS 2.0: the channel's links through `feed`'s extension points, and the items, which we
 * write ourselves (see {@link finishRss}). Namespaces `feed` does not know are declared on the
 * elements that use them, which XML Namespaces allow and every parser accepts.
 */
import type { Extension } from 'feed';
import { escapeHtml } from '../text/html.js';
import type { Entry, EntryImage } from './entries.js';
import type { FeedLinks } from './links.js';
import { attr, cdata, xmlText } from './xml-text.js';

const MRSS = 'http://search.yahoo.com/mrss/';
const HISTORY = 'http://purl.org/syndication/history/1.0';

/** Channel `atom:link`s (self, hub, RFC 5005 archive links) and `fh:archive` on archive pages. */
export function rssChannelExtensions(links: FeedLinks): Extension[] {
  const rss = 'application/rss+xml';
  const link = (rel: string, href: string, type?: string) => ({ _attributes: { href: attr(href), rel, ...(type ? { type } : {}) } });
  const atomLinks = [link('self', links.self, rss)];
  if (links.hub) atomLinks.push(link('hub', links.hub));
  if (links.archive) atomLinks.push(link('current', links.current, rss));
  if (links.prevArchive) atomLinks.push(link('prev-archive', links.prevArchive, rss));
  if (links.nextArchive) atomLinks.push(link('next-archive', links.nextArchive, rss));
  // Replaces the channel's atom:link list that `feed` builds, so self and hub are listed here too.
  const ext: Extension[] = [{ name: 'atom:link', objects: atomLinks as unknown as Record<string, unknown> }];
  if (links.archive) ext.push({ name: 'fh:archive', objects: { _attributes: { 'xmlns:fh': HISTORY } } });
  return ext;
}

// Indentation as `feed` writes the channel: items at two levels, their elements at three.
const IN = '\n            ';

/** Media RSS for the lead image: the element, its alt text, and a thumbnail for list views. */
function media(image: EntryImage): string {
  const size = image.length ? ` fileSize="${image.length}"` : '';
  const open = `${IN}<media:content xmlns:media="${MRSS}" url="${attr(image.url)}" type="${attr(image.type)}" medium="image"${size}`;
  const content = image.alt
    ? `${open}>${IN}    <media:description type="plain">${xmlText(image.alt)}</media:description>${IN}</media:content>`
    : `${open}/>`;
  return `${content}${IN}<media:thumbnail xmlns:media="${MRSS}" url="${attr(image.url)}"/>`;
}

/**
 * One `<item>`. Title and description are plain text escaped as HTML (an RSS description is
 * HTML by convention, and readers treat titles as HTML too: the RSS Board advises escaping `&`
 * and `<`), so a "<" in a title never reaches a reader as markup. The author is `dc:creator`:
 * RSS `<author>` must be an email address, which we do not publish.
 */
export function rssItem(e: Entry): string {
  let x = '\n        <item>';
  if (e.title) x += `${IN}<title>${cdata(escapeHtml(e.title))}</title>`;
  if (e.link) x += `${IN}<link>${xmlText(e.link)}</link>`;
  x += `${IN}<guid isPermaLink="false">${xmlText(e.id)}</guid>`;
  x += `${IN}<pubDate>${e.published.toUTCString()}</pubDate>`;
  if (e.summary) x += `${IN}<description>${cdata(escapeHtml(e.summary))}</description>`;
  x += `${IN}<content:encoded>${cdata(e.contentHtml)}</content:encoded>`;
  for (const c of e.categories) x += `${IN}<category>${xmlText(c.name)}</category>`;
  // RSS requires an enclosure's length; 0 is the usual way to say it is unknown.
  if (e.image) x += `${IN}<enclosure length="${e.image.length ?? 0}" type="${attr(e.image.type)}" url="${attr(e.image.url)}"/>`;
  x += `${IN}<dc:creator>${xmlText(e.author)}</dc:creator>`;
  if (e.image) x += media(e.image);
  return `${x}\n        </item>`;
}

const ROOT = '<rss version="2.0"';
const CHANNEL_END = '\n    </channel>';
// `feed` declares these only when it writes an item with content, and it writes none.
const ITEM_NAMESPACES = ' xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:content="http://purl.org/rss/1.0/modules/content/"';

/**
 * Adds the items to the item-less channel `feed` wrote: their namespaces on the root start
 * tag, the items before the channel's end tag. Returns the document in parts (see buildFeedParts). Only the fixed prolog precedes the root and only
 * `</rss>` follows the channel, so the first `<rss version="2.0"` and the last `</channel>` are
 * those tags whatever the head's text holds. Throws if `feed` wrote another shape.
 */
export function finishRss(xml: string, entries: Entry[]): string[] {
  const root = xml.indexOf(ROOT);
  const end = xml.lastIndexOf(CHANNEL_END);
  if (root === -1 || end === -1 || xml.slice(root, xml.indexOf('>', root)).includes('xmlns:dc')) {
    throw new Error('feed: unexpected RSS document; check the feed package version');
  }
  const at = root + ROOT.length;
  return [xml.slice(0, at), ITEM_NAMESPACES, xml.slice(at, end), ...entries.map(rssItem), xml.slice(end)];
}
