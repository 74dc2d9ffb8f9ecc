import { csvRecord } from '../csv/format.ts';
import { cellOf } from '../lib/fields.ts';
import { todoFields } from './fields.ts';
import { CSV_COLUMNS, type Todo } from './schemas.ts';

/** Rows per database round trip while exporting: bounds the Worker's memory whatever the table's size. */
export const EXPORT_PAGE_ROWS = 1000;

const encoder = new TextEncoder();

/**
 * The CSV export as a stream that reads the table a page at a time, only as
 * fast as the client takes it. Each page comes after the last row of the
 * previous one, in the export's order (every todo: (createdAt, id), so a row
 * that exists throughout the export appears exactly once; a list: see
 * list-export.ts). `first` and each page `next` reads hold up to
 * EXPORT_PAGE_ROWS + 1 rows (the extra one tells that more follow). A failing
 * page aborts the stream: the client sees a broken transfer, never a silently
 * short file.
 */
export function csvExport<Row extends Todo>(
  first: Row[],
  next: (after: Row) => Promise<Row[]>,
  onError: (err: unknown) => void,
): ReadableStream<Uint8Array> {
  let page = first;
  return new ReadableStream<Uint8Array>({
    start(controller) {
      controller.enqueue(encoder.encode(csvRecord(CSV_COLUMNS)));
    },
    async pull(controller) {
      const rows = page.slice(0, EXPORT_PAGE_ROWS);
      if (rows.length > 0)
        controller.enqueue(
          encoder.encode(
            rows
              .map((todo) => csvRecord(CSV_COLUMNS.map((column) => cellOf(todoFields[column], todo[column]))))
              .join(''),
          ),
        );
      const last = rows[rows.length - 1];
      if (page.length <= EXPORT_PAGE_ROWS || !last) return controller.close();
      try {
        page = await next(last);
      } catch (err) {
        onError(err);
        controller.error(err);
      }
    },
  });
}
