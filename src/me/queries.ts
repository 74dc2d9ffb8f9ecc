import { sql } from 'drizzle-orm';
import { ownerUsage } from '../db/schema.ts';
import type { Drizzle } from '../db/client.ts';

/**
 * The caller's counts of todos and lists, as the triggers keep them: one row
 * by its key (row-level security picks the caller's; an owner who never wrote
 * has none). The default list counts before any write has made it: it is
 * shown from the start (GET /lists), and no one can delete it.
 */
export async function readUsage(db: Drizzle): Promise<{ todos: number; lists: number }> {
  const [row] = await db
    .select({ todos: ownerUsage.todos, lists: sql<number>`greatest(${ownerUsage.lists}, 1)` })
    .from(ownerUsage);
  return { todos: row?.todos ?? 0, lists: Number(row?.lists ?? 1) };
}
