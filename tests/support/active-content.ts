/**
 * What a feed reader showing an HTML fragment could run or be sent to: script-bearing elements,
 * event handler and style attributes, and URLs that are not http(s), mailto or tel. Parsed with
 * htmlparser2 (as the sanitizer is, and as lenient as a browser about broken markup).
 */
import { Parser } from 'htmlparser2';

const ACTIVE_ELEMENTS = new Set([
  'script', 'style', 'iframe', 'frame', 'frameset', 'object', 'embed', 'applet', 'svg', 'math',
  'form', 'base', 'meta', 'link', 'template', 'noscript',
]);
const URL_ATTRIBUTES = new Set(['href', 'src', 'action', 'formaction', 'xlink:href', 'cite', 'poster', 'data', 'background', 'srcset', 'ping']);
const SAFE_URL = /^(https?:|mailto:|tel:)/i;

/** Everything active in `html`, each described in a few characters; empty when there is none. */
export function activeContent(html: string): string[] {
  const found: string[] = [];
  const parser = new Parser(
    {
      onopentag(name, attribs) {
        if (ACTIVE_ELEMENTS.has(name)) found.push(`<${name}>`);
        for (const [attr, value] of Object.entries(attribs)) {
          if (attr.startsWith('on') || attr === 'style') found.push(`${name}[${attr}]`);
          // Browsers ignore whitespace and control characters inside a scheme ("java\nscript:").
          if (URL_ATTRIBUTES.has(attr) && !SAFE_URL.test(value.replace(/[\u0000-\u0020]/g, ''))) found.push(`${name}[${attr}=${value.slice(0, 40)}]`);
        }
      },
    },
    { decodeEntities: true, lowerCaseTags: true, lowerCaseAttributeNames: true },
  );
  parser.write(html);
  parser.end();
  return found;
}
