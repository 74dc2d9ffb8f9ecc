/**
 * What a database failure means for the client. `transient` and `timeout` are
 * infrastructure trouble (503 + Retry-After; transient ones may be retried);
 * `constraint` and `input` are the request's fault; `unknown` is a bug (500).
 */
export type DbFailure = 'transient' | 'timeout' | 'constraint' | 'input' | 'unknown';

/** SQLSTATEs that mean "the database is not there right now", whatever the statement. */
const TRANSIENT_CODES = new Set(['57P01', '57P02', '57P03', '53300', '53400', '40001', '40P01', '08000', '08001', '08003', '08004', '08006', '08P01']);

/** Driver and proxy messages for a database that is unreachable, asleep or overloaded. */
const TRANSIENT_MESSAGES = [
  /^Error connecting to database/i,
  /^Server error \(HTTP status 5\d\d\)/i,
  /fetch failed|network connection lost|ECONNREFUSED|ECONNRESET|socket hang up/i,
  /compute (node )?is (waking|starting|suspended)|couldn't connect to compute|terminating connection due to administrator command/i,
  /too many connections|no more connections allowed|pgbouncer cannot connect to server|server login has been failing/i,
];

interface ErrorLike { name?: string; message?: string; code?: unknown; cause?: unknown }

/** Follows `cause` (drizzle wraps driver errors) to the error that carries a SQLSTATE, or the innermost one. */
export function rootCause(err: unknown): ErrorLike {
  let current = err as ErrorLike;
  for (let depth = 0; depth < 5 && current?.cause && typeof current.code !== 'string'; depth++) current = current.cause;
  return current ?? {};
}

/** Classifies a failure of a database call. `aborted` says whether our deadline fired. */
export function classifyDbError(err: unknown, aborted = false): DbFailure {
  if (aborted) return 'timeout';
  const root = rootCause(err);
  const code = typeof root.code === 'string' ? root.code : '';
  if (code) {
    if (TRANSIENT_CODES.has(code) || code.startsWith('08')) return 'transient';
    if (code.startsWith('23')) return 'constraint';
    if (code.startsWith('22') || code === '54000') return 'input';
    return 'unknown';
  }
  if (root.name === 'AbortError' || root.name === 'TimeoutError') return 'timeout';
  const message = `${root.message ?? ''}`;
  return TRANSIENT_MESSAGES.some((re) => re.test(message)) ? 'transient' : 'unknown';
}

/** The SQLSTATE of a failure, if the database gave one. */
export function sqlState(err: unknown): string | undefined {
  const code = rootCause(err).code;
  return typeof code === 'string' ? code : undefined;
}
