import { Pool, type PoolClient } from '@neondatabase/serverless';
import { drizzle } from 'drizzle-orm/neon-serverless';
import { settingsOf, type Env } from '../env.ts';
import {
  databaseHandle,
  ownerOrNone,
  quotasOf,
  setCallerQuery,
  type Database,
  type Drizzle,
  type OpenOptions,
} from './client.ts';

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
 * SCRAM authentication (two round trips), then the work: a transaction on
 * that connection (with no owner, for the owner ''): BEGIN, the owner's setting (as
 * on HTTP, transaction-local), the statement, COMMIT, each its own round trip
 * (the wire protocol without pipelining). The deadline, the stats, retries and
 * problems are `databaseHandle`'s, as on HTTP. Batches (keyed writes) need the
 * HTTP client and are refused here.
 *
 * `stats.roundTrips` counts statements (what the handlers asked for), as on
 * HTTP; the gateway's counters show the wire's round trips.
 */
export function openWsDatabase(env: Env, { waitUntil, owner }: Required<OpenOptions>): Database {
  // One pool for one statement, ended (in the background) whatever the outcome.
  return databaseHandle(env, async (statement, signal, timeoutMs) => {
    const pool = new Pool({ connectionString: env.DATABASE_URL, max: 1, connectionTimeoutMillis: timeoutMs });
    // Swallowed here: a broken idle connection must not become an unhandled error after the response.
    pool.on('error', () => undefined);
    try {
      const who = ownerOrNone(owner());
      // drizzle's neon-serverless and neon-http builders share the query API the handlers use
      // (select/insert/update/delete/execute, results as rows); only the driver types differ.
      const work = async () => {
        const client = await pool.connect();
        try {
          await client.query('begin');
          try {
            await client.query(...setCallerQuery(who, quotasOf(settingsOf(env))));
            const result = await statement(withHttpShapedClient(drizzle({ client }), client));
            await client.query('commit');
            return result;
          } catch (err) {
            await client.query('rollback').catch(() => undefined);
            throw err;
          }
        } finally {
          client.release();
        }
      };
      return await raceAbort(work(), signal);
    } finally {
      waitUntil(pool.end().catch(() => undefined));
    }
  });
}

/**
 * Drizzle over the connection, its `$client` answering as Neon's HTTP client does: compiled queries
 * (src/db/compiled.ts) call `$client.query(text, params, { arrayMode })`, where pg would take the
 * third argument for a callback and return nothing. Drizzle's own queries use its session, not `$client`.
 */
function withHttpShapedClient(db: object, client: PoolClient): Drizzle {
  const query = (text: string, params: unknown[], options?: { arrayMode?: boolean }) =>
    client.query({ text, values: params, ...(options?.arrayMode ? { rowMode: 'array' as const } : {}) });
  return Object.assign(db, { $client: { query } }) as unknown as Drizzle;
}

/** pg has no AbortSignal: the deadline rejects the wait (the pool is still ended by its `finally`). */
function raceAbort<T>(work: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}
