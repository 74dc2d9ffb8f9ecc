import { Pool } from '@neondatabase/serverless';
import { drizzle } from 'drizzle-orm/neon-serverless';
import { dbTimeoutMs, type Env } from '../env.ts';
import { ProblemError } from '../lib/problem.ts';
import { toProblem, type Database, type Drizzle, type QueryOptions } from './client.ts';
import { classifyDbError } from './errors.ts';
import { useLocalGateway } from './local-gateway.ts';
import { withRetry } from './retry.ts';

/** What a request offers for work that must outlive its response (`ctx.waitUntil`). */
export type WaitUntil = (promise: Promise<unknown>) => void;

/**
 * The request's database over Neon's WebSocket `Pool` instead of SQL over HTTP:
 * the same interface as `openDatabase` (`query(statement, {idempotent})` +
 * `stats`), so the handlers run unchanged. NOT what the Worker deploys: the
 * benchmark's WebSocket comparison (`npm run bench -- --transport ws`) serves a
 * Worker built from `dev/bench/ws-worker.ts` with this factory, to show what
 * a connection per request costs next to HTTP.
 *
 * Workers forbid I/O objects shared between requests, so the pool is made
 * inside the request, on its first query, and ended right after that query
 * through `waitUntil` (the response does not wait for the goodbye). Each pool
 * therefore opens one connection: WebSocket upgrade, Postgres startup,
 * SCRAM authentication (two round trips), then the query.
 *
 * `stats.roundTrips` counts statements (what the handlers asked for), as on
 * HTTP; the gateway's counters show the wire's round trips.
 */
export function openWsDatabase(env: Env, waitUntil: WaitUntil): Database {
  useLocalGateway(env.NEON_LOCAL_GATEWAY);
  const timeoutMs = dbTimeoutMs(env);
  const stats = { roundTrips: 0, ms: 0 };
  let deadline: { signal: AbortSignal; at: number } | undefined;

  /** One pool for one statement, ended (in the background) whatever the outcome. */
  const runOnce = async <T>(statement: (db: Drizzle) => Promise<T>, signal: AbortSignal): Promise<T> => {
    const pool = new Pool({ connectionString: env.DATABASE_URL, max: 1, connectionTimeoutMillis: timeoutMs });
    // Swallowed here: a broken idle connection must not become an unhandled error after the response.
    pool.on('error', () => undefined);
    try {
      // drizzle's neon-serverless and neon-http builders share the query API the handlers use
      // (select/insert/update/delete/execute, results as rows); only the driver types differ.
      const db = drizzle({ client: pool }) as unknown as Drizzle;
      return await raceAbort(statement(db), signal);
    } finally {
      waitUntil(pool.end().catch(() => undefined));
    }
  };

  return {
    stats,
    async query<T>(statement: (db: Drizzle) => Promise<T>, { idempotent }: QueryOptions): Promise<T> {
      if (!env.DATABASE_URL) throw new ProblemError(500, 'The server is not configured with a database.');
      deadline ??= { signal: AbortSignal.timeout(timeoutMs), at: Date.now() + timeoutMs };
      const { signal, at } = deadline;
      const run = async () => {
        const started = Date.now();
        stats.roundTrips++;
        try {
          return await runOnce(statement, signal);
        } finally {
          stats.ms += Date.now() - started;
        }
      };
      try {
        return await withRetry(run, {
          deadlineAt: at,
          retryable: (err) => idempotent && !signal.aborted && classifyDbError(err) === 'transient',
        });
      } catch (err) {
        throw toProblem(err, signal.aborted, timeoutMs, idempotent);
      }
    },
  };
}

/** pg has no AbortSignal: the deadline rejects the wait (the pool is still ended by `runOnce`). */
function raceAbort<T>(work: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}
