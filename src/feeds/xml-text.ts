/**
 * Text that the `feed` package writes into XML. Two of its gaps are closed here, before the
 * text reaches it, because its options give no hook to close them later:
 * - it lets XML-illegal characters through (C0 controls, lone surrogates, U+FFFE/U+FFFF), which
 *   make the whole document unparseable for a strict reader;
 * - it writes title, summary and content as CDATA through xml-js, whose escaping of `]]>`
 *   replaces only the FIRST occurrence (`String.replace` with a string). A second `]]>` would
 *   close the CDATA section early.
 */

// Allowed in XML 1.0: #x9 | #xA | #xD | [#x20-#xD7FF] | [#xE000-#xFFFD] | [#x10000-#x10FFFF].
const ILLEGAL_XML = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu;

export function xmlChars(text: string): string {
  return text.replace(ILLEGAL_XML, '');
}

/**
 * Text for an element xml-js writes as text (not CDATA). Its writeText first turns every
 * "&amp;" back into "&" (to avoid double escaping), so a literal "&amp;" is pre-escaped here.
 */
export function forText(text: string): string {
  return xmlChars(text).replace(/&amp;/g, '&amp;amp;');
}

const CDATA_END = ']]>';
const CDATA_SPLIT = ']]]]><![CDATA[>';

/**
 * Pre-splits every `]]>` after the first; xml-js then splits the first one itself. The first
 * occurrence stays the earliest match, so its single replacement lands where it should.
 */
export function forCdata(text: string): string {
  const clean = xmlChars(text);
  const first = clean.indexOf(CDATA_END);
  if (first === -1) return clean;
  const head = clean.slice(0, first + CDATA_END.length);
  return head + clean.slice(head.length).split(CDATA_END).join(CDATA_SPLIT);
}

/**
 * Text for an XML attribute written by `feed` (Atom category labels). It escapes `&` itself
 * (so an entity of ours would show doubled) and xml-js escapes only `"`, so a `<` would make
 * the document ill-formed: it becomes the full-width `＜`, which reads the same.
 */
export function forAttribute(text: string): string {
  return xmlChars(text).replace(/</g, '\uFF1C');
}

/**
 * A value for an attribute we add ourselves (through `feed` extensions or into its Atom
 * output). xml-js escapes only `"` in attributes, so `&` and `<` are escaped here.
 */
export function attr(value: string | number): string {
  return xmlChars(String(value)).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/"/g, '&quot;');
}
