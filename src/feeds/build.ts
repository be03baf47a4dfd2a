/**
 * Articles to RSS 2.0, Atom 1.0 and JSON Feed 1.1. The `feed` package writes the documents;
 * `rss.ts`, `atom.ts`, `xml-text.ts` and `finishJson` below cover what it does not do, each
 * saying why. `updated` is always the feed's last change, never "now", so an unchanged feed
 * is byte-identical.
 */
import { Feed, type Item } from 'feed';
import type { Config } from '../config.js';
import { escapeHtml } from '../email/template.js';
import type { ArticleRecord } from '../storage/articles.js';
import { finishAtom } from './atom.js';
import { registeredImageType, type FeedFormat } from './formats.js';
import type { FeedLinks } from './links.js';
import { rssChannelExtensions, rssItemExtensions } from './rss.js';
import type { FeedScope } from './scope.js';
import { forAttribute, forCdata, forText } from './xml-text.js';

export { FEED_CONTENT_TYPES, type FeedFormat } from './formats.js';

export type FeedDocumentInput = {
  scope: Pick<FeedScope, 'title' | 'description' | 'homeUrl'>;
  items: ArticleRecord[];
  updated: Date;
  /** Links per format: the document's own URL and its place among the archives. */
  links: Record<FeedFormat, FeedLinks>;
};

/** Wraps item HTML so readers lay it out right to left; the RLM helps readers that use dir="auto". */
export function rtlContent(html: string): string {
  return `<div dir="rtl" lang="ar">\u200f${html}</div>`;
}

const same = (t: string) => t;

/**
 * How plain text is written in each format (see xml-text.ts). Titles and summaries are escaped
 * as HTML in XML: `feed` types them "html" in Atom, an RSS description is HTML by convention,
 * and RSS readers treat titles as HTML too (the RSS Board advises escaping `&` and `<`), so a
 * "<" in a title never reaches a reader as markup. JSON Feed titles and summaries are plain.
 */
function writers(format: FeedFormat) {
  const xml = format !== 'json';
  return {
    html: xml ? (t: string) => forCdata(escapeHtml(t)) : same,
    content: xml ? forCdata : same,
    text: xml ? forText : same,
    // Atom writes category label and term as attributes, which `feed` escapes only for `&`.
    attribute: format === 'atom' ? forAttribute : xml ? forText : same,
  };
}

function itemOf(a: ArticleRecord, format: FeedFormat): Item {
  const w = writers(format);
  return {
    title: w.html(a.title),
    id: `urn:nashra:article:${a.id}`,
    guid: `urn:nashra:article:${a.id}`,
    link: a.canonicalUrl,
    date: a.updatedAt,
    published: a.publishedAt ?? a.updatedAt,
    description: w.html(a.summary),
    content: w.content(rtlContent(a.contentHtml)),
    // RSS names the author with dc:creator (an extension); <author> would need an email.
    ...(format === 'rss' ? { extensions: rssItemExtensions(a) } : { author: [{ name: w.text(a.author.name) }] }),
    category: [a.section, ...a.tags].map((t) => ({ name: w.attribute(t.name), term: w.attribute(t.slug) })),
    // Atom enclosures are added by finishAtom, which knows the real MIME type.
    ...(a.imageUrl && format !== 'atom' ? { image: { url: a.imageUrl, type: registeredImageType(a.imageType ?? 'image/jpeg'), length: a.imageLength ?? 0 } } : {}),
  };
}

/**
 * The feed document for `doc` in `format`: well-formed for any text in the articles, with
 * `doc.updated` as its update time (never "now"), so the same input gives the same bytes.
 */
export function buildFeed(config: Config, doc: FeedDocumentInput, format: FeedFormat): string {
  const links = doc.links[format];
  const w = writers(format);
  const feed = new Feed({
    id: doc.links.atom.self,
    title: w.text(doc.scope.title),
    description: w.text(doc.scope.description),
    link: doc.scope.homeUrl,
    language: 'ar',
    updated: doc.updated,
    generator: 'Nashra',
    copyright: w.text(`© ${config.SITE_NAME}`),
    // Atom needs a feed author when an entry may lack one (an empty feed): the publication.
    author: { name: w.text(config.SITE_NAME), link: config.SITE_URL },
    ...(format === 'atom' && links.hub ? { hub: links.hub } : {}),
    // Relative, so the browser fetches the stylesheet from the origin it opened the feed on.
    ...(format !== 'json' ? { stylesheet: '/feed.xsl' } : {}),
    feedLinks: { rss: doc.links.rss.self, atom: doc.links.atom.self, json: doc.links.json.self },
  });
  if (format === 'rss') for (const e of rssChannelExtensions(links)) feed.addExtension(e);
  for (const a of doc.items) feed.addItem(itemOf(a, format));
  if (format === 'rss') return feed.rss2();
  if (format === 'atom') return finishAtom(feed.atom1(), doc.items, links);
  return finishJson(feed.json1(), config, doc, links);
}

/**
 * `feed` writes JSON Feed 1.0: upgrade to 1.1 (`authors` instead of `author`, `language`),
 * and add what it leaves out: the older page (`next_url`), the hub, image attachments.
 */
function finishJson(json: string, config: Config, doc: FeedDocumentInput, links: FeedLinks): string {
  const out = JSON.parse(json) as Record<string, unknown> & { items: Record<string, unknown>[] };
  out.version = 'https://jsonfeed.org/version/1.1';
  out.language = 'ar';
  out.authors = [{ name: config.SITE_NAME, url: config.SITE_URL }];
  out.feed_url = links.self;
  if (links.prevArchive) out.next_url = links.prevArchive;
  if (links.hub) out.hubs = [{ type: 'WebSub', url: links.hub }];
  out.items.forEach((item, i) => {
    const a = doc.items[i] as ArticleRecord;
    item.authors = [{ name: a.author.name }];
    delete item.author;
    item.language = 'ar';
    if (a.imageUrl) {
      item.attachments = [{ url: a.imageUrl, mime_type: registeredImageType(a.imageType ?? 'image/jpeg'), ...(a.imageLength ? { size_in_bytes: a.imageLength } : {}) }];
    }
  });
  return JSON.stringify(out, null, 2);
}
