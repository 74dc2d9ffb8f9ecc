/**
 * What a database failure means for the client. `transient`, `unavailable`
 * and `timeout` are the database's trouble (503 + Retry-After); only
 * `transient` ones are retried, and only where repeating is harmless.
 * `constraint`, `ids-taken`, `input`, `quota` (src/db/quota.ts), `placement`
 * (src/db/placement.ts) and `default-list` are the request's fault (4xx); `exhausted` (a
 * sequence ran out), `rls-bypassed` (the Worker's role is not bound by
 * row-level security) and `unknown` are ours (500).
 */
export type DbFailure =
  | 'transient'
  | 'unavailable'
  | 'timeout'
  | 'constraint'
  | 'ids-taken'
  | 'input'
  | 'quota'
  | 'placement'
  | 'default-list'
  | 'exhausted'
  | 'rls-bypassed'
  | 'unknown';

/**
 * Raised by `app_set_owner` (migrations/0008_row_level_security_guard.sql), the
 * first statement of every transaction, when the role DATABASE_URL names is a
 * superuser, has BYPASSRLS or owns the tables: nothing was read or written, and
 * nothing will be until the setting changes, so it is never retried.
 */
export const RLS_BYPASSED_SQLSTATE = 'RLS01';

/**
 * Raised by `app_ids_taken` (migrations/0010_uuid_ids.sql) when a write was
 * given ids it may not use: another owner's, a deleted record's, or the
 * caller's own first created with another request. The transaction is rolled
 * back: nothing was written.
 */
export const IDS_TAKEN_SQLSTATE = 'ID409';

/**
 * Raised by the trigger that counts each owner's todos (migrations/0011_owner_quota.sql)
 * when a write would take an owner past the quota: the statement and its
 * transaction were rolled back (src/db/quota.ts makes it a 409).
 */
export const QUOTA_SQLSTATE = 'QUOTA';

/**
 * Raised by `app_place` (migrations/0014_placement.sql) when `after` or
 * `before` (its DETAIL) names no sibling of the item: the statement was
 * rolled back, nothing was written (src/db/placement.ts makes it a 400).
 */
export const PLACEMENT_SQLSTATE = 'PLACE';

/**
 * Raised by the trigger lists_keep_default (migrations/0013_lists.sql) when
 * the Worker deletes an owner's default list: it can be renamed, never
 * deleted. The transaction is rolled back: nothing was written.
 */
export const DEFAULT_LIST_SQLSTATE = 'DFLT1';

/**
 * SQLSTATEs that mean "the database is not there right now", whatever the
 * statement, and may clear within a retry: shutdown, too many connections,
 * out of memory, serialization and deadlock, connection failures (class 08).
 */
const TRANSIENT_CODES = new Set(['57P01', '57P02', '57P03', '53000', '53200', '53300', '53400', '40001', '40P01']);

/**
 * SQLSTATEs of a database that cannot serve the statement, where an immediate
 * retry only repeats the work or the wait: disk full (Neon's project size
 * limit), a read-only transaction (a replica, a project over its limits), the
 * database's own statement timeout.
 */
const UNAVAILABLE_CODES = new Set(['53100', '25006', '57014']);

/** Driver and proxy messages for a database that is unreachable, asleep or overloaded. */
const TRANSIENT_MESSAGES = [
  /^Error connecting to database/i,
  /^Server error \(HTTP status 5\d\d\)/i,
  /fetch failed|network connection lost|ECONNREFUSED|ECONNRESET|socket hang up/i,
  /compute (node )?is (waking|starting|suspended)|couldn't connect to compute|terminating connection due to administrator command/i,
  /too many connections|no more connections allowed|pgbouncer cannot connect to server|server login has been failing/i,
];

interface ErrorLike {
  name?: string;
  message?: string;
  /** Postgres's DETAIL, when the database gave one. */
  detail?: unknown;
  code?: unknown;
  /** The violated constraint's name (a table's, or a domain's), when the database gave one. */
  constraint?: unknown;
  cause?: unknown;
}

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
    if (UNAVAILABLE_CODES.has(code) || code.startsWith('53')) return 'unavailable';
    if (code === '2200H') return 'exhausted'; // sequence generator limit exceeded: no client can fix that
    if (code === RLS_BYPASSED_SQLSTATE) return 'rls-bypassed';
    if (code === IDS_TAKEN_SQLSTATE) return 'ids-taken';
    if (code === QUOTA_SQLSTATE) return 'quota';
    if (code === PLACEMENT_SQLSTATE) return 'placement';
    if (code === DEFAULT_LIST_SQLSTATE) return 'default-list';
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

/** The name of the constraint a failure violated (SQLSTATE class 23), if the database named one. */
export function violatedConstraint(err: unknown): string | undefined {
  const root = rootCause(err);
  return typeof root.code === 'string' && root.code.startsWith('23') && typeof root.constraint === 'string'
    ? root.constraint
    : undefined;
}
