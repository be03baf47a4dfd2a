/**
 * Articles to RSS 2.0, Atom 1.0 and JSON Feed. The `feed` package writes the documents; the
 * adjustments below cover what it does not do (see `finish*`). `updated` is always the newest
 * change among the items, never "now", so an unchanged feed is byte-identical.
 */
import { Feed } from 'feed';
import type { Config } from '../config.js';
import type { ArticleRecord } from '../storage/articles.js';
import { escapeHtml } from '../email/template.js';
import { forAttribute, forCdata, xmlChars } from './xml-text.js';

export type FeedFormat = 'rss' | 'atom' | 'json';

export const FEED_CONTENT_TYPES: Record<FeedFormat, string> = {
  rss: 'application/rss+xml; charset=utf-8',
  atom: 'application/atom+xml; charset=utf-8',
  json: 'application/feed+json; charset=utf-8',
};

export type FeedScope = { title: string; description: string; path: string; homeUrl: string };

/** Wraps item HTML so readers lay it out right to left; the RLM helps readers that use dir="auto". */
export function rtlContent(html: string): string {
  return `<div dir="rtl" lang="ar">\u200f${html}</div>`;
}

export function buildFeed(config: Config, scope: FeedScope, items: ArticleRecord[], format: FeedFormat): string {
  const base = `${config.PUBLIC_URL}${scope.path}`;
  const updated = new Date(Math.max(0, ...items.map((a) => a.updatedAt.getTime())));
  const feed = new Feed({
    id: `${base}/feed.atom`,
    title: xmlChars(scope.title),
    description: xmlChars(scope.description),
    link: scope.homeUrl,
    language: 'ar',
    updated,
    generator: 'Nashra',
    // Relative, so the browser fetches the stylesheet from the origin it opened the feed on.
    ...(format === 'json' ? {} : { stylesheet: '/feed.xsl' }),
    copyright: `© ${config.SITE_NAME}`,
    feedLinks: { rss: `${base}/feed.rss`, atom: `${base}/feed.atom`, json: `${base}/feed.json` },
  });
  // XML formats need their text made safe for the `feed` package (see xml-text.ts); JSON does not.
  // Atom titles and summaries are written as type="html", so plain text is escaped as HTML first.
  const same = (t: string) => t;
  const cdata = format === 'json' ? same : format === 'atom' ? (t: string) => forCdata(escapeHtml(t)) : forCdata;
  const text = format === 'json' ? same : xmlChars;
  const label = format === 'atom' ? forAttribute : text;
  for (const a of items) {
    feed.addItem({
      title: cdata(a.title),
      id: `urn:nashra:article:${a.id}`,
      guid: `urn:nashra:article:${a.id}`,
      link: a.canonicalUrl,
      date: a.updatedAt,
      published: a.publishedAt ?? a.updatedAt,
      description: cdata(a.summary),
      content: forCdataOrJson(format, rtlContent(a.contentHtml)),
      author: [{ name: text(a.author.name), link: `${config.PUBLIC_URL}/authors/${encodeURIComponent(a.author.slug)}` }],
      category: [a.section, ...a.tags].map((t) => ({ name: label(t.name), term: text(t.slug) })),
      ...(a.imageUrl ? { image: { url: a.imageUrl, type: a.imageType ?? undefined, length: a.imageLength ?? undefined } } : {}),
    });
  }
  if (format === 'rss') return feed.rss2();
  if (format === 'atom') return finishAtom(feed.atom1());
  return finishJson(feed.json1());
}

/** Content is HTML already: made CDATA-safe for XML, left alone for JSON. */
function forCdataOrJson(format: FeedFormat, html: string): string {
  return format === 'json' ? html : forCdata(html);
}

/** `feed` declares no language on Atom documents: add `xml:lang` to the root element. */
function finishAtom(xml: string): string {
  return xml.replace(/<feed\s/, '<feed xml:lang="ar" ');
}

/** `feed` writes JSON Feed 1.0 without `language`; upgrade to 1.1 (`authors`, `language`). */
function finishJson(json: string): string {
  const doc = JSON.parse(json) as Record<string, unknown> & { items?: Record<string, unknown>[] };
  doc.version = 'https://jsonfeed.org/version/1.1';
  doc.language = 'ar';
  for (const item of doc.items ?? []) {
    if (item.author) {
      item.authors = [item.author];
      delete item.author;
    }
    item.language = 'ar';
  }
  return JSON.stringify(doc, null, 2);
}
