/**
 * Reading a message as raw bytes, without a MIME library: what the wire looks like, so tests
 * can check what a parser would smooth over (encoded-words, part order, line lengths).
 */

export type RawMessage = { header(name: string): string[]; body: string };

/** Splits header block and body; header values are unfolded (RFC 5322 §2.2.3) but not decoded. */
export function readRaw(raw: Buffer | string): RawMessage {
  const text = raw.toString('latin1'); // byte for byte; encoded messages are 7-bit anyway
  const end = text.indexOf('\r\n\r\n');
  if (end < 0) throw new Error('message has no header/body separator (CRLF CRLF)');
  const fields = new Map<string, string[]>();
  for (const field of text.slice(0, end).replace(/\r\n(?=[ \t])/g, '').split('\r\n')) {
    const colon = field.indexOf(':');
    const name = field.slice(0, colon).trim().toLowerCase();
    fields.set(name, [...(fields.get(name) ?? []), field.slice(colon + 1).trim()]);
  }
  return { header: (name) => fields.get(name.toLowerCase()) ?? [], body: text.slice(end + 4) };
}

/** The media types of a multipart body's direct parts, in the order they appear. */
export function partTypes(message: RawMessage): string[] {
  const type = message.header('content-type')[0] ?? '';
  const boundary = /boundary="?([^";]+)"?/i.exec(type)?.[1];
  if (!boundary) throw new Error(`not multipart: ${type}`);
  const parts = message.body.split(`--${boundary}`).slice(1, -1); // drop preamble and epilogue
  return parts.map((part) => (readRaw(part.replace(/^\r\n/, '')).header('content-type')[0] ?? 'text/plain').split(';')[0]!.trim().toLowerCase());
}

/** The longest line in bytes, CRLF excluded (RFC 5322 §2.1.1 caps it at 998). */
export function longestLineBytes(raw: Buffer): number {
  return Math.max(...raw.toString('latin1').split('\r\n').map((line) => line.length));
}

/** True when a raw header value is nothing but RFC 2047 encoded-words. */
export const isEncodedWords = (value: string) => /^(=\?[\w-]+\?[BQ]\?[^?\s]*\?=\s*)+$/i.test(value);
