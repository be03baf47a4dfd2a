/**
 * What every format writes for an article, decided once: which URLs may appear, how
 * single-line text is folded, the image's registered type, the dates. Text is not yet made
 * XML-safe here: each format's writer does that as it writes (rss.ts, atom.ts, json.ts), so a
 * long body is scanned once per document.
 */
import type { ArticleRecord } from '../storage/articles.js';
import { registeredImageType } from './formats.js';

export type EntryImage = { url: string; type: string; length: number | undefined; alt: string };

export type Entry = {
  id: string;
  title: string;
  summary: string;
  /** The article's HTML, as stored (sanitized on the way in), wrapped by {@link rtlContent}. */
  contentHtml: string;
  link: string | undefined;
  author: string;
  /** The section first, then the tags; `term` is the slug. */
  categories: { name: string; term: string }[];
  image: EntryImage | undefined;
  updated: Date;
  published: Date;
};

/** Wraps item HTML so readers lay it out right to left; the RLM helps readers that use dir="auto". */
export function rtlContent(html: string): string {
  return `<div dir="rtl" lang="ar">\u200f${html}</div>`;
}

/**
 * Line breaks in a title or a name become one space, as the article input does: readers show
 * these fields on one line, and a record that never went through the input reads the same.
 */
export function singleLine(text: string): string {
  return text.replace(/[\r\n]+/g, ' ');
}

/**
 * `url` as a URL parser reads it, when its scheme is http or https; otherwise nothing. A
 * reader turns these into links and image sources, so no other scheme (`javascript:`,
 * `data:`) may reach one, whatever is stored. Parsing also percent-encodes spaces, quotes and
 * angle brackets, as `feed` did.
 */
export function httpUrl(url: string | null): string | undefined {
  if (!url) return undefined;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return undefined;
  }
  return parsed.protocol === 'http:' || parsed.protocol === 'https:' ? parsed.href : undefined;
}

/** A byte count worth publishing: a positive whole number, else unknown. */
function knownLength(length: number | null): number | undefined {
  return length !== null && Number.isSafeInteger(length) && length > 0 ? length : undefined;
}

function imageOf(a: ArticleRecord): EntryImage | undefined {
  const url = httpUrl(a.imageUrl);
  if (!url) return undefined;
  return { url, type: registeredImageType(a.imageType ?? 'image/jpeg'), length: knownLength(a.imageLength), alt: singleLine(a.imageAlt ?? '') };
}

export function entryOf(a: ArticleRecord): Entry {
  return {
    id: `urn:nashra:article:${a.id}`,
    title: singleLine(a.title),
    summary: a.summary,
    contentHtml: rtlContent(a.contentHtml),
    link: httpUrl(a.canonicalUrl),
    author: singleLine(a.author.name),
    // A category with no name has nothing to show; JSON Feed tags are names only.
    categories: [a.section, ...a.tags].filter((t) => t.name !== '').map((t) => ({ name: singleLine(t.name), term: singleLine(t.slug) })),
    image: imageOf(a),
    updated: a.updatedAt,
    published: a.publishedAt ?? a.updatedAt,
  };
}
