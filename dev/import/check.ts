import { CsvSyntaxError } from '../../src/csv/parse.ts';
import { importColumns, NO_HEADER, rowTally, type ImportColumns } from '../../src/todos/import-rows.ts';
import { fileRecords } from './file.ts';

export interface CheckedFile {
  columns: ImportColumns;
  rows: number;
  sha256: string;
  /** Each row's parent as a row number (1-based; 0: none), when the file has a parentId column. */
  parentRows?: Int32Array;
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
  let tally: ReturnType<typeof rowTally> | undefined;
  let sha256 = '';
  try {
    for await (const record of fileRecords(path, (hex) => (sha256 = hex))) {
      if (tally) {
        tally.check(record);
        continue;
      }
      const read = importColumns(record.fields);
      if (typeof read === 'string') throw new FileProblems([`line ${record.line} (header): ${read}`]);
      tally = rowTally(read);
    }
  } catch (err) {
    if (err instanceof CsvSyntaxError) throw new FileProblems([`line ${err.line}: ${err.message}`]);
    throw err;
  }
  if (!tally) throw new FileProblems([`the file is empty: ${NO_HEADER}`]);
  const parentRows = tally.finish();
  const { problems, invalidRows } = tally;
  if (invalidRows > 0) {
    throw new FileProblems([
      `${invalidRows} invalid row(s)${invalidRows > problems.length ? ` (the first ${problems.length} below)` : ''}:`,
      ...problems.map(({ line, errors }) => `line ${line}: ${errors.map((e) => `${e.path} ${e.message}`).join('; ')}`),
    ]);
  }
  return { columns: tally.columns, rows: tally.rows, sha256, ...(tally.linked ? { parentRows } : {}) };
}
