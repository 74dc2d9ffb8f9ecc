import { sql } from 'drizzle-orm';
import type { Drizzle } from '../db/client.ts';

/**
 * Deletes up to `rows` expired idempotency keys of every owner, oldest first,
 * in one statement: one range of the created_at index, a short lock on few
 * rows. The cleanup has no owner, and the Worker's role sees no row without
 * one, so it calls a SECURITY DEFINER function that runs as the tables' owner
 * and can do this and nothing else (migrations/0003_ownership.sql; its key
 * lifetime is KEY_LIFETIME). Returns how many it deleted.
 */
export async function deleteExpiredKeys(db: Drizzle, rows: number): Promise<number> {
  const result = await db.execute<{ deleted: number }>(sql`select purge_expired_idempotency_keys(${rows}) as deleted`);
  return result.rows[0]?.deleted ?? 0;
}
