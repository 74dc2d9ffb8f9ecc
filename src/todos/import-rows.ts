import { CsvSyntaxError, csvReader, type CsvLimits, type CsvRecord } from '../csv/parse.ts';
import { ProblemError, type FieldError } from '../lib/problem.ts';
import { textProblem } from './rules.ts';

/** Limits of one import request; beyond them, 413. */
export const IMPORT_MAX_BYTES = 10 * 1024 * 1024;
export const IMPORT_MAX_ROWS = 100_000;
/** The problem for a rejected import lists at most this many rows. */
export const IMPORT_MAX_REPORTED = 100;

/**
 * What one record of an import may hold, so that no body makes the reader hold
 * more: a todo's text is at most 1000 characters once trimmed (2000 UTF-16
 * units at worst), which leaves room for padding and the other columns.
 */
export const IMPORT_CSV_LIMITS: CsvLimits = { maxFieldChars: 4096, maxRecordChars: 16 * 1024 };

/**
 * Neon's proxy refuses a SQL-over-HTTP request over 10 MiB, and an import's
 * rows travel inside one. This leaves room for the statement and the JSON
 * around the two array parameters.
 */
export const IMPORT_MAX_STATEMENT_BYTES = 9 * 1024 * 1024;

/**
 * The bytes rows take inside the request, as the driver encodes them: each
 * text quoted in an array literal, then the literal escaped as a JSON string,
 * so a quote or backslash costs 4 bytes, a control character 2 or 6, each
 * value 5 more; each done flag at most 10 ("false" quoted, twice escaped).
 */
export function statementBytes(texts: readonly string[], dones: readonly boolean[]): number {
  let bytes = 8 + dones.length * 10; // 8: each array's braces and JSON quotes
  for (const text of texts) {
    bytes += 5;
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c === 34 || c === 92) bytes += 4;
      else if (c < 0x20) bytes += c === 8 || c === 9 || c === 10 || c === 12 || c === 13 ? 2 : 6;
      else if (c < 0x80) bytes += 1;
      else if (c < 0x800) bytes += 2;
      else if (c >= 0xd800 && c <= 0xdbff) {
        bytes += 4;
        i++;
      } // a surrogate pair: one 4-byte character
      else bytes += 3;
    }
  }
  return bytes;
}

/** 413 when valid rows would not fit one statement on Neon (quotes and backslashes swell them up to fourfold). */
function checkStatementSize(texts: string[], dones: boolean[], csvLength: number): void {
  // Cheap bound first: a CSV's characters never grow more than sixfold, so most imports skip the exact count.
  if (csvLength * 6 + dones.length * 15 <= IMPORT_MAX_STATEMENT_BYTES) return;
  const bytes = statementBytes(texts, dones);
  if (bytes > IMPORT_MAX_STATEMENT_BYTES) {
    throw new ProblemError(
      413,
      `These rows take ${bytes} bytes once encoded for the database, over the ${IMPORT_MAX_STATEMENT_BYTES} one statement can carry on Neon; send fewer rows per request (npm run import sizes its chunks to fit).`,
    );
  }
}

/** Columns the export writes that the server assigns itself: accepted, so an export re-imports as is, and ignored. */
const IGNORED_COLUMNS = new Set(['id', 'version', 'createdat', 'updatedat']);

/** The most columns a header can have: text, done and the ignored ones, each once. */
export const IMPORT_MAX_COLUMNS = 2 + IGNORED_COLUMNS.size;

const DONE_WORDS: Record<string, boolean> = {
  true: true,
  false: false,
  1: true,
  0: false,
  yes: true,
  no: false,
  '': false,
};

/** `done` as written in a CSV cell: true/false, 1/0, yes/no in any case, empty for false. */
export function parseDone(cell: string): boolean | undefined {
  return DONE_WORDS[cell.trim().toLowerCase()];
}

export interface RowProblem {
  /** The line of the CSV text on which the row starts (the header is line 1). */
  line: number;
  /** The row's number among the data rows (the first after the header is 1). */
  row: number;
  errors: FieldError[];
}

export type ImportRows =
  { ok: true; texts: string[]; dones: boolean[] } | { ok: false; problems: RowProblem[]; invalidRows: number };

/** Where the columns of an import are, read from its header. */
export interface ImportColumns {
  count: number;
  text: number;
  /** -1 when there is no done column (every row is then not done). */
  done: number;
}

/** A few of `names`, each cut short, and how many there are: a problem's size never depends on the input's. */
function someNames(names: string[], shown = 3, maxChars = 40): string {
  const quoted = names
    .slice(0, shown)
    .map((name) => `"${name.length > maxChars ? `${name.slice(0, maxChars)}…` : name}"`);
  return names.length > shown ? `${quoted.join(', ')} and ${names.length - shown} more` : quoted.join(', ');
}

/** The columns named by a header row, or why the header is unacceptable. */
export function importColumns(header: string[]): ImportColumns | string {
  if (header.length > IMPORT_MAX_COLUMNS) {
    return `the header has ${header.length} columns; an import takes at most ${IMPORT_MAX_COLUMNS} (text, done, and the export's id, version, createdAt, updatedAt)`;
  }
  const names = header.map((name) => name.trim().toLowerCase());
  const unknown = names.filter((name) => name !== 'text' && name !== 'done' && !IGNORED_COLUMNS.has(name));
  if (unknown.length > 0) return `unknown column(s) ${someNames(unknown)}: the columns are text and optionally done`;
  const duplicate = names.find((name, i) => names.indexOf(name) !== i);
  if (duplicate) return `the column "${duplicate}" appears twice`;
  if (!names.includes('text')) return 'the header must name a "text" column';
  return { count: names.length, text: names.indexOf('text'), done: names.indexOf('done') };
}

/** One data row as a todo (text trimmed), or every reason it is not one: the rules of POST /todos. */
export function importRow(
  fields: string[],
  columns: ImportColumns,
): { text: string; done: boolean } | RowProblem['errors'] {
  if (fields.length !== columns.count)
    return [{ path: '(row)', message: `has ${fields.length} field(s); the header has ${columns.count}` }];
  const errors: RowProblem['errors'] = [];
  const text = fields[columns.text]!;
  const textError = textProblem(text);
  if (textError) errors.push({ path: 'text', message: textError });
  const done = columns.done === -1 ? false : parseDone(fields[columns.done]!);
  if (done === undefined) errors.push({ path: 'done', message: 'must be true/false, 1/0, yes/no (any case) or empty' });
  return errors.length > 0 ? errors : { text: text.trim(), done: done! };
}

/** Why an input without even a header line cannot be imported. */
export const NO_HEADER = 'the first line must be a header naming the columns, e.g. "text,done"';

/**
 * Checks data rows one at a time (the API's body, the CLI's file), keeping the
 * first IMPORT_MAX_REPORTED problems and counting them all.
 */
export function rowTally(columns: ImportColumns) {
  const problems: RowProblem[] = [];
  let rows = 0;
  let invalidRows = 0;
  return {
    columns,
    problems,
    get rows() {
      return rows;
    },
    get invalidRows() {
      return invalidRows;
    },
    /** The row as a todo, or undefined when it is invalid (and then tallied). */
    check({ fields, line }: CsvRecord): { text: string; done: boolean } | undefined {
      rows++;
      const row = importRow(fields, columns);
      if (!Array.isArray(row)) return row;
      if (++invalidRows <= IMPORT_MAX_REPORTED) problems.push({ line, row: rows, errors: row });
      return undefined;
    },
  };
}

/** Stops reading an import early with this result. */
class Stop extends Error {
  constructor(readonly result: ImportRows) {
    super('stopped reading the import');
  }
}

/**
 * Reads an import body: the header, then every row checked with the rules of
 * POST /todos. Either every row is good, or the first bad rows come back (all
 * or nothing is decided here, before anything touches the database). Records
 * are checked as the reader finds them and only good rows are kept, so memory
 * follows the rows accepted, not the body's shape; a bad header stops at once,
 * and row IMPORT_MAX_ROWS + 1 is a 413 at once, whatever came before it.
 */
export function readImportRows(csv: string): ImportRows {
  const texts: string[] = [];
  const dones: boolean[] = [];
  let tally: ReturnType<typeof rowTally> | undefined;
  const reader = csvReader((record) => {
    if (!tally) {
      const columns = importColumns(record.fields);
      if (typeof columns === 'string') throw new Stop(headerProblem(record.line, columns));
      tally = rowTally(columns);
      return;
    }
    if (tally.rows === IMPORT_MAX_ROWS) {
      throw new ProblemError(
        413,
        `An import holds at most ${IMPORT_MAX_ROWS} rows; this one has more. Split it (npm run import does).`,
      );
    }
    const todo = tally.check(record);
    if (todo) {
      texts.push(todo.text);
      dones.push(todo.done);
    }
  }, IMPORT_CSV_LIMITS);
  try {
    reader.push(csv);
    reader.end();
  } catch (err) {
    if (err instanceof Stop) return err.result;
    if (!(err instanceof CsvSyntaxError)) throw err;
    return {
      ok: false,
      problems: [{ line: err.line, row: 0, errors: [{ path: '(csv)', message: err.message }] }],
      invalidRows: 1,
    };
  }
  if (!tally) return headerProblem(1, `the body is empty: ${NO_HEADER}`);
  if (tally.invalidRows > 0) return { ok: false, problems: tally.problems, invalidRows: tally.invalidRows };
  checkStatementSize(texts, dones, csv.length);
  return { ok: true, texts, dones };
}

function headerProblem(line: number, message: string): ImportRows {
  return { ok: false, problems: [{ line, row: 0, errors: [{ path: '(header)', message }] }], invalidRows: 0 };
}
