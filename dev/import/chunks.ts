import { csvRecord } from '../../src/csv/format.ts';
import type { ImportColumns } from '../../src/todos/import-rows.ts';
import { importRow, IMPORTED, IMPORT_MAX_STATEMENT_BYTES, statementBytes } from '../../src/todos/import-rows.ts';
import { cellOf } from '../../src/lib/fields.ts';
import type { NewTodo } from '../../src/todos/schemas.ts';
import type { CsvRecord } from '../../src/csv/parse.ts';

export interface Chunk {
  index: number;
  /** The request body: a canonical CSV (a column per field the import reads, each as the export writes it), the same bytes on every run. */
  body: string;
  rows: number;
  /** The index of its first row among the file's data rows (0 for the first after the header): where its ids start. */
  firstRow: number;
  /** The file line of each row, to point at the file when the API refuses one. */
  lines: number[];
}

const HEADER = csvRecord(IMPORTED.read.map(({ name }) => name));

/** A checked row as the chunk's CSV writes it. */
const rowRecord = (row: NewTodo) =>
  csvRecord(IMPORTED.read.map(({ name, field }) => cellOf(field, row[name as keyof NewTodo])));

/**
 * A chunk also ends before its rows would take more than this inside the
 * database request, counted as the API counts them: what it takes in one
 * statement, whatever the texts hold.
 */
export const CHUNK_MAX_STATEMENT_BYTES = IMPORT_MAX_STATEMENT_BYTES;

/**
 * Groups a checked file's data rows (its first record is the header) into
 * chunks of `chunkRows` rows, fewer when their size says so. A row's id
 * depends only on the file and the row's place in it (see row-ids.ts), so a
 * re-run with any chunk size names every row as the first run did.
 */
export async function* fileChunks(
  records: AsyncIterable<CsvRecord>,
  columns: ImportColumns,
  chunkRows: number,
  maxBytes = CHUNK_MAX_STATEMENT_BYTES,
): AsyncGenerator<Chunk, void> {
  let index = 0;
  let firstRow = 0;
  let filling = { body: HEADER, lines: [] as number[], bytes: 0 };
  /** The chunk being filled, closed; the next one starts empty. */
  const close = (): Chunk => {
    const { body, lines } = filling;
    filling = { body: HEADER, lines: [], bytes: 0 };
    const chunk = { index: index++, body, rows: lines.length, firstRow, lines };
    firstRow += lines.length;
    return chunk;
  };
  let header = true;
  for await (const { fields, line } of records) {
    if (header) {
      header = false;
      continue;
    }
    const row = importRow(fields, columns);
    if (Array.isArray(row)) throw new Error(`line ${line} changed since it was checked: is the file being written to?`);
    const rowBytes = statementBytes([row]);
    if (filling.lines.length > 0 && filling.bytes + rowBytes > maxBytes) yield close();
    filling.body += rowRecord(row);
    filling.lines.push(line);
    filling.bytes += rowBytes;
    if (filling.lines.length === chunkRows) yield close();
  }
  if (filling.lines.length > 0) yield close();
}
