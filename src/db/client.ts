import { neon } from '@neondatabase/serverless';
import { drizzle, type NeonHttpDatabase } from 'drizzle-orm/neon-http';
import { dbTimeoutMs, type Env } from '../env.ts';
import { ProblemError } from '../lib/problem.ts';
import { classifyDbError, sqlState } from './errors.ts';
import { useLocalGateway } from './local-gateway.ts';
import { withRetry } from './retry.ts';

export type Drizzle = NeonHttpDatabase;

export interface QueryOptions {
  /** The statement may run twice without harm (reads, absolute updates, keyed inserts): retry transient failures. */
  idempotent: boolean;
}

/** Seconds a client should wait before retrying after a 503. */
export const RETRY_AFTER_SECONDS = 1;

/**
 * The request's database: a Drizzle client over Neon's HTTP driver, made per
 * request (Workers forbid I/O objects shared between requests, and HTTP holds
 * no connection, so this is cheap). Every call gets the request's deadline;
 * failures become problems: 503 + Retry-After for infrastructure trouble.
 */
export function openDatabase(env: Env) {
  useLocalGateway(env.NEON_LOCAL_GATEWAY);
  const timeoutMs = dbTimeoutMs(env);
  const stats = { roundTrips: 0, ms: 0 };
  let deadline: { signal: AbortSignal; at: number } | undefined;
  let db: Drizzle | undefined;

  const client = (): Drizzle => {
    if (!env.DATABASE_URL) throw new ProblemError(500, 'The server is not configured with a database.');
    // The deadline starts with the first call and covers its retries.
    deadline ??= { signal: AbortSignal.timeout(timeoutMs), at: Date.now() + timeoutMs };
    db ??= drizzle({ client: neon(env.DATABASE_URL, { fetchOptions: { signal: deadline.signal } }) });
    return db;
  };

  return {
    stats,
    /** Runs one statement: one round trip, repeated on transient failure only when `idempotent`. */
    async query<T>(statement: (db: Drizzle) => Promise<T>, { idempotent }: QueryOptions): Promise<T> {
      const db = client();
      const run = async () => {
        const started = Date.now();
        stats.roundTrips++;
        try {
          return await statement(db);
        } finally {
          stats.ms += Date.now() - started;
        }
      };
      try {
        return await withRetry(run, {
          deadlineAt: deadline!.at,
          retryable: (err) => idempotent && !deadline!.signal.aborted && classifyDbError(err) === 'transient',
        });
      } catch (err) {
        throw toProblem(err, deadline!.signal.aborted, timeoutMs, idempotent);
      }
    },
  };
}

export type Database = ReturnType<typeof openDatabase>;

/**
 * Maps a database failure to the problem the client sees (no SQL, no driver
 * text). For a write that is not safe to repeat, an outage leaves its outcome
 * unknown, and the client is told so rather than simply to try again.
 */
export function toProblem(err: unknown, aborted: boolean, timeoutMs: number, idempotent = true): Error {
  if (err instanceof ProblemError) return err;
  const retryAfter = { headers: { 'Retry-After': String(RETRY_AFTER_SECONDS) } };
  const next = idempotent
    ? 'Try again shortly.'
    : 'The change may or may not have been made: check before repeating it (a create or import sent with an Idempotency-Key is safe to repeat).';
  switch (classifyDbError(err, aborted)) {
    case 'timeout':
      return new ProblemError(503, `The database did not answer within ${timeoutMs} ms. ${next}`, retryAfter);
    case 'transient':
      return new ProblemError(503, `The database is unavailable right now. ${next}`, retryAfter);
    case 'constraint':
      return new ProblemError(sqlState(err) === '23514' ? 400 : 409, 'The request conflicts with the data\'s constraints.');
    case 'input':
      return new ProblemError(400, 'The database refused a value in the request.');
    default:
      return err as Error;
  }
}
