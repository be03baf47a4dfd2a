/**
 * Articles to RSS 2.0, Atom 1.0 and JSON Feed 1.1. The `feed` package writes each document's
 * head (metadata, namespaces, stylesheet instruction, links); the entries are ours
 * (`entries.ts`, then `rss.ts`, `atom.ts`, `json.ts`), added to the document `feed` writes with
 * none. Its serializer, xml-js, spent most of a render on them and needed a fix-up per field to
 * stay well-formed. `updated` is always the feed's last change, never "now", so an unchanged
 * feed is byte-identical.
 */
import { Feed } from 'feed';
import type { Config } from '../config.js';
import type { ArticleRecord } from '../storage/articles.js';
import { finishAtom } from './atom.js';
import { entryOf } from './entries.js';
import type { FeedFormat } from './formats.js';
import { finishJson } from './json.js';
import type { FeedLinks } from './links.js';
import { finishRss, rssChannelExtensions } from './rss.js';
import type { FeedScope } from './scope.js';
import { forText, xmlChars } from './xml-text.js';

export { FEED_CONTENT_TYPES, type FeedFormat } from './formats.js';

export type FeedDocumentInput = {
  scope: Pick<FeedScope, 'title' | 'description' | 'homeUrl'>;
  items: ArticleRecord[];
  updated: Date;
  /** Links per format: the document's own URL and its place among the archives. */
  links: Record<FeedFormat, FeedLinks>;
};

/**
 * The feed document for `doc` in `format`: well-formed for any text in the articles, with
 * `doc.updated` as its update time (never "now"), so the same input gives the same bytes.
 * Article HTML is written as stored: it is sanitized on the way in.
 */
export function buildFeed(config: Config, doc: FeedDocumentInput, format: FeedFormat): string {
  return buildFeedParts(config, doc, format).join('');
}

/**
 * {@link buildFeed}'s document as parts in order (the head, one per entry, the tail), for
 * {@link encodeParts}. A full-text feed is a few hundred thousand characters; joining them
 * into one string, or encoding the string concatenation of them, makes the engine build that
 * one large string first, which measured several times the cost of everything else a render
 * does. Encoding the parts one by one into a buffer never builds it.
 */
export function buildFeedParts(config: Config, doc: FeedDocumentInput, format: FeedFormat): string[] {
  const links = doc.links[format];
  // Head text loses the characters XML forbids in JSON too, as the entries' text does.
  const text = format === 'json' ? xmlChars : forText;
  const feed = new Feed({
    id: doc.links.atom.self,
    title: text(doc.scope.title),
    description: text(doc.scope.description),
    link: doc.scope.homeUrl,
    language: 'ar',
    updated: doc.updated,
    generator: 'Nashra',
    copyright: text(`© ${config.SITE_NAME}`),
    // Atom needs a feed author when an entry may lack one (an empty feed): the publication.
    author: { name: text(config.SITE_NAME), link: config.SITE_URL },
    ...(format === 'atom' && links.hub ? { hub: links.hub } : {}),
    // Relative, so the browser fetches the stylesheet from the origin it opened the feed on.
    ...(format !== 'json' ? { stylesheet: '/feed.xsl' } : {}),
    feedLinks: { rss: doc.links.rss.self, atom: doc.links.atom.self, json: doc.links.json.self },
  });
  const entries = doc.items.map(entryOf);
  if (format === 'rss') {
    for (const e of rssChannelExtensions(links)) feed.addExtension(e);
    return finishRss(feed.rss2(), entries);
  }
  if (format === 'atom') return finishAtom(feed.atom1(), entries, links);
  return finishJson(feed.json1(), config, entries, links);
}

const encoder = new TextEncoder();

/** UTF-8 of the parts, concatenated: each written straight into one buffer, then trimmed. */
export function encodeParts(parts: string[]): Uint8Array<ArrayBuffer> {
  let units = 0;
  for (const p of parts) units += p.length;
  // A UTF-16 code unit never takes more than 3 bytes of UTF-8 (a surrogate pair: 4 for 2).
  const buffer = new Uint8Array(units * 3);
  let at = 0;
  for (const p of parts) at += encoder.encodeInto(p, buffer.subarray(at)).written;
  return buffer.slice(0, at);
}
