import { CsvSyntaxError, csvReader, type CsvLimits, type CsvRecord } from '../csv/parse.ts';
import { withoutFormulaQuote } from '../csv/formula.ts';
import { INTEGER_ARRAY } from '../db/array-literal.ts';
import { importableOf, listed } from '../lib/fields.ts';
import { ProblemError, type FieldError } from '../lib/problem.ts';
import { todoFields } from './fields.ts';
import { importLinks, labelProblem } from './import-links.ts';
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

/**
 * The columns that link an import's rows: a row's `id` and its parent's
 * (`parentId`) are labels within the file, not todos: the rows get new ids,
 * and a subtask the new id of the row its parentId names (import-links.ts).
 */
export const LINK_COLUMNS = ['id', 'parentId'] as const;

const importable = importableOf(todoFields);

/**
 * The fields an import reads from its columns as values, and the columns it
 * accepts and ignores: the server-set ones and those an import decides (the
 * list, the place). `LINK_COLUMNS` are read, as links.
 */
export const IMPORTED = {
  read: importable.read.filter(({ name }) => !(LINK_COLUMNS as readonly string[]).includes(name)),
  ignored: importable.ignored.filter((name) => !(LINK_COLUMNS as readonly string[]).includes(name)),
};

/** An import's accepted rows, as the statement takes them: an array literal per field read (see src/db/array-literal.ts). */
export interface ImportedRows {
  count: number;
  /** Per field read, its values as one literal of its array type. */
  literals: Record<string, string>;
  /** Each row's parent as its row number in the file (1-based; NULL: a top-level row), as one int[] literal. */
  parentRows: string;
}

/** One data row: the todo's values and its links (empty: none). */
export interface ImportedRow {
  todo: NewTodo;
  id: string;
  parentId: string;
}

/**
 * What one row's parent takes in the int[] of parent rows, at most: a row
 * number of up to six digits (or NULL) and its comma. Counted for every row
 * of a file with a parentId column, before the parent's row number is known.
 */
const parentBytes = (parentId: string) => (parentId === '' ? 5 : 7);

/** One literal per field read, empty. */
const newLiterals = () => IMPORTED.read.map(({ name, input }) => ({ name, literal: input.array.literal() }));

/**
 * The bytes rows take inside the database request (their array literals as
 * JSON strings): exactly, and at most for their parent rows (parentBytes)
 * when `linked` (the file has a parentId column).
 */
export function statementBytes(rows: readonly ImportedRow[], linked = false): number {
  const literals = newLiterals();
  let bytes = 0;
  for (const { todo, parentId } of rows) {
    for (const { name, literal } of literals) literal.add(todo[name as keyof NewTodo]);
    if (linked) bytes += parentBytes(parentId);
  }
  return literals.reduce((sum, { literal }) => sum + literal.requestBytes, bytes);
}

const statementTooLarge = () =>
  new ProblemError(
    413,
    `These rows take more than the ${IMPORT_MAX_STATEMENT_BYTES} bytes one import statement carries, once encoded for the database; send fewer rows per request (npm run import sizes its chunks to fit).`,
  );

/** The most columns a header can have: every field's, each once. */
export const IMPORT_MAX_COLUMNS = IMPORTED.read.length + IMPORTED.ignored.length + LINK_COLUMNS.length;

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
  /** Per field read and per link column, its column's index; -1 when the header has none (every row then takes the field's default, or has no link). */
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
    return `the header has ${header.length} columns; an import takes at most ${IMPORT_MAX_COLUMNS} (${[...IMPORTED.read.map(({ name }) => name), ...LINK_COLUMNS].join(', ')}, and the export's ${IMPORTED.ignored.join(', ')})`;
  }
  const names = header.map((name) => name.trim().toLowerCase());
  const known = new Set(
    [...IMPORTED.read.map(({ name }) => name), ...LINK_COLUMNS, ...IMPORTED.ignored].map((name) => name.toLowerCase()),
  );
  const unknown = names.filter((name) => !known.has(name));
  if (unknown.length > 0)
    return `unknown column(s) ${someNames(unknown)}: the columns are ${listed(IMPORT_REQUIRED)} and optionally ${listed([...IMPORT_OPTIONAL, ...LINK_COLUMNS])}`;
  const duplicate = names.find((name, i) => names.indexOf(name) !== i);
  if (duplicate) return `the column "${duplicate}" appears twice`;
  const missing = IMPORT_REQUIRED.find((name) => !names.includes(name.toLowerCase()));
  if (missing) return `the header must name a "${missing}" column`;
  const at = Object.fromEntries(
    [...IMPORTED.read.map(({ name }) => name), ...LINK_COLUMNS].map((name) => [
      name,
      names.indexOf(name.toLowerCase()),
    ]),
  );
  return { count: names.length, at };
}

/** A cell as read, without the export's guard against formulas (csvRecord), whatever its kind. */
const cellAt = (fields: string[], at: number) => (at === -1 ? '' : withoutFormulaQuote(fields[at]!.trim()));

/**
 * One data row as a todo (each field read by its declaration's rules: those
 * of POST /todos) and its links, or every reason it is not one.
 */
export function importRow(fields: string[], columns: ImportColumns): ImportedRow | RowProblem['errors'] {
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
    const read = input.fromCell(cellAt(fields, at));
    if ('problem' in read) errors.push({ path: name, message: read.problem });
    else row[name] = read.value;
  }
  const [id, parentId] = LINK_COLUMNS.map((name) => cellAt(fields, columns.at[name]!)) as [string, string];
  for (const [path, label] of [
    ['id', id],
    ['parentId', parentId],
  ] as const) {
    const problem = labelProblem(label);
    if (problem) errors.push({ path, message: problem });
  }
  return errors.length > 0 ? errors : { todo: row as NewTodo, id, parentId };
}

/** Why an input without even a header line cannot be imported. */
export const NO_HEADER = 'the first line must be a header naming the columns, e.g. "text,done"';

/**
 * Checks data rows one at a time (the API's body, the CLI's file), keeping the
 * first IMPORT_MAX_REPORTED problems and counting them all; `finish` checks
 * the links to rows that came later, once every row is read.
 */
export function rowTally(columns: ImportColumns) {
  const problems: RowProblem[] = [];
  const links = importLinks();
  /** Per row, whether it is invalid: a row refused when read may have a link problem at the end too. */
  let invalid = new Uint8Array(1024);
  let rows = 0;
  let invalidRows = 0;
  const refuse = (row: number, line: number, errors: FieldError[]) => {
    if (row > invalid.length) {
      const more = new Uint8Array(invalid.length * 2);
      more.set(invalid);
      invalid = more;
    }
    if (invalid[row - 1]) {
      problems.find((p) => p.row === row)?.errors.push(...errors);
      return;
    }
    invalid[row - 1] = 1;
    invalidRows++;
    // The first rows in file order (a link problem found at the end may be an early row's).
    const at = problems.findLastIndex((p) => p.row < row) + 1;
    if (at < IMPORT_MAX_REPORTED) problems.splice(at, 0, { line, row, errors });
    if (problems.length > IMPORT_MAX_REPORTED) problems.pop();
  };
  return {
    columns,
    /** Whether the file has a parentId column: then every row has a parent row in the statement. */
    linked: columns.at.parentId !== -1,
    problems,
    get rows() {
      return rows;
    },
    get invalidRows() {
      return invalidRows;
    },
    /** Rows that name a parent. */
    get linkedRows() {
      return links.linked;
    },
    /** The row, or undefined when it is invalid (and then tallied). */
    check({ fields, line }: CsvRecord): ImportedRow | undefined {
      const row = importRow(fields, columns);
      const labels = Array.isArray(row) ? { id: '', parentId: '' } : row;
      const errors = [...(Array.isArray(row) ? row : []), ...links.add(line, labels.id, labels.parentId)];
      rows++;
      if (errors.length === 0) return row as ImportedRow;
      refuse(rows, line, errors);
      return undefined;
    },
    /** Checks the links to later rows; then, if every row is valid, each row's parent row number (0: none). */
    finish(): Int32Array | undefined {
      for (const { row, line, errors } of links.finish()) refuse(row, line, errors);
      return invalidRows === 0 ? links.parentRows() : undefined;
    },
  };
}

/** Each row's parent row number (0: none) as the statement's int[] literal; empty when no row has a parent. */
function parentRowsLiteral(parents: Int32Array, linkedRows: number): string {
  const literal = INTEGER_ARRAY.literal();
  if (linkedRows > 0) for (const parent of parents) literal.add(parent === 0 ? null : parent);
  return literal.finish();
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
  /** The literals that get a value per row. */
  let filled: ReturnType<typeof newLiterals> = [];
  let tally: ReturnType<typeof rowTally> | undefined;
  let decided: ImportRows | undefined;
  let parentBytesSoFar = 0;
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
        // A field without a column whose default is null sends no values: unnest pads a shorter array with nulls.
        filled = literals!.filter(
          ({ name }) => columns.at[name] !== -1 || IMPORTED.read.find((f) => f.name === name)!.input.default !== null,
        );
        return;
      }
      count();
      const row = tally.check(record);
      if (!row) {
        literals = undefined; // the import is refused: its good rows are of no use
        return;
      }
      if (!literals) return;
      if (tally.linked) parentBytesSoFar += parentBytes(row.parentId);
      let bytes = parentBytesSoFar;
      for (const { name, literal } of filled) literal.add(row.todo[name as keyof NewTodo]);
      for (const { literal } of literals) bytes += literal.requestBytes;
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
      const parents = tally.finish();
      if (!parents || !literals) return { ok: false, problems: tally.problems, invalidRows: tally.invalidRows };
      return {
        ok: true,
        count: tally.rows,
        literals: Object.fromEntries(literals.map(({ name, literal }) => [name, literal.finish()])),
        parentRows: parentRowsLiteral(parents, tally.linkedRows),
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
