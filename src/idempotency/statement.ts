import { sql, type SQL } from 'drizzle-orm';
import type { Drizzle } from '../db/client.ts';
import { idempotencyKeys } from '../db/schema.ts';
import { KEY_LIFETIME, replay } from './key.ts';

export interface KeyedStatement {
  /** What the key protects, e.g. 'todos.create'. */
  scope: string;
  key: string;
  /** Fingerprint of the request, to refuse the key with another body. */
  hash: string;
  /** CTEs the response and the effect may use (`name as (...)`, comma-separated). */
  before?: SQL;
  /** SELECT ... yielding one text: the response to store (may read the `before` CTEs). */
  response: SQL;
  /** The data-modifying statement; it must act only `where exists (select 1 from claimed)` or join `claimed`. */
  effect: SQL;
}

/**
 * One statement that does a keyed write at most once: claim the key (new or
 * expired), do the effect and store the response, all or nothing. When the key
 * is already taken, the first request's row comes back instead. The outcome is
 * undefined only when a concurrent request with the same key committed
 * meanwhile (this statement's snapshot cannot see it): running it again
 * replays that one.
 */
function keyedStatement({ scope, key, hash, before, response, effect }: KeyedStatement): SQL {
  return sql`
    with ${before ? sql`${before}, ` : sql``}claimed as (
      insert into ${idempotencyKeys} (scope, key, request_hash, response)
      select ${scope}, ${key}, ${hash}, stored.response from (${response}) as stored(response)
      on conflict (scope, key) do update
        set request_hash = excluded.request_hash, response = excluded.response, created_at = now()
        where ${idempotencyKeys.createdAt} < now() - ${sql.raw(`interval '${KEY_LIFETIME}'`)}
      returning request_hash, response
    ), effect as (${effect})
    select true as created, claimed.request_hash, claimed.response from claimed
    union all
    select false, k.request_hash, k.response from ${idempotencyKeys} k
    where k.scope = ${scope} and k.key = ${key} and not exists (select 1 from claimed)
      -- An expired row seen here was re-claimed by a concurrent request after this snapshot:
      -- answer nothing, so that the caller runs again and replays that request, not the stale one.
      and k.created_at >= now() - ${sql.raw(`interval '${KEY_LIFETIME}'`)}
  `;
}

export interface KeyedOutcome {
  created: boolean;
  requestHash: string;
  response: string;
}

/** Runs a keyed write on `db` as one statement; its outcome, undefined as explained at keyedStatement. */
export async function executeKeyed(db: Drizzle, keyed: KeyedStatement): Promise<KeyedOutcome | undefined> {
  const { rows } = await db.execute<{ created: boolean; request_hash: string; response: string }>(keyedStatement(keyed));
  const row = rows[0];
  return row && { created: row.created, requestHash: row.request_hash, response: row.response };
}

/**
 * Runs a keyed statement and answers with the response to send: the new one,
 * or the stored one for a repeated key (422 if the body differs). A second run
 * happens only when a concurrent request with this key won the race; it
 * replays that one.
 */
export async function runOnce(statement: () => Promise<KeyedOutcome | undefined>, hash: string): Promise<{ response: string; replayed: boolean }> {
  const outcome = (await statement()) ?? (await statement());
  if (!outcome) throw new Error('a keyed write found neither a new nor an existing key');
  return { response: outcome.created ? outcome.response : replay(outcome, hash), replayed: !outcome.created };
}
