/**
 * RSS 2.0 additions, written through `feed`'s own extension points (item and channel
 * extensions become elements as given). Namespaces `feed` does not know are declared on the
 * elements that use them, which XML Namespaces allow and every parser accepts.
 */
import type { Extension } from 'feed';
import type { ArticleRecord } from '../storage/articles.js';
import { registeredImageType } from './formats.js';
import type { FeedLinks } from './links.js';
import { attr, forText } from './xml-text.js';

const MRSS = 'http://search.yahoo.com/mrss/';
const HISTORY = 'http://purl.org/syndication/history/1.0';

/**
 * Per item: `dc:creator` for the author (RSS `<author>` must be an email address, which we do
 * not publish), and `media:content`/`media:thumbnail` for the lead image.
 */
export function rssItemExtensions(a: ArticleRecord): Extension[] {
  const ext: Extension[] = [{ name: 'dc:creator', objects: { _text: forText(a.author.name) } }];
  if (a.imageUrl) {
    const type = registeredImageType(a.imageType ?? 'image/jpeg');
    const content: Record<string, string> = { 'xmlns:media': MRSS, url: attr(a.imageUrl), type: attr(type), medium: 'image' };
    if (a.imageLength) content.fileSize = attr(a.imageLength);
    ext.push({ name: 'media:content', objects: { _attributes: content, ...(a.imageAlt ? { 'media:description': { _attributes: { type: 'plain' }, _text: forText(a.imageAlt) } } : {}) } });
    ext.push({ name: 'media:thumbnail', objects: { _attributes: { 'xmlns:media': MRSS, url: attr(a.imageUrl) } } });
  }
  return ext;
}

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
