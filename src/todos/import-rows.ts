import { CsvSyntaxError, csvReader, type CsvLimits, type CsvRecord } from '../csv/parse.ts';
import { withoutFormulaQuote } from '../csv/formula.ts';
import { importableOf, listed } from '../lib/fields.ts';
import { ProblemError, type FieldError } from '../lib/problem.ts';
import { todoFields } from './fields.ts';
import type { NewTodo } from './schemas.ts';

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

/** The fields an import reads from its columns, and the server-set ones whose columns it accepts and ignores. */
export const IMPORTED = importableOf(todoFields);

/** An import's accepted rows, as the statement takes them: an array literal per field read (see src/db/array-literal.ts). */
export interface ImportedRows {
  count: number;
  /** Per field read, its values as one literal of its array type. */
  literals: Record<string, string>;
}

/** One literal per field read, empty. */
const newLiterals = () => IMPORTED.read.map(({ name, input }) => ({ name, literal: input.array.literal() }));

/** The bytes rows take inside the database request (their array literals as JSON strings), exactly. */
export function statementBytes(rows: readonly NewTodo[]): number {
  const literals = newLiterals();
  for (const row of rows) for (const { name, literal } of literals) literal.add(row[name as keyof NewTodo]);
  return literals.reduce((bytes, { literal }) => bytes + literal.requestBytes, 0);
}

const statementTooLarge = () =>
  new ProblemError(
    413,
    `These rows take more than the ${IMPORT_MAX_STATEMENT_BYTES} bytes one import statement carries, once encoded for the database; send fewer rows per request (npm run import sizes its chunks to fit).`,
  );

/** The most columns a header can have: every field's, each once. */
export const IMPORT_MAX_COLUMNS = IMPORTED.read.length + IMPORTED.ignored.length;

/** The fields a header must name, and those it may. */
export const IMPORT_REQUIRED = IMPORTED.read.filter(({ input }) => input.default === undefined).map(({ name }) => name);
export const IMPORT_OPTIONAL = IMPORTED.read.filter(({ input }) => input.default !== undefined).map(({ name }) => name);

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
  /** Per field read, its column's index; -1 when the header has none (every row then takes the field's default). */
  at: Record<string, number>;
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
    return `the header has ${header.length} columns; an import takes at most ${IMPORT_MAX_COLUMNS} (${IMPORTED.read.map(({ name }) => name).join(', ')}, and the export's ${IMPORTED.ignored.join(', ')})`;
  }
  const names = header.map((name) => name.trim().toLowerCase());
  const known = new Set(
    [...IMPORTED.read.map(({ name }) => name), ...IMPORTED.ignored].map((name) => name.toLowerCase()),
  );
  const unknown = names.filter((name) => !known.has(name));
  if (unknown.length > 0)
    return `unknown column(s) ${someNames(unknown)}: the columns are ${listed(IMPORT_REQUIRED)} and optionally ${listed(IMPORT_OPTIONAL)}`;
  const duplicate = names.find((name, i) => names.indexOf(name) !== i);
  if (duplicate) return `the column "${duplicate}" appears twice`;
  const missing = IMPORT_REQUIRED.find((name) => !names.includes(name.toLowerCase()));
  if (missing) return `the header must name a "${missing}" column`;
  const at = Object.fromEntries(IMPORTED.read.map(({ name }) => [name, names.indexOf(name.toLowerCase())]));
  return { count: names.length, at };
}

/**
 * One data row as a todo (each field read by its declaration's rules: those
 * of POST /todos), or every reason it is not one.
 */
export function importRow(fields: string[], columns: ImportColumns): NewTodo | RowProblem['errors'] {
  if (fields.length !== columns.count)
    return [{ path: '(row)', message: `has ${fields.length} field(s); the header has ${columns.count}` }];
  const errors: RowProblem['errors'] = [];
  const row: Record<string, unknown> = {};
  for (const { name, input } of IMPORTED.read) {
    const at = columns.at[name]!;
    if (at === -1) {
      row[name] = input.default;
      continue;
    }
    // The export guards every cell against formulas (csvRecord), so every cell loses that guard here, whatever its kind.
    const read = input.fromCell(withoutFormulaQuote(fields[at]!.trim()));
    if ('problem' in read) errors.push({ path: name, message: read.problem });
    else row[name] = read.value;
  }
  return errors.length > 0 ? errors : (row as NewTodo);
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
    check({ fields, line }: CsvRecord): NewTodo | undefined {
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
  let literals: ReturnType<typeof newLiterals> | undefined = newLiterals();
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
        literals = undefined; // the import is refused: its good rows are of no use
        return;
      }
      if (!literals) return;
      let bytes = 0;
      for (const { name, literal } of literals) {
        literal.add(todo[name as keyof NewTodo]);
        bytes += literal.requestBytes;
      }
      if (bytes > IMPORT_MAX_STATEMENT_BYTES) throw statementTooLarge();
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
      for (const { literal } of literals ?? []) literal.seal();
      return more;
    },
    end() {
      settle(() => reader.end());
      if (decided) return decided;
      if (!tally) return headerProblem(1, `the body is empty: ${NO_HEADER}`);
      if (tally.invalidRows > 0 || !literals)
        return { ok: false, problems: tally.problems, invalidRows: tally.invalidRows };
      return {
        ok: true,
        count: tally.rows,
        literals: Object.fromEntries(literals.map(({ name, literal }) => [name, literal.finish()])),
      };
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
