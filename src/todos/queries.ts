import { and, asc, desc, eq, sql, type AnyColumn, type SQL } from 'drizzle-orm';
import type { Drizzle } from '../db/client.ts';
import { compiledQuery } from '../db/compiled.ts';
import { todos } from '../db/schema.ts';
import { executeKeyed, type KeyedOutcome } from '../idempotency/statement.ts';
import type { Cursor } from '../lib/cursor.ts';
import type { Todo } from './schemas.ts';

/**
 * RFC 3339 in UTC with microseconds, formatted by Postgres whatever the
 * session's TimeZone (we never SET it: PgBouncer would not keep it).
 */
const rfc3339 = (value: AnyColumn | SQL) =>
  sql<string>`to_char(${value} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;

/** The columns a Todo is made of, in the API's shape. */
const todoColumns = {
  id: todos.id,
  text: todos.text,
  done: todos.done,
  createdAt: rfc3339(todos.createdAt),
  updatedAt: rfc3339(todos.updatedAt),
};

/** A todo's columns in RETURNING, named as the API names them, so that `row_to_json` writes a Todo. */
const returningTodo = sql`${todos.id}, ${todos.text}, ${todos.done}, ${todoColumns.createdAt} as "createdAt", ${todoColumns.updatedAt} as "updatedAt"`;

/**
 * Creates a todo under an idempotency key (one round trip): the row is
 * inserted, and its id drawn, only when this request claims the key.
 */
export function insertTodoOnce(
  db: Drizzle,
  { key, hash, text, done }: { key: string; hash: string; text: string; done: boolean },
): Promise<KeyedOutcome> {
  return executeKeyed(db, {
    scope: 'todos.create',
    key,
    hash,
    effect: sql`insert into ${todos} (text, done) select ${text}, ${done} where exists (select 1 from claimed) returning ${returningTodo}`,
    response: sql`select row_to_json(effect)::text from effect`,
  });
}

/** Inserts many todos in file order with ONE statement (two array parameters, whatever the row count). */
const insertMany = (texts: string[], dones: boolean[], onlyIfClaimed: boolean) => sql`
  insert into ${todos} (text, done)
  select t, d from unnest(${sql.param(texts)}::text[], ${sql.param(dones)}::boolean[]) with ordinality as rows(t, d, n)
  ${onlyIfClaimed ? sql`where exists (select 1 from claimed)` : sql``}
  order by n`;

/** Imports rows all or nothing; returns how many were inserted. */
export async function insertTodos(
  db: Drizzle,
  { texts, dones }: { texts: string[]; dones: boolean[] },
): Promise<number> {
  const result = await db.execute(insertMany(texts, dones, false));
  return result.rowCount ?? 0;
}

/** Imports rows under an idempotency key, in one round trip; the stored response is `{"inserted": N}`. */
export function insertTodosOnce(
  db: Drizzle,
  { key, hash, texts, dones }: { key: string; hash: string; texts: string[]; dones: boolean[] },
): Promise<KeyedOutcome> {
  return executeKeyed(db, {
    scope: 'todos.import',
    key,
    hash,
    response: sql`select json_build_object('inserted', ${texts.length}::int)::text`,
    effect: insertMany(texts, dones, true),
  });
}

const placeholder = sql.placeholder;

const insertQuery = compiledQuery(todoColumns, (db) =>
  db
    .insert(todos)
    .values({ text: placeholder('text'), done: placeholder('done') })
    .returning(todoColumns),
);

export async function insertTodo(db: Drizzle, { text, done }: { text: string; done: boolean }): Promise<Todo> {
  const [row] = await insertQuery.run(db, undefined, { text, done });
  return row!;
}

/** Which parts of the listing's SQL a request needs; each shape is its own compiled text. */
interface ListShape {
  filtered: boolean;
  paged: boolean;
  oldestFirst: boolean;
}

const listQuery = compiledQuery(
  todoColumns,
  (db, { filtered, paged, oldestFirst }: ListShape) => {
    const position = sql`(${todos.createdAt}, ${todos.id})`;
    const cursor = sql`(${placeholder('afterCreatedAt')}::timestamptz, ${placeholder('afterId')})`;
    const order = oldestFirst ? asc : desc;
    return db
      .select(todoColumns)
      .from(todos)
      .where(
        and(
          filtered ? eq(todos.done, placeholder('done')) : undefined,
          paged ? (oldestFirst ? sql`${position} > ${cursor}` : sql`${position} < ${cursor}`) : undefined,
        ),
      )
      .orderBy(order(todos.createdAt), order(todos.id))
      .limit(placeholder('limit'));
  },
  ({ filtered, paged, oldestFirst }) => `${+filtered}${+paged}${+oldestFirst}`,
);

interface ListOptions {
  done?: boolean;
  limit: number;
  after?: Cursor;
  oldestFirst?: boolean;
}

const listArguments = ({ done, limit, after, oldestFirst = false }: ListOptions) =>
  [
    { filtered: done !== undefined, paged: after !== undefined, oldestFirst },
    // One extra row tells whether another page follows.
    { done, limit: limit + 1, afterCreatedAt: after?.createdAt, afterId: after?.id },
  ] as const;

/**
 * One page, newest first (or oldest first, for the export), plus one extra
 * row that tells whether another page follows. Both orders read the same
 * index, forwards or backwards.
 */
export function listTodos(db: Drizzle, options: ListOptions): Promise<Todo[]> {
  return listQuery.run(db, ...listArguments(options));
}

/** The listing's SQL and parameters for these options (tests EXPLAIN it). */
export const listTodosSql = (options: ListOptions) => listQuery.sql(...listArguments(options));

const findQuery = compiledQuery(todoColumns, (db) =>
  db
    .select(todoColumns)
    .from(todos)
    .where(eq(todos.id, placeholder('id'))),
);

export async function findTodo(db: Drizzle, id: number): Promise<Todo | undefined> {
  const [row] = await findQuery.run(db, undefined, { id });
  return row;
}

type Patch = { text?: string; done?: boolean };

const updateQuery = compiledQuery(
  todoColumns,
  (db, fields: (keyof Patch)[]) =>
    db
      .update(todos)
      // updatedAt always moves forward, even within one microsecond.
      .set({
        ...Object.fromEntries(fields.map((name) => [name, placeholder(name)])),
        updatedAt: sql`greatest(now(), ${todos.updatedAt} + interval '1 microsecond')`,
      })
      .where(eq(todos.id, placeholder('id')))
      .returning(todoColumns),
  (fields) => fields.join(),
);

/** Applies a patch (text, done or both). */
export async function updateTodo(db: Drizzle, id: number, patch: Patch): Promise<Todo | undefined> {
  const fields = (['text', 'done'] as const).filter((name) => patch[name] !== undefined);
  const [row] = await updateQuery.run(db, fields, { id, ...patch });
  return row;
}

const deleteQuery = compiledQuery({ id: todos.id }, (db) =>
  db
    .delete(todos)
    .where(eq(todos.id, placeholder('id')))
    .returning({ id: todos.id }),
);

export async function deleteTodo(db: Drizzle, id: number): Promise<boolean> {
  const rows = await deleteQuery.run(db, undefined, { id });
  return rows.length > 0;
}
