import { csvRecord } from '../../src/csv/format.ts';
import type { ImportColumns } from '../../src/todos/import-rows.ts';
import {
  importRow,
  IMPORTED,
  IMPORT_MAX_STATEMENT_BYTES,
  LINK_COLUMNS,
  statementBytes,
  type ImportedRow,
} from '../../src/todos/import-rows.ts';
import { cellOf } from '../../src/lib/fields.ts';
import type { NewTodo } from '../../src/todos/schemas.ts';
import type { CsvRecord } from '../../src/csv/parse.ts';
import { chunkStarts } from './cuts.ts';

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

const VALUES = IMPORTED.read.map(({ name }) => name);

/**
 * A checked row as the chunk's CSV writes it; with links, labelled by its row
 * number in the file, and its parent by the parent's.
 */
const rowRecord = ({ todo }: ImportedRow, links?: { row: number; parent: number }) =>
  csvRecord([
    ...IMPORTED.read.map(({ name, field }) => cellOf(field, todo[name as keyof NewTodo])),
    ...(links ? [links.row, links.parent === 0 ? '' : links.parent] : []),
  ]);

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
 * re-run with any chunk size names every row as the first run did. With
 * `parentRows` (the file's parent links, see check.ts) a chunk ends only where
 * no link crosses, so it holds every parent its subtasks name, and a family
 * too large for one request is refused before anything is sent.
 */
export async function* fileChunks(
  records: AsyncIterable<CsvRecord>,
  columns: ImportColumns,
  chunkRows: number,
  maxBytes = CHUNK_MAX_STATEMENT_BYTES,
  parentRows?: Int32Array,
): AsyncGenerator<Chunk, void> {
  const header = csvRecord(parentRows ? [...VALUES, ...LINK_COLUMNS] : VALUES);
  const mayStart = parentRows ? chunkStarts(parentRows) : () => true;
  let index = 0;
  let firstRow = 0;
  let filling = { body: header, lines: [] as number[], bytes: 0 };
  /** The chunk being filled, closed; the next one starts empty. */
  const close = (): Chunk => {
    const { body, lines } = filling;
    filling = { body: header, lines: [], bytes: 0 };
    const chunk = { index: index++, body, rows: lines.length, firstRow, lines };
    firstRow += lines.length;
    return chunk;
  };
  let first = true;
  let rowIndex = 0;
  for await (const { fields, line } of records) {
    if (first) {
      first = false;
      continue;
    }
    const row = importRow(fields, columns);
    if (Array.isArray(row)) throw new Error(`line ${line} changed since it was checked: is the file being written to?`);
    const rowBytes = statementBytes([row], parentRows !== undefined);
    const full = filling.lines.length >= chunkRows || filling.bytes + rowBytes > maxBytes;
    if (filling.lines.length > 0 && full && mayStart(rowIndex)) yield close();
    else if (filling.bytes + rowBytes > maxBytes)
      throw new Error(
        `line ${line}: the rows tied to it by parentId (a parent and its subtasks, and the rows between them) take more than the ${maxBytes} bytes one import request carries`,
      );
    filling.body += rowRecord(row, parentRows && { row: rowIndex + 1, parent: parentRows[rowIndex]! });
    filling.lines.push(line);
    filling.bytes += rowBytes;
    rowIndex++;
  }
  if (filling.lines.length > 0) yield close();
}
