/**
 * Article HTML is sanitized once, on the way in, on both runtimes: an allow-list of tags and
 * attributes (so script, style, iframe, object, embed, form and meta are dropped with their
 * content where they carry any), no event handlers, only http(s)/mailto/tel URLs, and relative
 * URLs made absolute against the site URL so the content reads the same in a feed or email.
 */
import sanitizeHtml from 'sanitize-html';

const ALLOWED_TAGS = [
  'p', 'br', 'hr', 'h2', 'h3', 'h4', 'h5', 'h6', 'blockquote', 'q', 'cite', 'pre', 'code',
  'ul', 'ol', 'li', 'dl', 'dt', 'dd', 'strong', 'b', 'em', 'i', 'u', 's', 'mark', 'small',
  'sub', 'sup', 'abbr', 'bdi', 'bdo', 'span', 'a', 'img', 'figure', 'figcaption',
  'table', 'thead', 'tbody', 'tfoot', 'tr', 'th', 'td', 'caption',
];

const URL_ATTRS: Record<string, string> = { a: 'href', img: 'src', blockquote: 'cite', q: 'cite' };

function absolute(value: string, base: string): string | undefined {
  try {
    const u = new URL(value.trim(), `${base}/`);
    return ['http:', 'https:', 'mailto:', 'tel:'].includes(u.protocol) ? u.href : undefined;
  } catch {
    return undefined;
  }
}

/** Returns safe HTML. Never throws on any input string. */
export function sanitizeArticleHtml(html: string, siteUrl: string): string {
  return sanitizeHtml(html, {
    allowedTags: ALLOWED_TAGS,
    allowedAttributes: {
      '*': ['dir', 'lang', 'title'],
      a: ['href', 'rel', 'hreflang'],
      img: ['src', 'alt', 'width', 'height', 'loading'],
      blockquote: ['cite'],
      q: ['cite'],
      td: ['colspan', 'rowspan'],
      th: ['colspan', 'rowspan', 'scope'],
      ol: ['start', 'reversed'],
    },
    allowedSchemes: ['http', 'https', 'mailto', 'tel'],
    allowedSchemesByTag: { img: ['http', 'https'] },
    allowProtocolRelative: false,
    disallowedTagsMode: 'discard',
    nonTextTags: ['script', 'style', 'textarea', 'option', 'noscript', 'iframe', 'object', 'embed', 'form', 'template', 'title'],
    transformTags: {
      '*': (tagName, attribs) => {
        const attr = URL_ATTRS[tagName];
        if (attr && attribs[attr] !== undefined) {
          const abs = absolute(attribs[attr], siteUrl);
          if (abs) attribs[attr] = abs;
          else delete attribs[attr];
        }
        return { tagName, attribs };
      },
    },
  });
}

/** Plain text of an HTML fragment (for summaries and the text part of emails). */
export function htmlToText(html: string): string {
  return sanitizeHtml(html, { allowedTags: [], allowedAttributes: {}, nonTextTags: ['script', 'style'] })
    .replace(/&nbsp;/g, ' ')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&') // last, so "&amp;lt;" stays "&lt;"
    .replace(/\s+/g, ' ')
    .trim();
}
