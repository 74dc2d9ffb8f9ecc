import { CsvSyntaxError, csvReader, type CsvLimits, type CsvRecord } from '../csv/parse.ts';
import { withoutFormulaQuote } from '../csv/formula.ts';
import { booleanArrayLiteral, textArrayLiteral, type ArrayLiteral } from '../db/array-literal.ts';
import { ProblemError, type FieldError } from '../lib/problem.ts';
import { textProblem } from './rules.ts';

/** Limits of one import request; beyond them, 413. */
export const IMPORT_MAX_BYTES = 10 * 1024 * 1024;
export const IMPORT_MAX_ROWS = 100_000;
/** An import declared this small is never turned away for another running: its memory is small. */
export const IMPORT_SMALL_BYTES = 1024 * 1024;
/** The problem for a rejected import lists at most this many rows. */
export const IMPORT_MAX_REPORTED = 100;

/**
 * What one record of an import may hold, so that no body makes the reader hold
 * more: a todo's text is at most 1000 characters once trimmed (2000 UTF-16
 * units at worst), which leaves room for padding and the other columns.
 */
export const IMPORT_CSV_LIMITS: CsvLimits = { maxFieldChars: 4096, maxRecordChars: 16 * 1024 };

/**
 * What an import's rows may take inside its one database request. Neon's proxy
 * refuses a SQL-over-HTTP request over 10 MiB, but the isolate's memory is the
 * tighter bound: while the request is sent, the Worker holds the literals, the
 * driver's JSON of them and the bytes on their way out, about five times this,
 * and an isolate has 128 MB. A larger file goes in chunks (`npm run import`).
 */
export const IMPORT_MAX_STATEMENT_BYTES = 4 * 1024 * 1024;

/** An import's accepted rows, as the statement takes them: two array literals (see src/db/array-literal.ts). */
export interface ImportedRows {
  count: number;
  /** A text[] literal. */
  texts: string;
  /** A boolean[] literal. */
  dones: string;
}

/** The bytes rows take inside the database request (the two array literals as JSON strings), exactly. */
export function statementBytes(texts: readonly string[], dones: readonly boolean[]): number {
  const textLiteral = textArrayLiteral();
  const doneLiteral = booleanArrayLiteral();
  for (const text of texts) textLiteral.add(text);
  for (const done of dones) doneLiteral.add(done);
  return textLiteral.requestBytes + doneLiteral.requestBytes;
}

const statementTooLarge = () =>
  new ProblemError(
    413,
    `These rows take more than the ${IMPORT_MAX_STATEMENT_BYTES} bytes one import statement carries, once encoded for the database; send fewer rows per request (npm run import sizes its chunks to fit).`,
  );

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

export type ImportRows = ({ ok: true } & ImportedRows) | { ok: false; problems: RowProblem[]; invalidRows: number };

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

/**
 * One data row as a todo (text trimmed, and the `'` an export puts before a
 * formula-like text removed), or every reason it is not one: the rules of POST /todos.
 */
export function importRow(
  fields: string[],
  columns: ImportColumns,
): { text: string; done: boolean } | RowProblem['errors'] {
  if (fields.length !== columns.count)
    return [{ path: '(row)', message: `has ${fields.length} field(s); the header has ${columns.count}` }];
  const errors: RowProblem['errors'] = [];
  const text = withoutFormulaQuote(fields[columns.text]!.trim());
  const textError = textProblem(text);
  if (textError) errors.push({ path: 'text', message: textError });
  const done = columns.done === -1 ? false : parseDone(fields[columns.done]!);
  if (done === undefined) errors.push({ path: 'done', message: 'must be true/false, 1/0, yes/no (any case) or empty' });
  return errors.length > 0 ? errors : { text, done: done! };
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

const tooManyRows = () =>
  new ProblemError(
    413,
    `An import holds at most ${IMPORT_MAX_ROWS} rows, blank lines included; this one has more. Split it (npm run import does).`,
  );

/**
 * Thrown inside the CSV reader's callback to stop it once the outcome is decided. Made when thrown, not when
 * the module loads: an Error made at start-up makes V8 work out the whole bundle's source positions for its stack.
 */
class ImportDecided extends Error {}

export interface ImportReader {
  /** Reads the next piece of the body; false once the outcome is decided (a bad header, broken CSV): read no further. */
  push(text: string): boolean;
  /** The outcome, once the whole body was pushed (or push said to stop). */
  end(): ImportRows;
}

/**
 * Reads an import body piece by piece as it arrives: the header, then every
 * row checked with the rules of POST /todos. Either every row is good, or the
 * first bad rows come back (all or nothing is decided here, before anything
 * touches the database). Good rows are kept only as the statement's array
 * literals, and none once a row is bad, so memory follows the rows accepted,
 * not the body's shape. Throws a 413 at once at the first line past
 * IMPORT_MAX_ROWS (blank lines count, so a body of line breaks is cheap to
 * refuse) and at the first row that would outgrow one statement.
 */
export function importReader(): ImportReader {
  let texts: ArrayLiteral<string> | undefined = textArrayLiteral();
  let dones: ArrayLiteral<boolean> | undefined = booleanArrayLiteral();
  let tally: ReturnType<typeof rowTally> | undefined;
  let decided: ImportRows | undefined;
  let lines = 0; // data rows and blank lines, wherever they are
  const count = () => {
    if (++lines > IMPORT_MAX_ROWS) throw tooManyRows();
  };
  const reader = csvReader(
    (record) => {
      if (!tally) {
        const columns = importColumns(record.fields);
        if (typeof columns === 'string') {
          decided = headerProblem(record.line, columns);
          throw new ImportDecided('the import is decided');
        }
        tally = rowTally(columns);
        return;
      }
      count();
      const todo = tally.check(record);
      if (!todo) {
        texts = dones = undefined; // the import is refused: its good rows are of no use
        return;
      }
      if (!texts || !dones) return;
      texts.add(todo.text);
      dones.add(todo.done);
      if (texts.requestBytes + dones.requestBytes > IMPORT_MAX_STATEMENT_BYTES) throw statementTooLarge();
    },
    IMPORT_CSV_LIMITS,
    count,
  );
  const settle = (step: () => void): boolean => {
    if (decided) return false;
    try {
      step();
    } catch (err) {
      if (err instanceof ImportDecided) return false;
      if (!(err instanceof CsvSyntaxError)) throw err;
      decided = {
        ok: false,
        problems: [{ line: err.line, row: 0, errors: [{ path: '(csv)', message: err.message }] }],
        invalidRows: 1,
      };
    }
    return !decided;
  };
  return {
    push(text) {
      const more = settle(() => reader.push(text));
      texts?.seal();
      dones?.seal();
      return more;
    },
    end() {
      settle(() => reader.end());
      if (decided) return decided;
      if (!tally) return headerProblem(1, `the body is empty: ${NO_HEADER}`);
      if (tally.invalidRows > 0 || !texts || !dones)
        return { ok: false, problems: tally.problems, invalidRows: tally.invalidRows };
      return { ok: true, count: texts.count, texts: texts.finish(), dones: dones.finish() };
    },
  };
}

/** Reads a whole import body given at once (see importReader). */
export function readImportRows(csv: string): ImportRows {
  const reader = importReader();
  reader.push(csv);
  return reader.end();
}

function headerProblem(line: number, message: string): ImportRows {
  return { ok: false, problems: [{ line, row: 0, errors: [{ path: '(header)', message }] }], invalidRows: 0 };
}
