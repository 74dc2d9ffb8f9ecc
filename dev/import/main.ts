// npm run import -- FILE.csv [--url URL] [--token TOKEN] [--list LIST_ID] [--chunk-rows N] [--no-room-check]
// Imports a CSV file through POST /todos/import in chunks, each row with an id made of who imports, the
// file's SHA-256 and the row's place in the file (row-ids.ts): running it again, after a crash or a
// network failure, with any --chunk-rows, at any time, finishes the import without duplicating a row.
// First it reads GET /me and stops before sending anything when the file would not fit in the account's
// quota of todos.
import { existsSync, statSync } from 'node:fs';
import { IMPORT_MAX_ROWS } from '../../src/todos/import-rows.ts';
import { isCanonicalUuid } from '../../src/lib/uuid.ts';
import { parseFlags } from '../cli.ts';
import { checkFile, FileProblems } from './check.ts';
import { fileChunks } from './chunks.ts';
import { fileRecords } from './file.ts';
import { progressReporter } from './progress.ts';
import { readRoom, wontFit } from './room.ts';
import { importerOf, rowIdSpace } from './row-ids.ts';
import { ChunkRefused, sendChunk } from './send.ts';

const USAGE =
  'npm run import -- FILE.csv [--url http://127.0.0.1:8787] [--token TOKEN (or $TODO_API_TOKEN)] [--list LIST_ID] [--chunk-rows 10000] [--no-room-check]';

const { values, positionals } = parseFlags(
  {
    url: { type: 'string', default: 'http://127.0.0.1:8787' },
    token: { type: 'string' },
    list: { type: 'string' },
    'chunk-rows': { type: 'string', default: '10000' },
    'no-room-check': { type: 'boolean', default: false },
  },
  USAGE,
);

function fail(message: string, code = 1): never {
  console.error(`error: ${message}`);
  process.exit(code);
}

const [path, ...extra] = positionals;
if (!path || extra.length > 0) fail(`give exactly one CSV file\nusage: ${USAGE}`, 2);
const chunkRows = Number(values['chunk-rows']);
if (!Number.isInteger(chunkRows) || chunkRows < 1 || chunkRows > IMPORT_MAX_ROWS)
  fail(`--chunk-rows must be an integer from 1 to ${IMPORT_MAX_ROWS}`, 2);
let url: URL;
try {
  url = new URL(values.url);
} catch {
  fail(`--url must be a URL like http://127.0.0.1:8787, not ${values.url}`, 2);
}
if (!existsSync(path) || !statSync(path).isFile()) fail(`no such file: ${path}`);
const listId = values.list;
if (listId !== undefined && !isCanonicalUuid(listId))
  fail(`--list must be a list's id (a UUID in canonical lowercase form), not ${values.list}`, 2);
// The API may live under a path (https://example.com/api): keep it, without a trailing slash.
const target = { url: url.href.replace(/\/+$/, ''), token: values.token ?? process.env.TODO_API_TOKEN };

// The import's clock starts with the check, which is part of the work; Node's own start-up is not.
const started = performance.now();
const checked = await checkFile(path).catch((err: Error) =>
  fail(err instanceof FileProblems ? `${path}: nothing was imported:\n${err.message}` : err.message),
);

if (!values['no-room-check']) {
  const room = await readRoom(target);
  if ('unknown' in room) console.error(`not checking the account's room for todos: ${room.unknown}`);
  else {
    const problem = wontFit(checked.rows, room);
    if (problem) fail(`${path}: nothing was imported: ${problem}`);
  }
}

console.error(
  `importing ${checked.rows.toLocaleString('en-US')} rows from ${path} into ${target.url} in chunks of ${chunkRows} (run the same command again, with any --chunk-rows, to resume)`,
);
const rowId = rowIdSpace(importerOf(target.token), checked.sha256);
const progress = progressReporter(checked.rows);
let done = 0;
let replayedRows = 0;
try {
  const chunks = fileChunks(fileRecords(path), checked.columns, chunkRows, undefined, checked.parentRows);
  for (let next = chunks.next(); ;) {
    const { value: chunk, done: finished } = await next;
    if (finished) break;
    // Read and encode the following chunk while this one is on the wire (chunks still go one at a time, in order).
    next = chunks.next();
    next.catch(() => undefined); // its failure surfaces when it is awaited
    const sent = await sendChunk(target, chunk, rowId(chunk.firstRow), listId, (why) =>
      progress.note(`chunk ${chunk.index + 1}: ${why}; retrying with the same row ids`),
    );
    done += chunk.rows;
    replayedRows += sent.replayed;
    progress.update(done);
  }
} catch (err) {
  progress.finish();
  // Only answered chunks are counted: a chunk whose answer was lost may be in too.
  const resume = `${done.toLocaleString('en-US')} of ${checked.rows.toLocaleString('en-US')} rows are confirmed in; run the same command again to import the rest (rows already in are not repeated)`;
  if (err instanceof ChunkRefused) fail(`${err.message}\n${resume}`);
  fail(`cannot import through ${target.url}: ${(err as Error).message}.\n${resume}`);
}
progress.finish();
const seconds = (performance.now() - started) / 1000;
const fresh = done - replayedRows;
console.error(
  `done: ${fresh.toLocaleString('en-US')} rows imported in ${seconds.toFixed(2)} s (${Math.round(fresh / Math.max(seconds, 0.001)).toLocaleString('en-US')} rows/s)` +
    (replayedRows > 0 ? `; ${replayedRows.toLocaleString('en-US')} rows were already in from an earlier run` : ''),
);
