/** The streaming CSV parser (RFC 4180 and what spreadsheets write) and the row writer. */
import { describe, expect, it } from 'vitest';
import { createCsvParser, CsvError, csvRecords, formatCsvRow, sniffDelimiter, type CsvParserOptions, type CsvRecord } from '../../src/subscribers/csv.js';

function parseChunks(chunks: (string | Uint8Array)[], options?: CsvParserOptions): CsvRecord[] {
  const parser = createCsvParser(options);
  const out: CsvRecord[] = [];
  for (const chunk of chunks) out.push(...parser.push(chunk));
  out.push(...parser.end());
  return out;
}

const parse = (text: string, options?: CsvParserOptions) => parseChunks([text], options);
const rows = (text: string, options?: CsvParserOptions) => parse(text, options).map((r) => r.fields);

function parseError(chunks: (string | Uint8Array)[], options?: CsvParserOptions): CsvError {
  try {
    parseChunks(chunks, options);
  } catch (err) {
    if (err instanceof CsvError) return err;
    throw err;
  }
  throw new Error('expected a CsvError');
}

// Quoted separators, doubled quotes, CRLF and LF inside quotes, Arabic, a 4-byte emoji, a
// blank line, CRLF and LF line ends mixed, no line end at the end.
const TRICKY =
  '\uFEFFemail,name,note\r\n' +
  'a@example.com,"بنعلي, ليلى","قال ""نعم""\r\nثم سطر"\r\n' +
  '\r\n' +
  'b@example.com,سعيد 😀,"line one\nline two"\n' +
  '"c@example.com",,""\r\n' +
  'd@example.com,"",last';

const TRICKY_RECORDS: CsvRecord[] = [
  { line: 1, fields: ['email', 'name', 'note'] },
  { line: 2, fields: ['a@example.com', 'بنعلي, ليلى', 'قال "نعم"\r\nثم سطر'] },
  { line: 5, fields: ['b@example.com', 'سعيد 😀', 'line one\nline two'] },
  { line: 7, fields: ['c@example.com', '', ''] },
  { line: 8, fields: ['d@example.com', '', 'last'] },
];

describe('CSV parser', () => {
  it('reads quoted fields, doubled quotes, embedded line breaks, a BOM, CRLF and LF, and numbers records by their first line', () => {
    expect(parse(TRICKY)).toEqual(TRICKY_RECORDS);
  });

  it('gives the same records wherever the text is cut: at every position, and one UTF-16 unit at a time', () => {
    for (let i = 0; i <= TRICKY.length; i++) {
      expect(parseChunks([TRICKY.slice(0, i), TRICKY.slice(i)]), `cut at ${i}`).toEqual(TRICKY_RECORDS);
    }
    // One code unit at a time splits the emoji's surrogate pair and every CRLF.
    expect(parseChunks(TRICKY.split(''))).toEqual(TRICKY_RECORDS);
    for (let i = 0; i < TRICKY.length; i += 7) {
      expect(parseChunks([TRICKY.slice(0, i), TRICKY.slice(i, i + 3), TRICKY.slice(i + 3)]), `three cuts at ${i}`).toEqual(TRICKY_RECORDS);
    }
  });

  it('decodes UTF-8 bytes cut anywhere, inside Arabic letters, the emoji and the byte order mark, and one byte at a time', () => {
    const bytes = new TextEncoder().encode(TRICKY);
    expect(bytes[0]).toBe(0xef); // the BOM is in the bytes
    for (let i = 0; i <= bytes.length; i++) {
      expect(parseChunks([bytes.subarray(0, i), bytes.subarray(i)]), `cut at byte ${i}`).toEqual(TRICKY_RECORDS);
    }
    expect(parseChunks([...bytes].map((b) => Uint8Array.of(b)))).toEqual(TRICKY_RECORDS);
  });

  it('reads lone CR line ends, and keeps CR-only breaks inside quotes', () => {
    expect(parse('a,b\rc,"x\ry"\rd,e')).toEqual([
      { line: 1, fields: ['a', 'b'] },
      { line: 2, fields: ['c', 'x\ry'] },
      { line: 4, fields: ['d', 'e'] },
    ]);
  });

  it('keeps empty fields, including trailing ones and a lone quoted empty field', () => {
    expect(rows('a,,c\nx,\n,\n""\n')).toEqual([['a', '', 'c'], ['x', ''], ['', ''], ['']]);
  });

  it('skips blank lines anywhere but still counts them', () => {
    expect(parse('\n\nh\r\n\r\n\nv\n\n')).toEqual([
      { line: 3, fields: ['h'] },
      { line: 6, fields: ['v'] },
    ]);
  });

  it('keeps a bare quote inside an unquoted field as text', () => {
    expect(rows('5" screen,a"b"\n')).toEqual([['5" screen', 'a"b"']]);
  });

  it('keeps spaces around fields', () => {
    expect(rows(' a , b \n')).toEqual([[' a ', ' b ']]);
  });

  it('refuses text after a closing quote, with the line it is on', () => {
    const err = parseError(['h\nok\n"ab"c,d\n']);
    expect(err.line).toBe(3);
    expect(err.message).toMatch(/^line 3: /);
  });

  it('refuses a quote left open at the end, naming the line where the field started', () => {
    const err = parseError(['h\nok\n"never closed,\nmore\nlines']);
    expect(err.line).toBe(3);
    expect(err.message).toMatch(/not closed/);
  });

  it('stops a field that grows past the limit instead of buffering the whole file', () => {
    const chunks = ['h\n"', ...Array.from({ length: 20 }, () => 'x'.repeat(100))];
    expect(parseError(chunks, { maxFieldChars: 1000 }).message).toMatch(/longer than 1000/);
    expect(parseError(['x'.repeat(1001)], { maxFieldChars: 1000 }).message).toMatch(/longer than 1000/);
  });

  it('refuses bytes that are not UTF-8, and a character cut off at the end', () => {
    // "ش" in Windows-1256 (a common export encoding for Arabic) is 0xD4, invalid on its own in UTF-8.
    expect(parseError([new TextEncoder().encode('email\n'), Uint8Array.of(0xd4, 0x2c, 0x41, 0x0a)]).message).toMatch(/not UTF-8/);
    const arabic = new TextEncoder().encode('email\nش');
    expect(parseError([arabic.subarray(0, arabic.length - 1)]).message).toMatch(/not UTF-8/);
  });

  it('detects ; and tab separators from the first line, and takes , when told', () => {
    expect(rows('email;name\r\na@x.ma;"ليلى; بنعلي"\r\n')).toEqual([['email', 'name'], ['a@x.ma', 'ليلى; بنعلي']]);
    expect(rows('email\tname\na@x.ma\tليلى\n')).toEqual([['email', 'name'], ['a@x.ma', 'ليلى']]);
    expect(rows('a;b,c\n', { delimiter: ',' })).toEqual([['a;b', 'c']]);
    // The header's separator decides, even when it arrives one character at a time.
    expect(parseChunks('email;name\na,b;c\n'.split('')).map((r) => r.fields)).toEqual([['email', 'name'], ['a,b', 'c']]);
    expect(sniffDelimiter('"a;b;c",d')).toBe(',');
    expect(sniffDelimiter('email')).toBe(',');
  });

  it('yields records from an async stream of chunks', async () => {
    async function* chunks() {
      yield 'email,na';
      yield 'me\r';
      yield '\nx@y.ma,"a\r';
      yield '\nb"';
    }
    const out: CsvRecord[] = [];
    for await (const r of csvRecords(chunks())) out.push(r);
    expect(out).toEqual([
      { line: 1, fields: ['email', 'name'] },
      { line: 2, fields: ['x@y.ma', 'a\r\nb'] },
    ]);
  });
});

describe('CSV row writer', () => {
  it('quotes only fields that need it, doubles quotes, ends lines with CRLF', () => {
    expect(formatCsvRow(['plain', 'a,b', 'say "hi"', 'two\nlines', 'x;y', 'عربي', ''])).toBe(
      'plain,"a,b","say ""hi""","two\nlines","x;y",عربي,\r\n',
    );
  });

  it('round-trips through the parser whatever the fields hold', () => {
    const alphabet = ['a', 'ب', ',', ';', '"', '\r', '\n', '\r\n', ' ', '😀', '=', '\t'];
    let seed = 42;
    const random = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % n;
    };
    const table: string[][] = Array.from({ length: 200 }, () =>
      Array.from({ length: 4 }, () => Array.from({ length: random(8) }, () => alphabet[random(alphabet.length)]).join('')),
    );
    // A row of empty fields only is a blank line when it has one field; four keep it a row.
    const text = table.map(formatCsvRow).join('');
    expect(rows(text, { delimiter: ',' })).toEqual(table);
  });
});
