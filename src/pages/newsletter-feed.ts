/**
 * Feeds of newsletter editions: RSS 2.0, Atom 1.0 and JSON Feed 1.1, one item per edition that
 * went out (newest first), its pieces as an HTML list. Items are written by the article feeds'
 * own writers (`rssItem`, `atomEntry`) with the same escaping helpers; the heads are small and
 * fixed, so they are written here rather than through the `feed` package (which stamps "now",
 * writes JSON Feed 1.0 and no `xml:lang`). Every date comes from the editions, never the clock,
 * so an unchanged archive gives the same bytes.
 */
import type { Config } from '../config.js';
import type { FeedEdition } from '../digests/archive.js';
import type { DigestContent } from '../email/digest.js';
import { atomEntry } from '../feeds/atom.js';
import { httpUrl, rtlContent, singleLine, type Entry } from '../feeds/entries.js';
import type { FeedFormat } from '../feeds/formats.js';
import { rssItem } from '../feeds/rss.js';
import { attr, xmlChars, xmlText } from '../feeds/xml-text.js';
import { FREQUENCY_ADJECTIVE } from '../locale.js';
import { escapeHtml as h } from '../text/html.js';

/** Paths of the edition feeds, by format (literal routes: see routes/newsletter.ts). */
export const EDITION_FEED_PATHS: Record<FeedFormat, string> = {
  rss: '/newsletter/feed.rss',
  atom: '/newsletter/feed.atom',
  json: '/newsletter/feed.json',
};

type FeedConfig = Pick<Config, 'PUBLIC_URL' | 'SITE_URL' | 'SITE_NAME'>;

const titleOf = (config: FeedConfig) => `${config.SITE_NAME}: أرشيف النشرة البريدية`;
const DESCRIPTION = 'أعداد النشرة البريدية كما وصلت إلى المشتركين، عددًا عددًا.';
const PROLOG = '<?xml version="1.0" encoding="utf-8"?>\n<?xml-stylesheet type="text/xsl" href="/feed.xsl"?>\n';

/** The edition's pieces as HTML: date, what its readers follow, then each piece linked. Text is escaped here. */
export function piecesHtml(content: DigestContent): string {
  const following = content.followingLabel ? `<p>${h(content.followingLabel)}</p>` : '';
  const items = content.articles.map((a) => {
    const link = httpUrl(a.link);
    const title = link ? `<a href="${h(link)}">${h(a.title)}</a>` : h(a.title);
    return `<li><strong>${title}</strong><br>${h(a.section)} · ${h(a.author)}<br>${h(a.excerpt)}</li>`;
  });
  return `<p>${h(content.dateLabel)}</p>${following}<ul>${items.join('')}</ul>`;
}

/** The item every format writes for an edition. */
export function editionEntry(item: FeedEdition, siteName: string): Entry {
  const { content, edition } = item;
  return {
    id: content.archiveUrl,
    title: singleLine(content.subject),
    summary: content.articles.map((a) => singleLine(a.title)).join(' · '),
    contentHtml: rtlContent(piecesHtml(content)),
    link: content.archiveUrl,
    author: singleLine(siteName),
    categories: [{ name: `النشرة ${FREQUENCY_ADJECTIVE[edition.cadence]}`, term: edition.cadence }],
    image: undefined,
    updated: item.published,
    published: item.published,
  };
}

/** The newest item's date: the feed's last change. An empty feed has the epoch, which is just as stable. */
function updatedOf(items: FeedEdition[]): Date {
  return new Date(Math.max(0, ...items.map((i) => i.published.getTime())));
}

const selfOf = (config: FeedConfig, format: FeedFormat) => `${config.PUBLIC_URL}${EDITION_FEED_PATHS[format]}`;
const archiveOf = (config: FeedConfig) => `${config.PUBLIC_URL}/newsletter/archive`;

function rss(config: FeedConfig, items: FeedEdition[]): string {
  const ns = 'xmlns:atom="http://www.w3.org/2005/Atom" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:content="http://purl.org/rss/1.0/modules/content/"';
  const I = '\n        ';
  return `${PROLOG}<rss version="2.0" ${ns}>\n    <channel>${I}<title>${xmlText(titleOf(config))}</title>${I}<link>${xmlText(archiveOf(config))}</link>`
    + `${I}<description>${xmlText(DESCRIPTION)}</description>${I}<lastBuildDate>${updatedOf(items).toUTCString()}</lastBuildDate>`
    + `${I}<docs>https://validator.w3.org/feed/docs/rss2.html</docs>${I}<generator>Nashra</generator>${I}<language>ar</language>`
    + `${I}<atom:link href="${attr(selfOf(config, 'rss'))}" rel="self" type="application/rss+xml"/>`
    + `${items.map((i) => rssItem(editionEntry(i, config.SITE_NAME))).join('')}\n    </channel>\n</rss>\n`;
}

function atom(config: FeedConfig, items: FeedEdition[]): string {
  const I = '\n    ';
  return `${PROLOG}<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="ar">${I}<id>${xmlText(selfOf(config, 'atom'))}</id>`
    + `${I}<title>${xmlText(titleOf(config))}</title>${I}<subtitle>${xmlText(DESCRIPTION)}</subtitle>`
    + `${I}<updated>${updatedOf(items).toISOString()}</updated>${I}<generator>Nashra</generator>`
    + `${I}<author>${I}    <name>${xmlText(config.SITE_NAME)}</name>${I}    <uri>${xmlText(config.SITE_URL)}</uri>${I}</author>`
    + `${I}<link rel="alternate" type="text/html" href="${attr(archiveOf(config))}"/>`
    + `${I}<link rel="self" type="application/atom+xml" href="${attr(selfOf(config, 'atom'))}"/>`
    + `${items.map((i) => atomEntry(editionEntry(i, config.SITE_NAME))).join('')}\n</feed>\n`;
}

/** JSON Feed 1.1; text loses the characters XML forbids, as in the other formats. */
function json(config: FeedConfig, items: FeedEdition[]): string {
  const entries = items.map((i) => editionEntry(i, config.SITE_NAME));
  const doc = {
    version: 'https://jsonfeed.org/version/1.1',
    title: xmlChars(titleOf(config)),
    home_page_url: archiveOf(config),
    feed_url: selfOf(config, 'json'),
    description: DESCRIPTION,
    language: 'ar',
    authors: [{ name: xmlChars(config.SITE_NAME), url: config.SITE_URL }],
    items: entries.map((e) => ({
      id: e.id,
      url: e.link,
      title: xmlChars(e.title),
      content_html: xmlChars(e.contentHtml),
      summary: xmlChars(e.summary),
      date_published: e.published.toISOString(),
      date_modified: e.updated.toISOString(),
      authors: [{ name: xmlChars(e.author) }],
      tags: e.categories.map((c) => c.name),
      language: 'ar',
    })),
  };
  return `${JSON.stringify(doc, null, 2)}\n`;
}

/** The edition feed in `format`: well-formed for any text in the editions, the same bytes for the same editions. */
export function editionFeed(config: FeedConfig, items: FeedEdition[], format: FeedFormat): string {
  if (format === 'rss') return rss(config, items);
  if (format === 'atom') return atom(config, items);
  return json(config, items);
}
