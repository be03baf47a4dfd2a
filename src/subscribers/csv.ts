/**
 * CSV (RFC 4180) both ways, without any runtime: a streaming parser fed chunks of text or
 * UTF-8 bytes in any sizes (a chunk may end inside a quoted field, between CR and LF, or inside
 * a character), and the quoting of one output row. The parser also accepts LF or a lone CR as
 * line ends, a UTF-8 byte order mark, `;` or tab as separator (spreadsheets in many locales
 * write `;`), skips blank lines, and numbers every record by the line it starts on.
 */

export type CsvRecord = { fields: string[]; line: number };

/** A file that is not CSV past repair: an unterminated quote, text after a closing quote, … */
export class CsvError extends Error {
  override readonly name = 'CsvError';
  constructor(
    message: string,
    readonly line: number,
  ) {
    super(`line ${line}: ${message}`);
  }
}

export type CsvParserOptions = {
  /** `auto` (the default) takes whichever of `,` `;` and tab is most frequent in the first line. */
  delimiter?: ',' | ';' | '\t' | 'auto';
  /** A longer field stops the parse (an unterminated quote would otherwise swallow the file). */
  maxFieldChars?: number;
};

export type CsvParser = {
  /** Parses one more chunk; returns the records it completed. Throws {@link CsvError}. */
  push(chunk: string | Uint8Array): CsvRecord[];
  /** Ends the input; returns the last record, if any. Throws {@link CsvError}. */
  end(): CsvRecord[];
};

const QUOTE = 34;
const CR = 13;
const LF = 10;
const enum S { FieldStart, Unquoted, Quoted, QuoteInQuoted, Closed }

/** The end of the run of ordinary characters from `i`: the next `stop`, CR or LF (or the end). */
function runEnd(text: string, i: number, stop: number): number {
  let j = i + 1;
  while (j < text.length) {
    const d = text.charCodeAt(j);
    if (d === stop || d === CR || d === LF) break;
    j++;
  }
  return j;
}

/** Picks the separator of a header line: the most frequent of `,` `;` tab outside quotes. */
export function sniffDelimiter(firstLine: string): ',' | ';' | '\t' {
  const bare = firstLine.replace(/"(?:[^"]|"")*"/g, '');
  const count = (ch: string) => bare.split(ch).length - 1;
  const [best] = ([',', ';', '\t'] as const).map((d) => [d, count(d)] as const).sort((a, b) => b[1] - a[1]);
  return best && best[1] > 0 ? best[0] : ',';
}

/** A streaming RFC 4180 parser (see the module comment). */
export function createCsvParser(options: CsvParserOptions = {}): CsvParser {
  const maxField = options.maxFieldChars ?? 1_000_000;
  let delim = options.delimiter === 'auto' || !options.delimiter ? -1 : options.delimiter.charCodeAt(0);
  let decoder: TextDecoder | undefined;
  let pending = ''; // text held back until the separator is known
  let first = true;
  let state = S.FieldStart;
  let fields: string[] = [];
  let field = '';
  let line = 1;
  let recordLine = 1;
  let started = false;
  let prevCR = false; // the last character was CR: a following LF ends no further line

  const fail = (message: string, at = line): never => {
    throw new CsvError(message, at);
  };

  function endRecord(out: CsvRecord[]) {
    fields.push(field);
    if (fields.length > 1 || field !== '' || state === S.Closed) out.push({ fields, line: recordLine });
    fields = [];
    field = '';
    state = S.FieldStart;
    started = false;
  }

  function parse(text: string, out: CsvRecord[]) {
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      const skipLF = prevCR && c === LF;
      if (c === LF ? !prevCR : c === CR) line++;
      prevCR = c === CR;
      if (skipLF && state === S.FieldStart && !started) continue; // the LF of a CRLF that ended a record
      if (!started) {
        started = true;
        recordLine = line;
      }
      switch (state) {
        case S.Quoted: {
          if (c === QUOTE) {
            state = S.QuoteInQuoted;
            break;
          }
          const j = runEnd(text, i, QUOTE);
          field += text.slice(i, j);
          if (field.length > maxField) fail(`a field is longer than ${maxField} characters (is a quote left open?)`, recordLine);
          i = j - 1;
          break;
        }
        case S.QuoteInQuoted:
          if (c === QUOTE) {
            field += '"';
            state = S.Quoted;
            break;
          }
          state = S.Closed;
        // falls through: the quote closed the field
        case S.Closed:
          if (c === delim) {
            fields.push(field);
            field = '';
            state = S.FieldStart;
          } else if (c === CR || c === LF) endRecord(out);
          else fail('a quoted field must end at a separator or a line end');
          break;
        case S.FieldStart:
          if (c === QUOTE) {
            state = S.Quoted;
            break;
          }
          state = S.Unquoted;
        // falls through: the field has no quotes
        case S.Unquoted: {
          if (c === delim) {
            fields.push(field);
            field = '';
            state = S.FieldStart;
          } else if (c === CR || c === LF) {
            if (fields.length === 0 && field === '') {
              started = false; // a blank line
              state = S.FieldStart;
            } else endRecord(out);
          } else {
            const j = runEnd(text, i, delim);
            field += text.slice(i, j);
            if (field.length > maxField) fail(`a field is longer than ${maxField} characters`, recordLine);
            i = j - 1;
          }
          break;
        }
      }
    }
  }

  function feed(text: string, out: CsvRecord[], final: boolean) {
    if (first && text.length > 0) {
      first = false;
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    }
    if (delim < 0) {
      pending += text;
      const eol = pending.search(/[\r\n]/);
      if (eol < 0 && !final) return;
      delim = sniffDelimiter(eol < 0 ? pending : pending.slice(0, eol)).charCodeAt(0);
      text = pending;
      pending = '';
    }
    parse(text, out);
  }

  function decode(chunk: string | Uint8Array, final: boolean): string {
    if (typeof chunk === 'string') return chunk;
    decoder ??= new TextDecoder('utf-8', { fatal: true });
    try {
      return decoder.decode(chunk, { stream: !final });
    } catch {
      return fail('the file is not UTF-8 text (save it as "CSV UTF-8")');
    }
  }

  return {
    push(chunk) {
      const out: CsvRecord[] = [];
      feed(decode(chunk, false), out, false);
      return out;
    },
    end() {
      const out: CsvRecord[] = [];
      feed(decoder ? decode(new Uint8Array(0), true) : '', out, true);
      if (state === S.Quoted) fail('a quoted field is not closed', recordLine);
      if (state === S.QuoteInQuoted) state = S.Closed;
      if (started) endRecord(out);
      return out;
    },
  };
}

/** The records of a stream of chunks, one at a time. Throws {@link CsvError}. */
export async function* csvRecords(chunks: AsyncIterable<string | Uint8Array> | Iterable<string | Uint8Array>, options?: CsvParserOptions): AsyncGenerator<CsvRecord> {
  const parser = createCsvParser(options);
  for await (const chunk of chunks) yield* parser.push(chunk);
  yield* parser.end();
}

/** One CSV line (CRLF-terminated): fields holding `"`, `,`, `;`, CR or LF are quoted, quotes doubled. */
export function formatCsvRow(cells: readonly string[]): string {
  return `${cells.map((c) => (/[",;\r\n]/.test(c) ? `"${c.replace(/"/g, '""')}"` : c)).join(',')}\r\n`;
}
