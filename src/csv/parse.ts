/**
 * An RFC 4180 CSV reader that takes its text in pieces: the Worker gives it a
 * request body, the import CLI a file as it streams off the disk. Fields are
 * separated by commas; a field in double quotes may hold commas, newlines and
 * doubled quotes; records end with LF, CRLF or a lone CR; a UTF-8 BOM at the
 * very start is skipped; empty lines are skipped. Anything else (a quote
 * inside an unquoted field, text after a closing quote, a quote never closed,
 * a field or record over its limit) is an error naming its line, never a guess.
 *
 * Each character is looked at once: the reader keeps its place between pieces
 * (a record split across pieces is not read again from its start), and hands
 * each record to `onRecord` as soon as it ends, so what it holds is at most
 * one record, whatever the input's size. `onRecord` may throw to stop reading.
 */
export interface CsvRecord {
  fields: string[];
  /** The 1-based line on which the record starts. */
  line: number;
}

export class CsvSyntaxError extends Error {
  constructor(
    readonly line: number,
    message: string,
  ) {
    super(message);
  }
}

/** Bounds on one record, so that no input makes the reader hold more than this. */
export interface CsvLimits {
  /** Longest field, in UTF-16 code units, after unquoting. */
  maxFieldChars: number;
  /** Longest record as written (quotes, commas and line breaks inside quotes included), in UTF-16 code units. */
  maxRecordChars: number;
}

export const UNLIMITED: CsvLimits = { maxFieldChars: Infinity, maxRecordChars: Infinity };

export interface CsvReader {
  /** Adds text; each record it completes goes to `onRecord`. */
  push(text: string): void;
  /** Ends the input; the last record, if any, goes to `onRecord`. */
  end(): void;
}

const QUOTE = 34;
const COMMA = 44;
const LF = 10;
const CR = 13;

/** Where the reader is: between fields, inside one, or just after a quote or a CR whose meaning the next character decides. */
const enum At {
  FieldStart,
  Unquoted,
  Quoted,
  QuoteInQuoted,
  AfterCr,
}

/**
 * `onBlank`, when given, hears of each empty line the reader skips (a caller
 * that bounds its records counts them too: a body of line breaks is work).
 */
export function csvReader(
  onRecord: (record: CsvRecord) => void,
  limits: CsvLimits = UNLIMITED,
  onBlank?: () => void,
): CsvReader {
  const { maxFieldChars, maxRecordChars } = limits;
  let at = At.FieldStart;
  let fields: string[] = [];
  let field = '';
  let quoted = false; // whether any field of the record was quoted (so `""` alone is a record, not an empty line)
  let line = 1; // where the record starts
  let breaks = 0; // line breaks inside the record's quoted fields
  let recordChars = 0;
  let crInQuotes = false; // the last character read inside quotes was a CR (a CRLF there is one line break)
  let started = false;

  const fail = (atLine: number, message: string): never => {
    throw new CsvSyntaxError(atLine, message);
  };
  /** Counts characters of the record as written; past the limit, the record is an error. */
  const take = (n: number) => {
    recordChars += n;
    if (recordChars > maxRecordChars) fail(line, `a record is longer than ${maxRecordChars} characters`);
  };
  const append = (part: string) => {
    if (field.length + part.length > maxFieldChars) fail(line, `a field is longer than ${maxFieldChars} characters`);
    field += part;
  };
  const endField = () => {
    fields.push(field);
    field = '';
  };
  const endRecord = () => {
    endField();
    const record = { fields, line };
    const blank = fields.length === 1 && fields[0] === '' && !quoted;
    line += breaks + 1;
    breaks = 0;
    fields = [];
    quoted = false;
    recordChars = 0;
    if (!blank) onRecord(record);
    else onBlank?.();
  };
  /** After a field: a comma starts the next one, a line break ends the record. */
  const delimiter = (c: number) => {
    if (c === COMMA) {
      endField();
      at = At.FieldStart;
    } else {
      endRecord();
      at = c === CR ? At.AfterCr : At.FieldStart;
    }
  };
  /** Line breaks in a run of quoted text, a CRLF counted once, even when a piece ends between the two. */
  const countBreaks = (text: string, from: number, to: number) => {
    for (let i = from; i < to; i++) {
      const c = text.charCodeAt(i);
      if (c === CR) breaks++;
      else if (c === LF && !crInQuotes) breaks++;
      crInQuotes = c === CR;
    }
  };

  return {
    push(text) {
      let i = 0;
      if (!started && text.length > 0) {
        started = true;
        if (text.charCodeAt(0) === 0xfeff) i = 1;
      }
      const n = text.length;
      while (i < n) {
        switch (at) {
          case At.AfterCr:
            // A CR ended the last record; an LF right after it belongs to that line end.
            at = At.FieldStart;
            if (text.charCodeAt(i) === LF) i++;
            break;
          case At.FieldStart:
            if (text.charCodeAt(i) === QUOTE) {
              take(1);
              quoted = true;
              crInQuotes = false;
              at = At.Quoted;
              i++;
              break;
            }
            at = At.Unquoted;
          // falls through: the character starts an unquoted field
          case At.Unquoted: {
            let end = i;
            let c = 0;
            for (; end < n; end++) {
              c = text.charCodeAt(end);
              if (c === COMMA || c === LF || c === CR) break;
              if (c === QUOTE)
                fail(
                  line + breaks,
                  'a quote inside an unquoted field (quote the whole field and double the quote: "say ""hi""")',
                );
            }
            append(text.slice(i, end));
            take(end - i);
            if (end === n) return; // the field goes on in the next piece
            take(1);
            i = end + 1;
            delimiter(c);
            break;
          }
          case At.Quoted: {
            const close = text.indexOf('"', i);
            const end = close === -1 ? n : close;
            append(text.slice(i, end));
            take(end - i);
            countBreaks(text, i, end);
            if (close === -1) return;
            take(1);
            i = close + 1;
            at = At.QuoteInQuoted;
            break;
          }
          case At.QuoteInQuoted: {
            // The quote just read was either the first of a doubled one or the closing one.
            const c = text.charCodeAt(i);
            if (c === QUOTE) {
              take(1);
              append('"');
              crInQuotes = false;
              at = At.Quoted;
              i++;
            } else if (c === COMMA || c === LF || c === CR) {
              take(1);
              i++;
              delimiter(c);
            } else {
              fail(
                line + breaks,
                'unexpected text after a closing quote (a quote inside a quoted field must be doubled: "")',
              );
            }
            break;
          }
        }
      }
    },
    end() {
      if (at === At.Quoted)
        fail(line, 'a quoted field is never closed (a quote inside a quoted field must be doubled: "")');
      // A last record without a line break: a field under way, a closed quote, or a trailing comma.
      if (at === At.Unquoted || at === At.QuoteInQuoted || (at === At.FieldStart && fields.length > 0)) endRecord();
      at = At.FieldStart;
    },
  };
}

/** Every record of a whole text (tests and small inputs; a large input is read with csvReader). */
export function parseCsv(text: string, limits?: CsvLimits): CsvRecord[] {
  const records: CsvRecord[] = [];
  const reader = csvReader((record) => records.push(record), limits);
  reader.push(text);
  reader.end();
  return records;
}
