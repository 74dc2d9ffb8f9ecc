import { CsvSyntaxError } from '../../src/csv/parse.ts';
import { IMPORT_MAX_REPORTED, importColumns, importRow, type ImportColumns } from '../../src/todos/import-rows.ts';
import { fileRecords } from './file.ts';

export interface CheckedFile {
  columns: ImportColumns;
  rows: number;
  sha256: string;
}

/** The problems that stop an import before it sends anything, one line each. */
export class FileProblems extends Error {
  constructor(readonly lines: string[]) {
    super(lines.join('\n'));
  }
}

/**
 * Reads the whole file once, as the API would: grammar, header and every row.
 * The API checks each chunk all over again, but a chunk only covers part of
 * the file: checking first is what keeps a bad row at the end from leaving
 * the chunks before it imported.
 */
export async function checkFile(path: string): Promise<CheckedFile> {
  let columns: ImportColumns | undefined;
  let rows = 0;
  let sha256 = '';
  const problems: string[] = [];
  let invalid = 0;
  try {
    for await (const { fields, line } of fileRecords(path, (hex) => (sha256 = hex))) {
      if (!columns) {
        const read = importColumns(fields);
        if (typeof read === 'string') throw new FileProblems([`line ${line} (header): ${read}`]);
        columns = read;
        continue;
      }
      rows++;
      const row = importRow(fields, columns);
      if (Array.isArray(row) && ++invalid <= IMPORT_MAX_REPORTED) problems.push(`line ${line}: ${row.map((e) => `${e.path} ${e.message}`).join('; ')}`);
    }
  } catch (err) {
    if (err instanceof CsvSyntaxError) throw new FileProblems([`line ${err.line}: ${err.message}`]);
    throw err;
  }
  if (!columns) throw new FileProblems(['the file is empty: the first line must be a header naming the columns, e.g. "text,done"']);
  if (invalid > 0) throw new FileProblems([`${invalid} invalid row(s)${invalid > problems.length ? ` (the first ${problems.length} below)` : ''}:`, ...problems]);
  return { columns, rows, sha256 };
}
