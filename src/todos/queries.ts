import { and, asc, desc, eq, sql, type AnyColumn, type SQL } from 'drizzle-orm';
import type { Drizzle } from '../db/client.ts';
import { compiledQuery } from '../db/compiled.ts';
import { rowsStatementSql, type RowsStatement } from '../db/rows-statement.ts';
import { todos } from '../db/schema.ts';
import { executeKeyed, type KeyedOutcome } from '../idempotency/statement.ts';
import type { Cursor } from '../lib/cursor.ts';
import type { ImportedRows } from './import-rows.ts';
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
  version: todos.version,
  createdAt: rfc3339(todos.createdAt),
  updatedAt: rfc3339(todos.updatedAt),
};

/** A todo's columns in RETURNING, named as the API names them, so that `row_to_json` writes a Todo. */
const returningTodo = sql`${todos.id}, ${todos.text}, ${todos.done}, ${todos.version}, ${todoColumns.createdAt} as "createdAt", ${todoColumns.updatedAt} as "updatedAt"`;

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
    effect: { insertInto: sql`${todos} (text, done)`, select: sql`${text}, ${done}`, returning: returningTodo },
    response: sql`select row_to_json(effect)::text from effect`,
  });
}

/** Inserts many todos in file order with ONE statement (two array literals as parameters, whatever the row count). */
const insertMany = ({ texts, dones }: ImportedRows): RowsStatement => ({
  insertInto: sql`${todos} (text, done)`,
  select: sql`t, d`,
  from: sql`unnest(${texts}::text[], ${dones}::boolean[]) with ordinality as rows(t, d, n)`,
  orderBy: sql`n`,
});

/** Imports rows all or nothing; returns how many were inserted. */
export async function insertTodos(db: Drizzle, rows: ImportedRows): Promise<number> {
  const result = await db.execute(rowsStatementSql(insertMany(rows)));
  return result.rowCount ?? 0;
}

/** Imports rows under an idempotency key, in one round trip; the stored response is `{"inserted": N}`. */
export function insertTodosOnce(
  db: Drizzle,
  { key, hash, ...rows }: { key: string; hash: string } & ImportedRows,
): Promise<KeyedOutcome> {
  return executeKeyed(db, {
    scope: 'todos.import',
    key,
    hash,
    response: sql`select json_build_object('inserted', ${rows.count}::int)::text`,
    effect: insertMany(rows),
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

/** The create's SQL and parameters (the benchmark's control Worker sends it through the driver alone). */
export const insertTodoSql = (values: { text: string; done: boolean }) => insertQuery.sql(undefined, values);

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
      // The version, updatedAt and the feed position move by the trigger on todos (migration 0009).
      .set(Object.fromEntries(fields.map((name) => [name, placeholder(name)])))
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

type TodoFields = Record<'id' | 'text' | 'done' | 'version' | 'createdAt' | 'updatedAt', AnyColumn | SQL>;

/** A todo as JSON text in the API's shape, from these columns (of `todos`, or of a subquery that selected them). */
export const todoJsonOf = (t: TodoFields) =>
  sql`json_build_object('id', ${t.id}, 'text', ${t.text}, 'done', ${t.done}, 'version', ${t.version}, 'createdAt', ${rfc3339(t.createdAt)}, 'updatedAt', ${rfc3339(t.updatedAt)})::text`;

/** A todo as JSON text, from `todos` (in RETURNING: the row as written). */
const todoJson = todoJsonOf(todos);

/** How a conditional write ended. */
export type Conditional<T> =
  | { outcome: 'done'; result: T }
  | { outcome: 'missing' }
  /** The todo's version is none of those asked for: nothing changed; `current` is the todo as it is now. */
  | { outcome: 'stale'; current: Todo };

/**
 * The row `id`, locked (FOR UPDATE), as the CTE `current`: under READ
 * COMMITTED a concurrent writer is waited for and its result is what
 * `current` reads, so a 412 reports the version that beat this request, and
 * the write that follows in the same statement cannot lose an update.
 */
const lockedCurrent = (id: number) =>
  sql`current as (select ${todos.id} as id, ${todos.version} as version, ${todoJson} as todo from ${todos} where ${todos.id} = ${id} for update)`;

/** Whether the locked row has one of `versions` (undefined: any version). */
const versionIn = (versions: number[] | undefined) =>
  versions === undefined ? sql`true` : sql`current.version = any(${sql.param(versions)}::int[])`;

type Decided = { current: string; written: string | null };

function decided<T>(row: Decided | undefined, result: (written: string) => T): Conditional<T> {
  if (!row) return { outcome: 'missing' };
  if (row.written === null) return { outcome: 'stale', current: JSON.parse(row.current) as Todo };
  return { outcome: 'done', result: result(row.written) };
}

/**
 * Applies a patch only if the todo's version is one of `versions`, in ONE
 * statement: the locked read of the current row tells a missing todo (no
 * row: 404) from a stale version (a row, nothing written: 412).
 */
export async function updateTodoIfMatch(
  db: Drizzle,
  id: number,
  patch: Patch,
  versions: number[],
): Promise<Conditional<Todo>> {
  const sets = (['text', 'done'] as const)
    .filter((name) => patch[name] !== undefined)
    .map((name) => sql`${sql.identifier(name)} = ${patch[name]}`);
  const result = await db.execute<Decided>(sql`
    with ${lockedCurrent(id)},
    written as (
      update ${todos} set ${sql.join(sets, sql`, `)}
      from current where ${todos.id} = current.id and ${versionIn(versions)}
      returning ${todoJson} as todo)
    select current.todo as current, (select todo from written) as written from current`);
  return decided(result.rows[0], (written) => JSON.parse(written) as Todo);
}

/**
 * Deletes a todo, only if its version is one of `versions` when given, in ONE
 * statement (see updateTodoIfMatch). Its tombstone for the change feed is the
 * trigger's (migration 0009), as for every deletion.
 */
export async function deleteTodo(db: Drizzle, id: number, versions?: number[]): Promise<Conditional<true>> {
  const result = await db.execute<Decided>(sql`
    with ${lockedCurrent(id)},
    written as (
      delete from ${todos} using current where ${todos.id} = current.id and ${versionIn(versions)}
      returning ${todos.id} as id)
    select current.todo as current, (select id::text from written) as written from current`);
  return decided(result.rows[0], () => true as const);
}
