/**
 * An RFC 4180 CSV reader that takes its text in pieces: the Worker gives it a
 * whole request body, the import CLI a file as it streams off the disk. Fields
 * are separated by commas; a field in double quotes may hold commas, newlines
 * and doubled quotes; records end with LF, CRLF or a lone CR; a UTF-8 BOM at
 * the very start is skipped; empty lines are skipped. Anything else (a quote
 * inside an unquoted field, text after a closing quote, a quote never closed)
 * is an error naming its line, never a guess.
 */
export interface CsvRecord {
  fields: string[];
  /** The 1-based line on which the record starts. */
  line: number;
}

export class CsvSyntaxError extends Error {
  constructor(readonly line: number, message: string) {
    super(message);
  }
}

const QUOTE = 34;
const COMMA = 44;
const LF = 10;
const CR = 13;

export interface CsvReader {
  /** Adds text; returns the records it completed. */
  push(text: string): CsvRecord[];
  /** Ends the input; returns the last record, if any. */
  end(): CsvRecord[];
}

export function csvReader(): CsvReader {
  let pending = '';
  let line = 1;
  let started = false;

  /** Reads complete records from `pending`; at the end of input the last one need not be terminated. */
  const drain = (final: boolean): CsvRecord[] => {
    const records: CsvRecord[] = [];
    let at = 0;
    while (at < pending.length) {
      const read = readRecord(pending, at, line, final);
      if (!read) break; // the record continues in the next piece
      if (!(read.fields.length === 1 && read.fields[0] === '' && !read.quoted)) records.push({ fields: read.fields, line });
      line += read.lines;
      at = read.next;
    }
    pending = pending.slice(at);
    return records;
  };

  return {
    push(text) {
      if (!started && text.length > 0) {
        started = true;
        if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
      }
      pending += text;
      return drain(false);
    },
    end() {
      return drain(true);
    },
  };
}

/** Every record of a whole text. */
export function parseCsv(text: string): CsvRecord[] {
  const reader = csvReader();
  const records = reader.push(text);
  for (const record of reader.end()) records.push(record);
  return records;
}

interface ReadRecord {
  fields: string[];
  /** Where the next record starts. */
  next: number;
  /** Line breaks consumed, inside quotes and the terminator. */
  lines: number;
  /** Whether any field was quoted (so `""` alone is a record, not an empty line). */
  quoted: boolean;
}

/** Reads one record starting at `start`, or returns undefined when `text` ends before it does (and more may come). */
function readRecord(text: string, start: number, line: number, final: boolean): ReadRecord | undefined {
  const fields: string[] = [];
  let lines = 0;
  let quoted = false;
  let at = start;
  for (;;) {
    if (text.charCodeAt(at) === QUOTE) {
      quoted = true;
      let value = '';
      let from = at + 1;
      for (;;) {
        const close = text.indexOf('"', from);
        if (close === -1 || (close === text.length - 1 && !final)) {
          if (!final) return undefined;
          throw new CsvSyntaxError(line, 'a quoted field is never closed (a quote inside a quoted field must be doubled: "")');
        }
        value += text.slice(from, close);
        if (text.charCodeAt(close + 1) === QUOTE) {
          value += '"';
          from = close + 2;
        } else {
          at = close + 1;
          break;
        }
      }
      lines += countLineBreaks(value);
      fields.push(value);
    } else {
      let end = at;
      for (; end < text.length; end++) {
        const c = text.charCodeAt(end);
        if (c === COMMA || c === LF || c === CR) break;
        if (c === QUOTE) throw new CsvSyntaxError(line + lines, 'a quote inside an unquoted field (quote the whole field and double the quote: "say ""hi""")');
      }
      fields.push(text.slice(at, end));
      at = end;
    }
    // After a field: a comma, a line ending, or the end of the text.
    if (at >= text.length) {
      if (!final) return undefined;
      return { fields, next: at, lines, quoted };
    }
    const c = text.charCodeAt(at);
    if (c === COMMA) {
      at++;
      continue;
    }
    if (c === LF) return { fields, next: at + 1, lines: lines + 1, quoted };
    if (c === CR) {
      if (at + 1 >= text.length && !final) return undefined; // a CRLF may be split across pieces
      return { fields, next: text.charCodeAt(at + 1) === LF ? at + 2 : at + 1, lines: lines + 1, quoted };
    }
    throw new CsvSyntaxError(line + lines, 'unexpected text after a closing quote (a quote inside a quoted field must be doubled: "")');
  }
}

/** Line breaks in a quoted value, counting CRLF once. */
function countLineBreaks(value: string): number {
  let n = 0;
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c === LF) n++;
    else if (c === CR && value.charCodeAt(i + 1) !== LF) n++;
  }
  return n;
}
