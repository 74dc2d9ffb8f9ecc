import { and, desc, eq, sql, type AnyColumn, type SQL } from 'drizzle-orm';
import type { Drizzle } from '../db/client.ts';
import { idempotencyKeys, todos } from '../db/schema.ts';
import { KEY_LIFETIME } from '../idempotency/key.ts';
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

/**
 * Creates a todo under an idempotency key, in ONE statement: claim the key
 * (new, or expired), insert the todo under a pre-allocated id, and store the
 * response, all or nothing. When the key is already taken, the row of the
 * first request comes back instead. Returns undefined only when a concurrent
 * request with the same key committed meanwhile (this statement's snapshot
 * cannot see it): running the statement again then replays it.
 */
export async function insertTodoOnce(
  db: Drizzle,
  { key, hash, text, done = false }: { key: string; hash: string; text: string; done?: boolean },
): Promise<{ created: boolean; requestHash: string; response: string } | undefined> {
  const stamp = sql`to_char(now() at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;
  const result = await db.execute<{ created: boolean; request_hash: string; response: string }>(sql`
    with new_id as (
      select nextval(pg_get_serial_sequence('todos', 'id'))::int as id
    ), claimed as (
      insert into ${idempotencyKeys} (scope, key, request_hash, response)
      select 'todos.create', ${key}, ${hash},
             json_build_object('id', id, 'text', ${text}::text, 'done', ${done}::boolean, 'createdAt', ${stamp}, 'updatedAt', ${stamp})::text
      from new_id
      on conflict (scope, key) do update
        set request_hash = excluded.request_hash, response = excluded.response, created_at = now()
        where ${idempotencyKeys.createdAt} < now() - ${sql.raw(`interval '${KEY_LIFETIME}'`)}
      returning request_hash, response
    ), created as (
      insert into ${todos} (id, text, done, created_at, updated_at)
      select new_id.id, ${text}, ${done}, now(), now() from new_id, claimed
      returning id
    )
    select true as created, claimed.request_hash, claimed.response from claimed, created
    union all
    select false, k.request_hash, k.response from ${idempotencyKeys} k
    where k.scope = 'todos.create' and k.key = ${key} and not exists (select 1 from claimed)
  `);
  const row = result.rows[0];
  return row && { created: row.created, requestHash: row.request_hash, response: row.response };
}

export async function insertTodo(db: Drizzle, values: { text: string; done?: boolean }): Promise<Todo> {
  const [row] = await db.insert(todos).values(values).returning(todoColumns);
  return row!;
}

/** One page, newest first, plus one extra row that tells whether another page follows. */
export function listTodos(db: Drizzle, { done, limit, after }: { done?: boolean; limit: number; after?: Cursor }) {
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
