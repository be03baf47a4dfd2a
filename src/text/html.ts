/** Text into HTML, shared by the email templates, the pages and the feeds. */

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/**
 * `s` as HTML text: safe as element content and inside a quoted attribute value (either quote).
 * Escapes nothing else, so it can be applied exactly once and undone by any HTML parser.
 */
export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c] as string);
}
