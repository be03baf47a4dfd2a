/**
 * JSON Feed 1.1. `feed` writes the top-level object (JSON Feed 1.0, no items); the items are
 * ours, with the fields `feed` wrote for them, upgraded to 1.1 (`authors`, `language`) and with
 * image attachments. Text loses the characters XML forbids here too, so every format carries
 * the same text (and no lone surrogate reaches a JSON reader that would reject it).
 */
import type { Config } from '../config.js';
import type { Entry } from './entries.js';
import type { FeedLinks } from './links.js';
import { xmlChars } from './xml-text.js';

const str = JSON.stringify;

/** `values` as JSON.stringify(…, null, 2) writes an array whose items sit at `indent`. */
function array(values: string[], indent: string): string {
  return values.length ? `[\n${indent}  ${values.join(`,\n${indent}  `)}\n${indent}]` : '[]';
}

/**
 * One item, written as JSON.stringify(item, null, 2) writes it two levels deep (the same
 * bytes), but field by field: the generic path re-scanned every body for line breaks to indent.
 */
function jsonItem(e: Entry): string {
  const I = '\n      ';
  let x = `{${I}"id": ${str(xmlChars(e.id))},${I}"content_html": ${str(xmlChars(e.contentHtml))}`;
  if (e.link) x += `,${I}"url": ${str(e.link)}`;
  if (e.title) x += `,${I}"title": ${str(xmlChars(e.title))}`;
  if (e.summary) x += `,${I}"summary": ${str(xmlChars(e.summary))}`;
  if (e.image) x += `,${I}"image": ${str(e.image.url)}`;
  x += `,${I}"date_modified": ${str(e.updated.toISOString())},${I}"date_published": ${str(e.published.toISOString())}`;
  x += `,${I}"tags": ${array(e.categories.map((c) => str(xmlChars(c.name))), '      ')}`;
  x += `,${I}"authors": ${array([`{\n          "name": ${str(xmlChars(e.author))}\n        }`], '      ')}`;
  x += `,${I}"language": "ar"`;
  if (e.image) {
    const size = e.image.length ? `,\n          "size_in_bytes": ${e.image.length}` : '';
    const attachment = `{\n          "url": ${str(e.image.url)},\n          "mime_type": ${str(xmlChars(e.image.type))}${size}\n        }`;
    x += `,${I}"attachments": ${array([attachment], '      ')}`;
  }
  return `${x}\n    }`;
}

const ITEMS_PLACEHOLDER = '\u0000items\u0000';

/**
 * The document from `feed`'s item-less JSON Feed 1.0: upgraded to 1.1 (`authors` beside
 * `author`, `language`), with the older page (`next_url`), the hub, and the items. Returned in
 * parts (the head, one per item, the tail; see buildFeedParts): the head is written with a
 * placeholder string for the items, which no text can equal since every text loses its NUL.
 */
export function finishJson(json: string, config: Config, entries: Entry[], links: FeedLinks): string[] {
  const out = JSON.parse(json) as Record<string, unknown>;
  out.version = 'https://jsonfeed.org/version/1.1';
  // Assigned in place, so `items` keeps the position `feed` gave it among the keys.
  out.items = ITEMS_PLACEHOLDER;
  out.language = 'ar';
  out.authors = [{ name: config.SITE_NAME, url: config.SITE_URL }];
  out.feed_url = links.self;
  if (links.prevArchive) out.next_url = links.prevArchive;
  if (links.hub) out.hubs = [{ type: 'WebSub', url: links.hub }];
  const [head, tail] = JSON.stringify(out, null, 2).split(JSON.stringify(ITEMS_PLACEHOLDER)) as [string, string];
  if (entries.length === 0) return [`${head}[]${tail}`];
  const items = entries.map((e, i) => `${i === 0 ? '[\n    ' : ',\n    '}${jsonItem(e)}`);
  return [head, ...items, `\n  ]${tail}`];
}
