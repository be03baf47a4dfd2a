/**
 * Strict XML parsing inside workerd with `saxes` (pure JavaScript, namespace-aware): any
 * well-formedness or namespace error throws. Returns a small element tree to query.
 */
import { SaxesParser } from 'saxes';

export type XmlElement = { name: string; uri: string; attrs: Record<string, string>; children: XmlElement[]; text: string };

export function parseXml(xml: string): XmlElement {
  const parser = new SaxesParser({ xmlns: true });
  const root: XmlElement = { name: '#document', uri: '', attrs: {}, children: [], text: '' };
  const stack: XmlElement[] = [root];
  const top = () => stack[stack.length - 1] as XmlElement;
  parser.on('error', (err) => {
    throw err;
  });
  parser.on('opentag', (tag) => {
    const attrs = Object.fromEntries(Object.values(tag.attributes).map((a) => [a.name, a.value]));
    const el: XmlElement = { name: tag.name, uri: tag.uri, attrs, children: [], text: '' };
    top().children.push(el);
    stack.push(el);
  });
  parser.on('closetag', () => void stack.pop());
  parser.on('text', (t) => void (top().text += t));
  parser.on('cdata', (t) => void (top().text += t));
  parser.write(xml).close();
  const [doc] = root.children;
  if (!doc || root.children.length !== 1) throw new Error('expected exactly one root element');
  return doc;
}

/** Every element below `el` (depth first) whose qualified name is `name`. */
export function findAll(el: XmlElement, name: string): XmlElement[] {
  const out: XmlElement[] = [];
  for (const child of el.children) {
    if (child.name === name) out.push(child);
    out.push(...findAll(child, name));
  }
  return out;
}
