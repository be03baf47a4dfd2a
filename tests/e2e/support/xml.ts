/** Strict XML well-formedness with saxes: every error is collected, none is forgiven. */
import { SaxesParser } from 'saxes';

export type StrictXml = { errors: string[]; root: { name: string; attributes: Record<string, string> } | null };

export function parseStrictXml(xml: string): StrictXml {
  const parser = new SaxesParser({ xmlns: true, position: true });
  const errors: string[] = [];
  let root: StrictXml['root'] = null;
  parser.on('error', (err) => errors.push(err.message));
  parser.on('opentag', (tag) => {
    if (root) return;
    const attributes: Record<string, string> = {};
    for (const [name, attr] of Object.entries(tag.attributes)) attributes[name] = typeof attr === 'string' ? attr : attr.value;
    root = { name: tag.name, attributes };
  });
  parser.write(xml).close();
  return { errors, root };
}
