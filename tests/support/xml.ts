/** Strict XML well-formedness, as a validator or a strict reader would check it. */
import { SaxesParser } from 'saxes';

/** Throws with the parser's message when `xml` is not well-formed XML 1.0. */
export function assertWellFormedXml(xml: string): void {
  const parser = new SaxesParser({ xmlns: true });
  let failure: Error | undefined;
  parser.on('error', (err) => {
    failure ??= err;
  });
  parser.write(xml).close();
  if (failure) throw failure;
}
