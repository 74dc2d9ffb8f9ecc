import { and, desc, eq, sql, type AnyColumn, type SQL } from 'drizzle-orm';
import type { Drizzle } from '../db/client.ts';
import { todos } from '../db/schema.ts';
import type { Cursor } from '../lib/cursor.ts';
import type { Todo } from './schemas.ts';

/**
 * RFC 3339 in UTC with microseconds, formatted by Postgres whatever the
 * session's TimeZone (we never SET it: PgBouncer would not keep it).
 */
const rfc3339 = (column: AnyColumn) =>
  sql<string>`to_char(${column} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;

/** The columns a Todo is made of, in the API's shape. */
const todoColumns = {
  id: todos.id,
  text: todos.text,
  done: todos.done,
  createdAt: rfc3339(todos.createdAt),
  updatedAt: rfc3339(todos.updatedAt),
};

export async function insertTodo(db: Drizzle, values: { text: string; done?: boolean }): Promise<Todo> {
  const [row] = await db.insert(todos).values(values).returning(todoColumns);
  return row!;
}

/** One page, newest first, plus one extra row that tells whether another page follows. */
export function listTodos(db: Drizzle, { done, limit, after }: { done?: boolean; limit: number; after?: Cursor }): Promise<Todo[]> {
  const filters: (SQL | undefined)[] = [
    done === undefined ? undefined : eq(todos.done, done),
    after ? sql`(${todos.createdAt}, ${todos.id}) < (${after.createdAt}::timestamptz, ${after.id})` : undefined,
  ];
  return db
    .select(todoColumns)
    .from(todos)
    .where(and(...filters))
    .orderBy(desc(todos.createdAt), desc(todos.id))
    .limit(limit + 1);
}

export async function findTodo(db: Drizzle, id: number): Promise<Todo | undefined> {
  const [row] = await db.select(todoColumns).from(todos).where(eq(todos.id, id));
  return row;
}

/** Applies a patch; updatedAt always moves forward, even within one microsecond. */
export async function updateTodo(db: Drizzle, id: number, patch: { text?: string; done?: boolean }): Promise<Todo | undefined> {
  const [row] = await db
    .update(todos)
    .set({ ...patch, updatedAt: sql`greatest(now(), ${todos.updatedAt} + interval '1 microsecond')` })
    .where(eq(todos.id, id))
    .returning(todoColumns);
  return row;
}

export async function deleteTodo(db: Drizzle, id: number): Promise<boolean> {
  const rows = await db.delete(todos).where(eq(todos.id, id)).returning({ id: todos.id });
  return rows.length > 0;
}
