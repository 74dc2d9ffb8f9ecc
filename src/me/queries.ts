import { ownerUsage } from '../db/schema.ts';
import type { Drizzle } from '../db/client.ts';

/**
 * The caller's count of todos, as the triggers keep it: one row by its key
 * (row-level security picks the caller's; an owner who never wrote has none, 0).
 */
export async function readTodoCount(db: Drizzle): Promise<number> {
  const [row] = await db.select({ todos: ownerUsage.todos }).from(ownerUsage);
  return row?.todos ?? 0;
}
