import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { generateNKeysBetween } from 'fractional-indexing';
import { csvRecord } from '../../src/csv/format.ts';
import { findPostgresProgram } from '../upstreams/binaries.ts';

export interface ImportResult {
  rows: number;
  chunkRows: number;
  /** The import as the CLI times it: the check pass and every chunk (what grows with the rows). */
  cliSeconds: number;
  cliRowsPerS: number;
  /** The whole command, Node's and tsx's start-up (a fixed ~0.7 s) included. */
  commandSeconds: number;
  /** `psql -c "\copy ..."` of the same file straight into Postgres, wall time; undefined without psql or Postgres. */
  copySeconds?: number;
  copyRowsPerS?: number;
  /** cliRowsPerS / copyRowsPerS. */
  ratioToCopy?: number;
  /** The Worker's CPU per import request (one chunk), from workerd's CPU accounting. */
  workerCpuMsPerChunk?: number;
}

/**
 * A CSV of `rows` todos like people write them: short to medium texts, some quoted, a third done. With `positions`,
 * a third column gives each row its place, in file order (what the import's statement computes for its rows).
 */
export function generateImportFile(path: string, rows: number, { positions = false } = {}): void {
  const words = [
    'buy',
    'milk',
    'call',
    'Ann',
    'fix',
    'the',
    'bike',
    'book',
    'flights',
    'to',
    'Lisbon',
    'pay',
    'rent',
    'water',
    'plants',
  ];
  const keys = positions ? generateNKeysBetween(null, null, rows) : [];
  let csv = csvRecord(positions ? ['text', 'done', 'position'] : ['text', 'done']);
  for (let i = 0; i < rows; i++) {
    const length = 3 + (i % 9);
    const text =
      Array.from({ length }, (_, k) => words[(i * 7 + k * 3) % words.length]).join(' ') +
      (i % 10 === 0 ? `, "item" ${i}` : ` ${i}`);
    csv += csvRecord([text, i % 3 === 0 ? 'yes' : 'no', ...(positions ? [keys[i]!] : [])]);
  }
  writeFileSync(path, csv);
}

/** Runs a command to its end; resolves with its wall time in seconds and its output, rejects with its output if it fails. */
function timed(
  command: string,
  args: string[],
  env: NodeJS.ProcessEnv = process.env,
): Promise<{ seconds: number; output: string }> {
  const started = process.hrtime.bigint();
  const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'], env });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  return new Promise((resolve, reject) =>
    child.on('close', (code) => {
      if (code === 0) resolve({ seconds: Number(process.hrtime.bigint() - started) / 1e9, output });
      else reject(new Error(`${command} ${args.join(' ')} failed (${code}):\n${output.slice(-2000)}`));
    }),
  );
}

/**
 * The import case: the same generated file through the whole edge path
 * (`npm run import` -> Worker -> gateway -> PgBouncer -> Postgres) and through
 * `psql \copy` into the same table, the physical limit. Postgres refuses COPY
 * FROM into a table under row-level security (the todos' is forced, for its
 * owner too), so \copy runs as the superuser, which bypasses it, straight to
 * Postgres (PgBouncer knows only the application's roles); the owner column
 * takes its default from the owner set in the same transaction, as for the API.
 * Its rows come with their positions, as the import's statement gives them:
 * without, the position trigger would place each row by itself, and the
 * reference would be that trigger's pace, not the table's.
 */
export async function benchImport(options: {
  folder: string;
  workerUrl: string;
  rows: number;
  chunkRows: number;
  /** Where \copy connects: a role that row-level security does not apply to. */
  copyUrl?: string;
  /** The workerd process's CPU seconds so far. */
  cpuSeconds?: () => number;
}): Promise<ImportResult> {
  const { folder, workerUrl, rows, chunkRows, copyUrl, cpuSeconds } = options;
  const file = join(folder, 'import.csv');
  generateImportFile(file, rows);
  // Warm-up, as for every other case: a fifth of the rows, so the Worker's JIT has seen the import path.
  const warmUp = join(folder, 'import-warm-up.csv');
  generateImportFile(warmUp, Math.ceil(rows / 5));
  const cli = (path: string) =>
    timed('node_modules/.bin/tsx', ['dev/import/main.ts', path, '--url', workerUrl, '--chunk-rows', String(chunkRows)]);
  await cli(warmUp);
  const result: ImportResult = { rows, chunkRows, cliSeconds: 0, cliRowsPerS: 0, commandSeconds: 0 };
  const psql = findPostgresProgram('psql');
  if (copyUrl && psql) {
    const placed = join(folder, 'import-placed.csv');
    generateImportFile(placed, rows, { positions: true });
    // One transaction, the owner set in it as the Worker sets it (the column's default reads it).
    ({ seconds: result.copySeconds } = await timed(psql, [
      copyUrl,
      '-v',
      'ON_ERROR_STOP=1',
      '-c',
      'begin',
      '-c',
      "select set_config('app.user_id', 'default', true)",
      '-c',
      `\\copy todos (text, done, position) from '${placed}' with (format csv, header true)`,
      '-c',
      'commit',
    ]));
    result.copyRowsPerS = rows / result.copySeconds;
  }
  const cpuBefore = cpuSeconds?.();
  const run = await cli(file);
  result.commandSeconds = run.seconds;
  const reported = /done: [\d,]+ rows imported in ([\d.]+) s/.exec(run.output);
  if (!reported) throw new Error(`npm run import did not report its time:\n${run.output.slice(-1000)}`);
  result.cliSeconds = Number(reported[1]);
  result.cliRowsPerS = rows / result.cliSeconds;
  if (cpuSeconds && cpuBefore !== undefined)
    result.workerCpuMsPerChunk = ((cpuSeconds() - cpuBefore) * 1000) / Math.ceil(rows / chunkRows);
  if (result.copyRowsPerS) result.ratioToCopy = result.cliRowsPerS / result.copyRowsPerS;
  return result;
}
