import { sql } from 'drizzle-orm';
import type { Drizzle } from '../db/client.ts';
import { idempotencyKeys } from '../db/schema.ts';
import { KEY_LIFETIME } from './key.ts';

/**
 * Deletes up to `rows` expired idempotency keys, oldest first, in one
 * statement: one range of the created_at index, a short lock on few rows.
 * Returns how many it deleted.
 */
export async function deleteExpiredKeys(db: Drizzle, rows: number): Promise<number> {
  const result = await db.execute(sql`
    delete from ${idempotencyKeys} where (scope, key) in (
      select scope, key from ${idempotencyKeys}
      where ${idempotencyKeys.createdAt} < now() - ${sql.raw(`interval '${KEY_LIFETIME}'`)}
      order by ${idempotencyKeys.createdAt} limit ${rows}
    )`);
  return result.rowCount ?? 0;
}
