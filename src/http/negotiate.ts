/**
 * Proactive content negotiation on the Accept header (RFC 9110 §12.5.1), and the one decision
 * built on it: whether a request for a feed comes from a person's browser, which is shown an
 * HTML page, rather than from a feed reader, which must always get the feed itself.
 */

/** One media range of an Accept header: lower-cased type and subtype (`*` for a wildcard). */
export type MediaRange = { type: string; subtype: string; params: Record<string, string>; q: number };

/** What the client accepts: its media ranges, or `null` when it sent no Accept (anything goes). */
export type Accept = MediaRange[] | null;

/**
 * The feed types (ours, RDF, which only feed clients ask for) and the generic XML and JSON types
 * a feed is also readable as. A feed reader names at least one of them or accepts anything; a
 * browser navigating ranks text/html above them all. Offered with the charset the feeds carry.
 */
export const FEED_MEDIA_TYPES = [
  'application/rss+xml', 'application/atom+xml', 'application/feed+json', 'application/rdf+xml',
  'application/xml', 'text/xml', 'application/json',
].map((t) => `${t}; charset=utf-8`);

export const HTML_MEDIA_TYPE = 'text/html; charset=utf-8';

/** Named in every browser's navigation Accept header, and in no HTTP library's default. */
const XHTML_MEDIA_TYPE = 'application/xhtml+xml';

const TOKEN = /^[!#$%&'*+.^_`|~0-9a-z-]+$/;
// RFC 9110's qvalue, plus a leading-dot form (".2") that some HTTP libraries send.
const QVALUE = /^(?:[01](?:\.\d{0,3})?|\.\d{1,3})$/;

/** Splits on `sep` outside quoted strings (a parameter value may hold a comma or semicolon). */
function splitOutsideQuotes(s: string, sep: string): string[] {
  const parts: string[] = [];
  let start = 0;
  let quoted = false;
  for (let i = 0; i < s.length; i++) {
    if (s[i] === '\\' && quoted) i++;
    else if (s[i] === '"') quoted = !quoted;
    else if (s[i] === sep && !quoted) {
      parts.push(s.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(s.slice(start));
  return parts;
}

const unquote = (v: string) => (v.startsWith('"') && v.endsWith('"') && v.length >= 2 ? v.slice(1, -1).replace(/\\(.)/g, '$1') : v);

/** One media range, or null when it is malformed (such a range is ignored, not guessed at). */
function parseRange(element: string): MediaRange | null {
  const [full = '', ...rest] = splitOutsideQuotes(element, ';').map((p) => p.trim());
  // A bare "*" is not valid, but old HTTP libraries send it for "*/*".
  const [type = '', subtype = '', extra] = (full === '*' ? '*/*' : full).toLowerCase().split('/');
  if (extra !== undefined || !TOKEN.test(type) || !TOKEN.test(subtype) || (type === '*' && subtype !== '*')) return null;
  const params: Record<string, string> = Object.create(null);
  let q = 1;
  for (const p of rest) {
    const eq = p.indexOf('=');
    if (eq < 1) return null;
    const name = p.slice(0, eq).trim().toLowerCase();
    const value = unquote(p.slice(eq + 1).trim());
    if (name === 'q') {
      if (!QVALUE.test(value) || Number(value) > 1) return null;
      q = Number(value);
      break; // what follows the weight are extensions, not media type parameters
    }
    params[name] = value.toLowerCase();
  }
  return { type, subtype, params, q };
}

/** The media ranges of an Accept header; `null` when there is none (RFC 9110: anything goes). */
export function parseAccept(header: string | undefined | null): Accept {
  if (header === undefined || header === null || header.trim() === '') return null;
  return splitOutsideQuotes(header, ',')
    .map((e) => e.trim())
    .filter((e) => e !== '')
    .map(parseRange)
    .filter((r): r is MediaRange => r !== null);
}

/**
 * How much the client wants `mediaType` ("type/subtype; param=value"), from 0 to 1: the weight of
 * the most specific range that matches it (a range's parameters must all be the type's), the
 * highest of those when several are equally specific, and 0 when none matches.
 */
export function qualityOf(accept: Accept, mediaType: string): number {
  if (accept === null) return 1;
  const offered = parseRange(mediaType);
  if (!offered) throw new Error(`not a media type: ${mediaType}`);
  let best = { specificity: -1, q: 0 };
  for (const r of accept) {
    const matches =
      (r.type === '*' || r.type === offered.type) &&
      (r.subtype === '*' || r.subtype === offered.subtype) &&
      Object.entries(r.params).every(([name, value]) => offered.params[name] === value);
    if (!matches) continue;
    const specificity = (r.type === '*' ? 0 : 1) + (r.subtype === '*' ? 0 : 1) + Object.keys(r.params).length;
    if (specificity > best.specificity || (specificity === best.specificity && r.q > best.q)) best = { specificity, q: r.q };
  }
  return best.q;
}

/** True when a range names `mediaType`'s type and subtype exactly, with a weight above 0. */
export function names(accept: Accept, mediaType: string): boolean {
  const [type, subtype] = (mediaType.split(';')[0] ?? '').trim().toLowerCase().split('/');
  return (accept ?? []).some((r) => r.type === type && r.subtype === subtype && r.q > 0);
}

/**
 * True when the client ranks text/html strictly above every feed type and names XHTML too, as
 * every browser navigating does ("text/html,application/xhtml+xml,application/xml;q=0.9,…"). A
 * tie, a bare wildcard, no Accept at all or text/html at q=0 all mean the feed, so that a feed
 * reader is never sent a web page. XHTML is asked for because HTTP libraries' defaults rank
 * text/html first too (Java ranks "text/html" first, then "*; q=.2"), and
 * feed fetchers built on them must still get the feed; browsers name XHTML, libraries do not.
 */
export function prefersHtml(accept: Accept): boolean {
  const html = qualityOf(accept, HTML_MEDIA_TYPE);
  return html > 0 && names(accept, XHTML_MEDIA_TYPE) && FEED_MEDIA_TYPES.every((t) => qualityOf(accept, t) < html);
}
