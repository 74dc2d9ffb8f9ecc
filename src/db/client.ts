import {
  neon,
  type HTTPQueryOptions,
  type HTTPTransactionOptions,
  type NeonQueryFunction,
} from '@neondatabase/serverless';
import { drizzle, type NeonHttpDatabase } from 'drizzle-orm/neon-http';
import { settingsOf, type Env } from '../env.ts';
import { ProblemError } from '../lib/problem.ts';
import { classifyDbError, rootCause, sqlState, violatedConstraint } from './errors.ts';
import { useLocalGateway } from './local-gateway.ts';
import { placementProblem } from './placement.ts';
import { quotaProblem } from './quota.ts';
import { withTraceparent } from './traceparent.ts';
import { withRetry } from './retry.ts';

/** Drizzle over the request's Neon HTTP client (`$client`, which batches go through). */
export type Drizzle = NeonHttpDatabase & { $client: NeonQueryFunction<false, false> };

export interface QueryOptions {
  /** The statement may run twice without harm (reads, absolute updates, keyed inserts): retry transient failures. */
  idempotent: boolean;
  /**
   * What a violated constraint (by its name) means for this request, in its
   * resource's words; undefined, or without it: the generic 400 (a CHECK) or 409.
   */
  violation?: (constraint: string) => ProblemError | undefined;
}

let reportedMissingUrl = false;

/**
 * The Worker was deployed without its DATABASE_URL secret (a first deploy without
 * `--secrets-file`, or a deleted secret): every database route answers this 500, and
 * the log says it once per isolate, until the secret is set.
 */
function databaseUrlMissing(): ProblemError {
  if (!reportedMissingUrl) {
    reportedMissingUrl = true;
    console.error(JSON.stringify({ error: 'Misconfiguration', message: 'the secret DATABASE_URL is not set' }));
  }
  return new ProblemError(
    500,
    'The server is misconfigured: the secret DATABASE_URL is not set, so there is no database to ask.',
  );
}

let reportedRlsBypassed = false;

/**
 * DATABASE_URL names a role that row-level security does not bind (a superuser,
 * a role with BYPASSRLS, the tables' owner: Neon gives its Console-made roles
 * BYPASSRLS): the database refused before reading anything (`app_set_owner`).
 * Every database route answers this 500, and the log says it, with the
 * database's reason, once per isolate, until the setting names the Worker's own role.
 */
function rlsBypassed(err: unknown): ProblemError {
  if (!reportedRlsBypassed) {
    reportedRlsBypassed = true;
    console.error(
      JSON.stringify({
        error: 'Misconfiguration',
        message: 'the role DATABASE_URL logs in as is not bound by row-level security',
        database: rootCause(err).message,
      }),
    );
  }
  return new ProblemError(
    500,
    "The server is misconfigured: the database role it connects as bypasses row-level security (a superuser, a role with BYPASSRLS, or the tables' owner), so it serves no data.",
  );
}

/** Seconds a client should wait before retrying after a 503. */
export const RETRY_AFTER_SECONDS = 1;

/** How one statement reaches the database, under the request's deadline (`signal`, which fires after `timeoutMs`). */
export type RunStatement = <T>(
  statement: (db: Drizzle) => Promise<T>,
  signal: AbortSignal,
  timeoutMs: number,
) => Promise<T>;

/**
 * The request's database handle, whatever carries its statements: the
 * deadline (from the first call, covering its retries), the stats the request
 * log reports, retries of transient failures where repeating is harmless, and
 * failures mapped to problems (503 + Retry-After for infrastructure trouble).
 * `run` says how a statement reaches the database.
 */
export function databaseHandle(env: Env, run: RunStatement) {
  useLocalGateway(env.NEON_LOCAL_GATEWAY);
  const timeoutMs = settingsOf(env).DB_TIMEOUT_MS;
  const stats = { roundTrips: 0, ms: 0 };
  let deadline: { signal: AbortSignal; at: number } | undefined;

  return {
    stats,
    /** Runs one statement: one round trip, repeated on transient failure only when `idempotent`. */
    async query<T>(statement: (db: Drizzle) => Promise<T>, { idempotent, violation }: QueryOptions): Promise<T> {
      if (!env.DATABASE_URL) throw databaseUrlMissing();
      deadline ??= { signal: AbortSignal.timeout(timeoutMs), at: Date.now() + timeoutMs };
      const { signal, at } = deadline;
      const attempt = async () => {
        const started = Date.now();
        stats.roundTrips++;
        try {
          return await run(statement, signal, timeoutMs);
        } finally {
          stats.ms += Date.now() - started;
        }
      };
      try {
        return await withRetry(attempt, {
          deadlineAt: at,
          retryable: (err) => idempotent && !signal.aborted && classifyDbError(err) === 'transient',
        });
      } catch (err) {
        throw toProblem(err, signal.aborted, timeoutMs, idempotent, violation);
      }
    },
  };
}

export type Database = ReturnType<typeof databaseHandle>;

/** How a request's database handle is opened. */
export interface OpenOptions {
  /**
   * The owner every statement runs for (row-level security: see `ownedClient`),
   * read when the handle's first statement runs: the handle is made before
   * identity runs. Undefined, or returning undefined: statements run with the
   * owner set to '' (public routes, the cron cleanup), which under row-level
   * security means no row of any owner, whatever a session-level setting left
   * on a pooled connection says.
   */
  owner?: () => string | undefined;
  /** The request's W3C `traceparent`, passed on to the database's HTTP requests when there is one. */
  traceparent?: () => string | undefined;
  /** Work that may finish after the response (the WebSocket variant ends its pool there). */
  waitUntil?: (promise: Promise<unknown>) => void;
}

/**
 * The request's database: a Drizzle client over Neon's HTTP driver, made per
 * request (Workers forbid I/O objects shared between requests, and HTTP holds
 * no connection, so this is cheap), its fetches bound to the request's deadline,
 * every statement run for the request's owner.
 */
export function openDatabase(env: Env, { owner, traceparent }: OpenOptions = {}): Database {
  let db: Drizzle | undefined;
  return databaseHandle(env, (statement, signal) => {
    if (!db) {
      const sql = neon(env.DATABASE_URL, { fetchOptions: withTraceparent({ signal }, traceparent?.()) });
      db = drizzle({ client: ownedClient(sql, ownerOrNone(owner?.()), quotasOf(settingsOf(env))) });
    }
    return statement(db);
  });
}

/**
 * Makes the caller's owner id the transaction's `app.user_id`, which every
 * row-level security policy reads, after checking that row-level security
 * binds the role at all: `app_set_owner` (migrations/0008_row_level_security_guard.sql)
 * raises SQLSTATE RLS01 for a superuser, a role with BYPASSRLS or the tables'
 * owner, so the transaction stops before its statement reads or writes a row.
 * Named with its schema: the role's search_path cannot put another function first.
 *
 * And turns JIT compilation off for the transaction: the Worker's statements
 * are short, or an import's, whose row estimates (a CTE joined to itself)
 * pass Postgres's JIT thresholds, and compiling then costs more than the
 * statement (docs/performance.md, "The import and JIT").
 */
export const SET_OWNER_SQL = "select public.app_set_owner($1), pg_catalog.set_config('jit', 'off', true)";

/**
 * `SET_OWNER_SQL` and the caller's quotas (`app.todo_quota` and `app.list_quota`,
 * transaction-local too), in the same statement: the triggers of migrations 0011
 * and 0013 read them when todos and lists are written, so the quotas cost no statement of their own.
 */
export const SET_CALLER_SQL = `${SET_OWNER_SQL}, pg_catalog.set_config('app.todo_quota', $2, true), pg_catalog.set_config('app.list_quota', $3, true)`;

/** How many todos and lists an owner may have (TODO_QUOTA, LIST_QUOTA). */
export interface Quotas {
  todos: number;
  lists: number;
}

/** The quotas the settings give. */
export const quotasOf = ({ TODO_QUOTA, LIST_QUOTA }: { TODO_QUOTA: number; LIST_QUOTA: number }): Quotas => ({
  todos: TODO_QUOTA,
  lists: LIST_QUOTA,
});

/** The first statement of a transaction run for `owner`: with the quotas when there are some. */
export const setCallerQuery = (owner: string, quotas?: Quotas): [string, string[]] =>
  quotas === undefined
    ? [SET_OWNER_SQL, [owner]]
    : [SET_CALLER_SQL, [owner, String(quotas.todos), String(quotas.lists)]];

/**
 * The owner to set for a statement: '' when there is none. Set all the same,
 * transaction-locally: a session-level `set_config(..., false)` left on a
 * pooled connection by some other client must not choose the rows of a
 * statement that runs for nobody, and the role check runs on every path.
 */
export const ownerOrNone = (owner: string | undefined): string => owner ?? '';

type NeonHttp = NeonQueryFunction<false, false>;

/**
 * Neon's HTTP client with every statement run for `owner` ('' for none): `query()` sends
 * ONE transaction, `SET_OWNER_SQL` (the role check, then `app.user_id`; with `quotas`,
 * SET_CALLER_SQL, which sets them too) then the statement,
 * and answers the statement's result; `transaction(fn)` puts the setting ahead
 * of the batch's statements and drops its result. Drizzle calls `query()` for
 * every statement, so every query gets it unchanged, and it is still one HTTP
 * round trip. The setting lasts until the transaction ends: PgBouncer in
 * transaction mode may give the next transaction another server connection,
 * and nothing of this one's setting goes with it. (Not a CTE: a CTE's
 * set_config has no order relative to the policy checks of the statement.)
 * The tagged-template form is refused: nothing here uses it, and it would
 * bypass the setting.
 */
export function ownedClient(sql: NeonHttp, owner: string, quotas?: Quotas): NeonHttp {
  // Per-statement options (drizzle asks for arrayMode and fullResults) make the modes vary: type them loosely.
  const base = sql as unknown as NeonQueryFunction<boolean, boolean>;
  const setOwner = () => base.query(...setCallerQuery(owner, quotas));
  const query = (text: string, params?: unknown[], opts?: HTTPQueryOptions<boolean, boolean>) =>
    base.transaction([setOwner(), base.query(text, params, opts)]).then((results) => results[1]);
  const transaction = (queries: unknown, opts?: HTTPTransactionOptions<boolean, boolean>) => {
    // An array would hold this client's query() calls, each already its own transaction: only the function form composes.
    if (typeof queries !== 'function')
      throw new Error("the owner's client batches only transaction((txn) => [txn.query(...), ...])");
    const statements = (queries as (txn: typeof base) => ReturnType<typeof base.query>[])(base);
    return base.transaction([setOwner(), ...statements], opts).then((results) => results.slice(1));
  };
  const template = () => {
    throw new Error("the owner's client runs statements through query() only");
  };
  return Object.assign(template, {
    query,
    transaction,
    unsafe: (raw: string) => sql.unsafe(raw),
  }) as unknown as NeonHttp;
}

/**
 * Maps a database failure to the problem the client sees (no SQL, no driver
 * text). For a write that is not safe to repeat, an outage leaves its outcome
 * unknown, and the client is told so rather than simply to try again.
 */
function toProblem(
  err: unknown,
  aborted: boolean,
  timeoutMs: number,
  idempotent = true,
  violation?: QueryOptions['violation'],
): Error {
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
    case 'unavailable':
      // The database answered with an error, so the statement was rolled back: nothing changed.
      return new ProblemError(
        503,
        'The database cannot serve this right now (it is full, read-only, or cancelled the statement); nothing was changed. Try again later.',
        retryAfter,
      );
    case 'rls-bypassed':
      return rlsBypassed(err);
    case 'exhausted':
      return Object.assign(
        new Error(`an id sequence is exhausted (SQLSTATE 2200H): no more rows can be created until it is widened`, {
          cause: err,
        }),
        { name: 'SequenceExhausted' },
      );
    case 'constraint': {
      const constraint = violatedConstraint(err);
      const specific = constraint === undefined ? undefined : violation?.(constraint);
      if (specific) return specific;
      return new ProblemError(
        sqlState(err) === '23514' ? 400 : 409,
        "The request conflicts with the data's constraints.",
      );
    }
    case 'ids-taken':
      // One answer whatever took the id: it says nothing of another owner's records, nor whether one exists.
      return new ProblemError(
        409,
        'An id in this request cannot be used: it names another record, or one that was deleted (ids are never reused), or it was first sent with other values. Nothing was changed: give a new record a new id (a random UUID).',
      );
    case 'input':
      return new ProblemError(400, 'The database refused a value in the request.');
    case 'quota':
      return quotaProblem(err);
    case 'placement':
      return placementProblem(err);
    case 'default-list':
      return new ProblemError(
        409,
        'The default list cannot be deleted (it can be renamed). Nothing was changed: delete its todos instead.',
      );
    default:
      return err as Error;
  }
}
