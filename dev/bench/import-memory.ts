import { readFileSync, writeFileSync } from 'node:fs';
import { freePort } from '../upstreams/process.ts';
import { devtools } from './devtools.ts';
import type { Workerd } from './workerd.ts';

/** What the import-memory case checks, in MB (10^6 bytes) of workerd's resident memory. */
export const IMPORT_MEMORY_LIMITS = {
  /** One large import, after a warm-up one: peak growth over the resident memory before it. */
  singleMb: 32,
  /** Two sent at once: peak growth of both together, unless the second was turned away with 503. */
  concurrentMb: 96,
} as const;

/**
 * The import the case sends: 100,000 valid rows, each text as long as one
 * import's statement still takes (IMPORT_MAX_STATEMENT_BYTES: 34 characters,
 * a 3.5 MB body), so the rows go all the way to the database: the largest
 * import the Worker accepts. Rows of 100 characters (a 10 MB body) are
 * answered 413 as soon as the rows read pass that size.
 */
export const MEMORY_IMPORT = { rows: 100_000, rowChars: 34 } as const;

export interface ImportAnswer {
  status: number;
  retryAfter: string | null;
}

export interface ImportMemoryResult {
  rows: number;
  rowChars: number;
  bodyBytes: number;
  /** The warm-up import's answer (the same body), which the measured ones follow. */
  warmUp: ImportAnswer;
  /** Each round's answer and peak growth. */
  single: { answers: ImportAnswer[]; growthMb: number[] };
  concurrent: { answers: ImportAnswer[][]; growthMb: number[] };
}

/** A CSV of `rows` distinct texts of exactly `rowChars` characters (letters, digits and spaces: nothing to quote). */
export function memoryImportBody(rows: number, rowChars: number): Buffer {
  const filler = 'abcdefghij klmnopqrst uvwxyz ABCDEFGHIJ KLMNOPQRST UVWXYZ '.repeat(Math.ceil(rowChars / 50) + 1);
  const lines = ['text\n'];
  for (let i = 0; i < rows; i++) {
    const head = rowChars > 10 ? `row ${i} ` : '';
    lines.push(`${head}${filler.slice(0, rowChars - head.length - 1)}x\n`);
  }
  return Buffer.from(lines.join(''));
}

const statusKb = (pid: number, field: 'VmRSS' | 'VmHWM'): number => {
  const match = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  if (!match) throw new Error(`/proc/${pid}/status has no ${field}`);
  return Number(match[1]);
};

/**
 * Runs `work` and returns workerd's peak resident memory during it, in MB over
 * what was resident just before. The kernel's high-water mark (VmHWM) is reset
 * first (clear_refs 5), so the peak is the kernel's own, not a sample.
 */
async function peakGrowthMb(pid: number, work: () => Promise<unknown>): Promise<number> {
  writeFileSync(`/proc/${pid}/clear_refs`, '5');
  const baselineKb = statusKb(pid, 'VmRSS');
  await work();
  return ((statusKb(pid, 'VmHWM') - baselineKb) * 1024) / 1e6;
}

let keys = 0;

async function sendImport(workerUrl: string, body: Buffer): Promise<ImportAnswer> {
  const response = await fetch(`${workerUrl}/todos/import`, {
    method: 'POST',
    // A key of its own: the keyed path also hashes the body.
    headers: {
      'content-type': 'text/csv',
      ...(process.env.NOKEY ? {} : { 'idempotency-key': `import-memory-${process.pid}-${keys++}` }),
    },
    body,
  });
  await response.arrayBuffer();
  return { status: response.status, retryAfter: response.headers.get('retry-after') };
}

/** Measured imports of each kind: one run's peak depends on when the garbage collector happens to run, so the median of these. */
export const MEMORY_ROUNDS = 3;

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

/** Whether a pair sent at once had its second import turned away before its body was read: 503 with Retry-After. */
const turnedAway = (pair: ImportAnswer[]) => pair.some((a) => a.status === 503 && a.retryAfter !== null);

/**
 * The case's verdict: every measured import accepted (201); alone, the median
 * peak growth under singleMb; two at once, under concurrentMb, unless one of
 * the pair was turned away with 503 and Retry-After.
 */
export function importMemoryVerdict(result: ImportMemoryResult): { pass: boolean; detail: string } {
  const { single, concurrent } = result;
  const failures: string[] = [];
  const singleMb = median(single.growthMb);
  const pairMb = median(concurrent.growthMb);
  const answers = [...single.answers, ...concurrent.answers.flat()];
  if (answers.some((a) => a.status !== 201 && !(a.status === 503 && a.retryAfter !== null)))
    failures.push(`answers ${answers.map((a) => a.status).join(',')}`);
  if (single.answers.some((a) => a.status !== 201)) failures.push('an import alone was not accepted');
  if (!(singleMb < IMPORT_MEMORY_LIMITS.singleMb)) failures.push(`alone ${singleMb.toFixed(1)} MB`);
  if (!(pairMb < IMPORT_MEMORY_LIMITS.concurrentMb) && !concurrent.answers.every(turnedAway))
    failures.push(`two at once ${pairMb.toFixed(1)} MB`);
  const each = (values: number[]) => values.map((v) => v.toFixed(1)).join(', ');
  const detail = `alone ${singleMb.toFixed(1)} MB (rounds ${each(single.growthMb)}), two at once ${pairMb.toFixed(1)} MB (rounds ${each(concurrent.growthMb)}; answers ${concurrent.answers.map((p) => p.map((a) => a.status).join('+')).join(', ')})`;
  return {
    pass: failures.length === 0,
    detail: failures.length ? `failing: ${failures.join('; ')}. ${detail}` : detail,
  };
}

/**
 * The import-memory case: one warm-up import, then MEMORY_ROUNDS times the
 * same import alone and two at once, each measured as workerd's peak resident
 * memory over what it held just before. `pid` is the workerd process serving
 * `workerUrl`.
 */
export async function benchImportMemory({
  workerUrl,
  pid,
  collectGarbage,
  rows = MEMORY_IMPORT.rows,
  rowChars = MEMORY_IMPORT.rowChars,
  rounds = MEMORY_ROUNDS,
}: {
  workerUrl: string;
  pid: number;
  /** A full garbage collection in workerd (its inspector's HeapProfiler.collectGarbage). */
  collectGarbage: () => Promise<unknown>;
  rows?: number;
  rowChars?: number;
  rounds?: number;
}): Promise<ImportMemoryResult> {
  const body = memoryImportBody(rows, rowChars);
  const warmUp = await sendImport(workerUrl, body);
  const single: ImportMemoryResult['single'] = { answers: [], growthMb: [] };
  const concurrent: ImportMemoryResult['concurrent'] = { answers: [], growthMb: [] };
  for (let round = 0; round < rounds; round++) {
    let answer!: ImportAnswer;
    await collectGarbage();
    single.growthMb.push(
      await peakGrowthMb(pid, async () => {
        answer = await sendImport(workerUrl, body);
      }),
    );
    single.answers.push(answer);
    let answers!: ImportAnswer[];
    await collectGarbage();
    concurrent.growthMb.push(
      await peakGrowthMb(pid, async () => {
        answers = await Promise.all([sendImport(workerUrl, body), sendImport(workerUrl, body)]);
      }),
    );
    concurrent.answers.push(answers);
  }
  return { rows, rowChars, bodyBytes: body.length, warmUp, single, concurrent };
}

/**
 * Runs the case on a workerd of its own, started by `start` with its inspector
 * on the port given (for the full collection before each measurement), so no
 * other case's garbage is in the numbers. That workerd's database deadline
 * should be long: a 503 then means the Worker turned an import away, not that
 * a busy machine was slow to insert 100,000 rows.
 */
export async function measureImportMemory(
  start: (inspectorPort: number) => Promise<Workerd>,
): Promise<ImportMemoryResult> {
  const inspectorPort = await freePort();
  const workerd = await start(inspectorPort);
  const inspector = await devtools(inspectorPort);
  try {
    return await benchImportMemory({
      workerUrl: workerd.url,
      pid: workerd.pid,
      // workerd handles inspector commands when the isolate next runs: a request that touches nothing lets it.
      // The request can run before the command has arrived, so it is sent again until the command is answered.
      collectGarbage: async () => {
        let answered = false;
        const collected = inspector.send('HeapProfiler.collectGarbage').finally(() => (answered = true));
        while (!answered) {
          await (await fetch(`${workerd.url}/bench-floor`)).arrayBuffer();
          await Promise.race([collected, new Promise((resolve) => setTimeout(resolve, 50))]);
        }
        await collected;
      },
    });
  } finally {
    inspector.close();
    await workerd.stop();
  }
}
