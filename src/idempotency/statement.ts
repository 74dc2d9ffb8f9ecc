import { sql, type SQL } from 'drizzle-orm';
import { runBatch } from '../db/batch.ts';
import { rowsStatementSql, type RowsStatement } from '../db/rows-statement.ts';
import type { Drizzle } from '../db/client.ts';
import { idempotencyKeys } from '../db/schema.ts';
import { KEY_LIFETIME, replay } from './key.ts';

export interface KeyedWrite {
  /** What the key protects, e.g. 'todos.create'. */
  scope: string;
  key: string;
  /** Fingerprint of the request, to refuse the key with another body. */
  hash: string;
  /**
   * The write, run as the CTE `effect` on the rows it selects only when this
   * request claimed the key (the condition is added here); it may return rows
   * for `response`.
   */
  effect: RowsStatement;
  /** Common table expressions (`name as (...)`, comma-separated) the effect and the response read. */
  with?: SQL;
  /** SELECT ... yielding one text, the response to store; it may read `effect`. */
  response: SQL;
}

export interface KeyedOutcome {
  /** Whether this request claimed the key (and so did the write). */
  created: boolean;
  requestHash: string;
  response: string;
  /** How many rows the effect wrote (0 unless this request claimed the key; an effect may skip rows that are in already). */
  effectRows: number;
}

const expired = sql`${idempotencyKeys.createdAt} < now() - ${sql.raw(`interval '${KEY_LIFETIME}'`)}`;
/** Whether this transaction wrote the key's row: it claimed the key. */
const writtenHere = sql`${idempotencyKeys}.xmin = pg_current_xact_id()::xid`;

/**
 * Does a keyed write at most once, in ONE round trip (an HTTP batch, one
 * transaction):
 * 1. claim the key (new, or expired), with an empty response for now;
 * 2. only if this transaction claimed it: do the effect and store its response;
 * 3. read the key's row back: this request's response, or the first one's.
 *
 * Nothing is drawn unless the key is claimed (a replay spends no todo id).
 * When a concurrent request with the same key holds it uncommitted, step 1
 * waits for it to end; under READ COMMITTED step 3 then sees what it
 * committed, so the loser of a race replays the winner in the same round trip.
 * An empty response is never seen by anyone else: step 2 fills it before the
 * transaction commits.
 *
 * A key is its owner's: the owner column takes the transaction's setting (so
 * the conflict target is the owner's own key), and row-level security shows
 * only the owner's keys, so another owner's same key is another row, neither
 * replayed nor blocking.
 */
export async function executeKeyed(
  db: Drizzle,
  { scope, key, hash, effect, with: shared, response }: KeyedWrite,
): Promise<KeyedOutcome> {
  const thisKey = sql`${idempotencyKeys.scope} = ${scope} and ${idempotencyKeys.key} = ${key}`;
  const claimed = sql`exists (select 1 from claimed)`;
  const [, written, [row]] = (await runBatch(db, [
    sql`insert into ${idempotencyKeys} (scope, key, request_hash, response) values (${scope}, ${key}, ${hash}, '')
        on conflict (owner, scope, key) do update set request_hash = excluded.request_hash, response = '', created_at = now() where ${expired}`,
    sql`with claimed as (select 1 from ${idempotencyKeys} where ${thisKey} and ${writtenHere}), ${shared ? sql`${shared}, ` : sql``}effect as (${rowsStatementSql(effect, claimed)})
        update ${idempotencyKeys} set response = (${response}) where ${thisKey} and ${claimed}
        returning (select count(*) from effect)::int as effect_rows`,
    sql`select ${writtenHere} as created, request_hash, response from ${idempotencyKeys} where ${thisKey}`,
  ])) as [unknown, { effect_rows: number }[], { created: boolean; request_hash: string; response: string }[]];
  if (!row) throw new Error('a keyed write found no key after claiming it');
  return {
    created: row.created,
    requestHash: row.request_hash,
    response: row.response,
    effectRows: written[0]?.effect_rows ?? 0,
  };
}

/** The response to send for a keyed write: the new one, or the stored one for a repeated key (422 if the body differs). */
export function keyedResponse(outcome: KeyedOutcome, hash: string): { response: string; replayed: boolean } {
  return { response: outcome.created ? outcome.response : replay(outcome, hash), replayed: !outcome.created };
}
