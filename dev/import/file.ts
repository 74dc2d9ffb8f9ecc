import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { csvReader, type CsvRecord } from '../../src/csv/parse.ts';
import { IMPORT_CSV_LIMITS } from '../../src/todos/import-rows.ts';

/**
 * The records of a CSV file as it streams off the disk (the Worker's own
 * reader and limits, so the CLI and the API agree on the grammar), and, once
 * read to the end, the SHA-256 of its bytes. Throws on bytes that are not UTF-8.
 */
export async function* fileRecords(path: string, digest?: (hex: string) => void): AsyncGenerator<CsvRecord> {
  // The records one piece completes (a piece is at most the stream's 64 KiB).
  let completed: CsvRecord[] = [];
  const reader = csvReader((record) => completed.push(record), IMPORT_CSV_LIMITS);
  const take = () => {
    const records = completed;
    completed = [];
    return records;
  };
  const decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });
  const hash = createHash('sha256');
  let offset = 0;
  const decode = (bytes?: Buffer) => {
    try {
      // Without bytes: the end of the file, where a character cut short is an error too.
      return bytes ? decoder.decode(bytes, { stream: true }) : decoder.decode();
    } catch {
      throw new Error(`${path} is not UTF-8 text (invalid bytes after byte ${offset}); save it as UTF-8`);
    }
  };
  for await (const bytes of createReadStream(path) as AsyncIterable<Buffer>) {
    hash.update(bytes);
    const text = decode(bytes);
    offset += bytes.length;
    reader.push(text);
    yield* take();
  }
  reader.push(decode());
  reader.end();
  yield* take();
  digest?.(hash.digest('hex'));
}
