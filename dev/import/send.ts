import type { Chunk } from './chunks.ts';

export interface Target {
  /** The API's base URL without a trailing slash, e.g. http://127.0.0.1:8787. */
  url: string;
  token?: string;
}

export interface Sent {
  inserted: number;
  /** Rows the API had already (an earlier run, or an attempt whose answer was lost): their ids were taken, by them. */
  replayed: number;
}

/** The API answered, and not with something worth retrying: the import cannot go on. */
export class ChunkRefused extends Error {}

/** Attempts per chunk, and the backoff between them (doubling, capped); Retry-After wins when the API sends it. */
const ATTEMPTS = 5;
const BACKOFF_MS = 250;
const MAX_BACKOFF_MS = 4000;
/** A chunk is one statement of at most a few MiB: a minute is plenty. */
const REQUEST_TIMEOUT_MS = 60_000;

const wait = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Sends one chunk into `listId` (or the default list), its rows named from `firstId` on. Network failures,
 * timeouts, 429 and 5xx are retried with the same ids, so the rows of an
 * attempt that landed but whose answer was lost are counted as replayed, not
 * inserted twice.
 */
export async function sendChunk(
  target: Target,
  chunk: Chunk,
  firstId: string,
  listId: string | undefined,
  onRetry: (why: string) => void,
): Promise<Sent> {
  for (let attempt = 1; ; attempt++) {
    let why: string;
    let retryAfterMs: number | undefined;
    try {
      const list = listId === undefined ? '' : `&listId=${listId}`;
      const res = await fetch(`${target.url}/todos/import?firstId=${firstId}${list}`, {
        method: 'POST',
        headers: {
          'content-type': 'text/csv; charset=utf-8',
          ...(target.token ? { authorization: `Bearer ${target.token}` } : {}),
        },
        body: chunk.body,
        signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
      });
      const text = await res.text();
      if (res.status === 201) {
        const { inserted, replayed } = JSON.parse(text) as Sent;
        return { inserted, replayed };
      }
      if (res.status !== 429 && res.status < 500) throw new ChunkRefused(refusal(res.status, text, chunk));
      why = `${res.status} ${problemDetail(text)}`;
      const seconds = Number(res.headers.get('retry-after'));
      if (Number.isFinite(seconds) && seconds > 0) retryAfterMs = seconds * 1000;
    } catch (err) {
      if (err instanceof ChunkRefused) throw err;
      why = networkError(err);
    }
    if (attempt >= ATTEMPTS) throw new Error(`${why} (after ${ATTEMPTS} attempts)`);
    onRetry(why);
    await wait(retryAfterMs ?? Math.min(MAX_BACKOFF_MS, BACKOFF_MS * 2 ** (attempt - 1)));
  }
}

function problemDetail(text: string): string {
  try {
    return (JSON.parse(text) as { detail?: string }).detail ?? text.slice(0, 200);
  } catch {
    return text.slice(0, 200);
  }
}

/** The API's refusal in the file's terms: its rows are the chunk's, so they are mapped back to file lines. */
export function refusal(status: number, text: string, chunk: Pick<Chunk, 'index' | 'lines'>): string {
  const first = chunk.lines[0];
  const last = chunk.lines[chunk.lines.length - 1];
  const lines = [
    `the API refused chunk ${chunk.index + 1} (file lines ${first}-${last}) with ${status}: ${problemDetail(text)}`,
  ];
  try {
    const problem = JSON.parse(text) as { rows?: { row: number; errors: { path: string; message: string }[] }[] };
    for (const { row, errors } of problem.rows ?? []) {
      const where = row > 0 ? `line ${chunk.lines[row - 1]}` : 'chunk';
      lines.push(`  ${where}: ${errors.map((e) => `${e.path} ${e.message}`).join('; ')}`);
    }
  } catch {
    // Not a problem document: the first line says what there is to say.
  }
  return lines.join('\n');
}

function networkError(err: unknown): string {
  const error = err as Error & { cause?: { code?: string; message?: string } };
  if (error.name === 'TimeoutError') return `no answer within ${REQUEST_TIMEOUT_MS / 1000} s`;
  return error.cause?.code ?? error.cause?.message ?? error.message;
}
