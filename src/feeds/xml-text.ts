/**
 * Text into XML. The entries are written by our own writer with {@link xmlText}, {@link attr}
 * and {@link cdata}, each safe for any string. The document head is written by the `feed`
 * package through xml-js, which lets XML-illegal characters through and mangles a literal
 * "&amp;" in text: {@link forText} closes those gaps before head text reaches it, since its
 * options give no hook to close them later.
 */

// Allowed in XML 1.0: #x9 | #xA | #xD | [#x20-#xD7FF] | [#xE000-#xFFFD] | [#x10000-#x10FFFF].
const ILLEGAL_XML = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu;
// Every string with an illegal character matches this (and so does any emoji, a valid pair).
// It runs several times faster than ILLEGAL_XML over article bodies, most of which need nothing.
const MAYBE_ILLEGAL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\ud800-\udfff\ufffe\uffff]/;

/** `text` less the characters XML 1.0 forbids (C0 controls but tab, LF, CR; lone surrogates; U+FFFE, U+FFFF). */
export function xmlChars(text: string): string {
  return MAYBE_ILLEGAL.test(text) ? text.replace(ILLEGAL_XML, '') : text;
}

/**
 * Head text for an element xml-js writes as text. Its writeText first turns every "&amp;" back
 * into "&" (to avoid double escaping), so a literal "&amp;" is pre-escaped here.
 */
export function forText(text: string): string {
  return xmlChars(text).replace(/&amp;/g, '&amp;amp;');
}

const TEXT_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;' };

/** Character data of an element we write. `>` is escaped too: `]]>` may not appear in text. */
export function xmlText(text: string): string {
  return xmlChars(text).replace(/[&<>]/g, (c) => TEXT_ESCAPES[c] as string);
}

// Tab, LF and CR as references: a parser turns them into spaces in an attribute value otherwise.
const ATTR_ESCAPES: Record<string, string> = { ...TEXT_ESCAPES, '"': '&quot;', '\t': '&#9;', '\n': '&#10;', '\r': '&#13;' };

/**
 * A double-quoted attribute value, in markup we write or through `feed` extensions (xml-js
 * escapes only `"` there, and leaves our references alone).
 */
export function attr(value: string | number): string {
  return xmlChars(String(value)).replace(/[&<>"\t\n\r]/g, (c) => ATTR_ESCAPES[c] as string);
}

/**
 * `text` as CDATA, which keeps HTML readable in the document. Every `]]>` would end the
 * section, so each is split across two sections (`]]` ends one, `>` starts the next).
 */
export function cdata(text: string): string {
  return `<![CDATA[${xmlChars(text).replaceAll(']]>', ']]]]><![CDATA[>')}]]>`;
}
