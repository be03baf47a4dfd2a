/**
 * Article HTML is sanitized once, on the way in, on both runtimes. A streaming allow-list over
 * htmlparser2 (pure JavaScript, so it runs in workerd as well as Node): only the tags and
 * attributes below survive; script, style, iframe, object, embed, form and friends are dropped
 * with their content; comments and processing instructions vanish; URLs must be http(s),
 * mailto or tel (images: http(s) only) and relative ones are made absolute against the site
 * URL, so the content reads the same in a feed, an email or a partner's page.
 */
import { Parser } from 'htmlparser2';
import { escapeHtml } from '../text/html.js';

const ALLOWED_ATTRS: Record<string, readonly string[]> = {
  p: [], br: [], hr: [], h2: [], h3: [], h4: [], h5: [], h6: [], pre: [], code: [],
  ul: [], ol: ['start', 'reversed'], li: [], dl: [], dt: [], dd: [],
  strong: [], b: [], em: [], i: [], u: [], s: [], mark: [], small: [], sub: [], sup: [],
  abbr: [], bdi: [], bdo: [], span: [], cite: [], blockquote: ['cite'], q: ['cite'],
  a: ['href', 'rel', 'hreflang'], img: ['src', 'alt', 'width', 'height'], figure: [], figcaption: [],
  table: [], thead: [], tbody: [], tfoot: [], tr: [], caption: [],
  th: ['colspan', 'rowspan', 'scope'], td: ['colspan', 'rowspan'],
};
const GLOBAL_ATTRS = ['dir', 'lang', 'title'];
const URL_ATTRS = new Set(['href', 'src', 'cite']);
const VOID = new Set(['br', 'hr', 'img']);
/**
 * Dropped together with everything inside them: what they hold is code, a document of its own,
 * or fallback content. Every other unknown tag (form, svg, select, …) loses only the tag and
 * keeps its text, so a tag the editor forgot to close never swallows the rest of an article.
 */
const DROP_WITH_CONTENT = new Set(['script', 'style', 'iframe', 'object', 'embed', 'template', 'title', 'head', 'frameset', 'frame', 'applet', 'noembed', 'noframes', 'xmp']);

/** An absolute URL with an allowed scheme, or undefined. */
export function safeUrl(value: string, base: string, schemes = ['http:', 'https:', 'mailto:', 'tel:']): string | undefined {
  try {
    // The URL parser strips tabs and newlines (so "java\nscript:" is caught) and resolves relatives.
    const u = new URL(value.trim(), `${base}/`);
    return schemes.includes(u.protocol) ? u.href : undefined;
  } catch {
    return undefined;
  }
}

function attributes(tag: string, attribs: Record<string, string>, siteUrl: string): string {
  const allowed = ALLOWED_ATTRS[tag] ?? [];
  let out = '';
  for (const [name, raw] of Object.entries(attribs)) {
    if (!allowed.includes(name) && !GLOBAL_ATTRS.includes(name)) continue;
    let value: string | undefined = raw;
    if (URL_ATTRS.has(name)) value = safeUrl(raw, siteUrl, tag === 'img' ? ['http:', 'https:'] : undefined);
    if (name === 'dir' && !['rtl', 'ltr', 'auto'].includes(raw.toLowerCase())) value = undefined;
    if ((name === 'width' || name === 'height' || name === 'colspan' || name === 'rowspan' || name === 'start') && !/^\d{1,4}$/.test(raw)) value = undefined;
    if (value !== undefined) out += ` ${name}="${escapeHtml(value)}"`;
  }
  return out;
}

/** Returns safe HTML. Never throws on any input string. */
export function sanitizeArticleHtml(html: string, siteUrl: string): string {
  const out: string[] = [];
  const open: string[] = [];
  let skipping = 0;
  const parser = new Parser(
    {
      onopentag(name, attribs) {
        if (skipping || DROP_WITH_CONTENT.has(name)) {
          if (DROP_WITH_CONTENT.has(name)) skipping++;
          return;
        }
        if (!(name in ALLOWED_ATTRS)) return; // unknown tag: keep its text, drop the tag
        out.push(`<${name}${attributes(name, attribs, siteUrl)}>`);
        if (!VOID.has(name)) open.push(name);
      },
      ontext(text) {
        if (!skipping) out.push(escapeHtml(text));
      },
      onclosetag(name) {
        if (DROP_WITH_CONTENT.has(name)) {
          skipping = Math.max(0, skipping - 1);
          return;
        }
        if (skipping || VOID.has(name) || !open.includes(name)) return;
        while (open.length) {
          const top = open.pop() as string;
          out.push(`</${top}>`);
          if (top === name) break;
        }
      },
    },
    { decodeEntities: true, lowerCaseTags: true, lowerCaseAttributeNames: true, recognizeSelfClosing: true },
  );
  parser.write(html);
  parser.end();
  while (open.length) out.push(`</${open.pop()}>`);
  return out.join('');
}

/** Plain text of an HTML fragment (for excerpts and the text part of emails). */
export function htmlToText(html: string): string {
  const out: string[] = [];
  let skipping = 0;
  const parser = new Parser(
    {
      onopentag(name) {
        if (DROP_WITH_CONTENT.has(name)) skipping++;
        else if (name === 'br' || name === 'p' || name === 'li') out.push(' ');
      },
      ontext(text) {
        if (!skipping) out.push(text);
      },
      onclosetag(name) {
        if (DROP_WITH_CONTENT.has(name)) skipping = Math.max(0, skipping - 1);
      },
    },
    { decodeEntities: true, lowerCaseTags: true },
  );
  parser.write(html);
  parser.end();
  return out.join('').replace(/\s+/g, ' ').trim();
}
