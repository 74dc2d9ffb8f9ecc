import { sql } from 'drizzle-orm';
import type { Drizzle } from '../db/client.ts';

/**
 * Deletes up to `rows` tombstones older than `retentionDays`, of every owner,
 * oldest first, in one statement, and records per owner how far it went (a
 * `since` at or before that is then a 410). Like the idempotency keys'
 * cleanup, through a SECURITY DEFINER function that can do this and nothing
 * else (migrations/0006_change_feed.sql). Returns how many it deleted.
 */
export async function deleteExpiredTombstones(db: Drizzle, retentionDays: number, rows: number): Promise<number> {
  const result = await db.execute<{ deleted: number }>(
    sql`select purge_expired_tombstones(${retentionDays}, ${rows}) as deleted`,
  );
  return result.rows[0]?.deleted ?? 0;
}
