import { and, asc, desc, eq, sql, type AnyColumn, type SQL } from 'drizzle-orm';
import { runBatch } from '../db/batch.ts';
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
 * What a create with a client-chosen id asked for, as the database hashes it
 * (app_request_hash, migration 0010): the same for POST /todos and an import,
 * so either may replay the other.
 */
const requestHashOf = (text: SQL | AnyColumn, done: SQL | AnyColumn) =>
  sql`app_request_hash(jsonb_build_object('text', ${text}, 'done', ${done}))`;

/** The todo `id` if it is the caller's and was created with this request: the replay of that create. */
const sameCreate = (id: string, hash: SQL) =>
  sql`select ${todoJson} from ${todos} where ${todos.id} = ${id}::uuid and ${todos.requestHash} = ${hash}`;

/** A create of one todo with the id the client chose; a taken id does nothing (the caller then finds out why). */
const insertWithId = ({ id, text, done }: NewTodo & { id: string }): RowsStatement => ({
  insertInto: sql`${todos} (id, text, done, request_hash)`,
  select: sql`${id}::uuid, ${text}::text, ${done}::boolean, ${requestHashOf(sql`${text}::text`, sql`${done}::boolean`)}`,
  onConflict: sql`(id) do nothing`,
  returning: sql`${todoJson} as todo`,
});

type NewTodo = { text: string; done: boolean };

/**
 * Creates a todo with the id the client chose, in ONE round trip (an HTTP
 * batch): insert it unless the id is taken, then, in a fresh snapshot (so a
 * concurrent create of the same id that committed meanwhile is seen), read
 * it: created now, or the caller's own created with the same request (a
 * replay), or anything else, which raises ID409 (a 409): another request's,
 * another owner's (row-level security hides it: nothing of it is read), or a
 * deleted todo's (the trigger of migration 0010 refuses it).
 */
export async function insertTodoWithId(
  db: Drizzle,
  todo: NewTodo & { id: string },
): Promise<{ todo: Todo; replayed: boolean }> {
  const hash = requestHashOf(sql`${todo.text}::text`, sql`${todo.done}::boolean`);
  const [, [row]] = (await runBatch(db, [
    rowsStatementSql(insertWithId(todo)),
    sql`select mine.todo, mine.created from (select 1) as one left join (
          select ${todoJson} as todo, ${todos}.xmin = pg_current_xact_id()::xid as created,
            ${todos.requestHash} = ${hash} as same
          from ${todos} where ${todos.id} = ${todo.id}::uuid) as mine on true
        where case when mine.created or mine.same then true else app_ids_taken(1) end`,
  ])) as [unknown, { todo: string; created: boolean }[]];
  return { todo: JSON.parse(row!.todo) as Todo, replayed: !row!.created };
}

/**
 * Creates a todo under an idempotency key (one round trip): the row is
 * inserted, and its id drawn, only when this request claims the key. With a
 * client-chosen id, as insertTodoWithId: the stored response is the todo
 * created, or the caller's own of the same request as it is now (then
 * `effectRows` is 0), or the write raises ID409 and the key stays unclaimed.
 */
export function insertTodoOnce(
  db: Drizzle,
  { key, hash, id, text, done }: { key: string; hash: string; id?: string } & NewTodo,
): Promise<KeyedOutcome> {
  if (id === undefined) {
    return executeKeyed(db, {
      scope: 'todos.create',
      key,
      hash,
      effect: { insertInto: sql`${todos} (text, done)`, select: sql`${text}, ${done}`, returning: returningTodo },
      response: sql`select row_to_json(effect)::text from effect`,
    });
  }
  const same = sameCreate(id, requestHashOf(sql`${text}::text`, sql`${done}::boolean`));
  return executeKeyed(db, {
    scope: 'todos.create',
    key,
    hash,
    effect: insertWithId({ id, text, done }),
    response: sql`select coalesce((select todo from effect), (${same}), app_ids_taken(1)::text)`,
  });
}

/** How an import names its rows: from the client's first id (its first 24 hex digits, and its last 32 bits as a number), or not. */
export interface ImportIds {
  prefix: string;
  firstLow: number;
}

/**
 * An import's statement in parts: its rows (from two array literals, whatever
 * the row count), the insert in file order, and the answer. Each row's id is
 * made in the statement, never sent: from `ids`, row n (1-based) gets the
 * client's first id + n - 1 in the last 32 bits; otherwise a version 7 UUID
 * with the statement's time and n, so the ids increase in file order.
 *
 * With the client's ids a row may be in already: the caller's own, created
 * with the same text and done, counts as replayed. The answer is
 * `{"inserted", "replayed"}`, and any other taken id raises ID409 (a 409) for
 * the whole import: nothing is written.
 */
function importStatement({ texts, dones, count }: ImportedRows, ids: ImportIds | undefined) {
  const id = ids
    ? sql`(${ids.prefix} || lpad(to_hex(${ids.firstLow}::bigint + n - 1), 8, '0'))::uuid`
    : sql`app_uuidv7(statement_timestamp(), n)`;
  const hash = ids ? requestHashOf(sql`t`, sql`d`) : sql`null::bytea`;
  const replayed = ids
    ? sql`(select count(*) from rows join ${todos} using (id) where ${todos.requestHash} = ${requestHashOf(sql`rows.t`, sql`rows.d`)})`
    : sql`0`;
  return {
    with: sql`rows as materialized (select ${id} as id, t, d, n from unnest(${texts}::text[], ${dones}::boolean[]) with ordinality as r(t, d, n))`,
    effect: {
      insertInto: sql`${todos} (id, text, done, request_hash)`,
      select: sql`id, t, d, ${hash}`,
      from: sql`rows`,
      orderBy: sql`n`,
      onConflict: sql`(id) do nothing`,
      returning: sql`1`,
    } satisfies RowsStatement,
    response: sql`select json_build_object('inserted', inserted, 'replayed', replayed)::text
      from (select (select count(*) from effect) as inserted, ${replayed} as replayed) as outcome
      where case when inserted + replayed = ${count} then true else app_ids_taken(${count} - inserted - replayed) end`,
  };
}

/** The outcome of an import, as the API answers it. */
export interface ImportOutcome {
  inserted: number;
  replayed: number;
}

/** Imports rows all or nothing, in ONE statement. */
export async function insertTodos(db: Drizzle, rows: ImportedRows, ids?: ImportIds): Promise<ImportOutcome> {
  const { with: shared, effect, response } = importStatement(rows, ids);
  const result = await db.execute<{ outcome: string }>(
    sql`with ${shared}, effect as (${rowsStatementSql(effect)}) select (${response}) as outcome`,
  );
  return JSON.parse(result.rows[0]!.outcome) as ImportOutcome;
}

/** Imports rows under an idempotency key, in one round trip; the stored response is `{"inserted", "replayed"}`. */
export function insertTodosOnce(
  db: Drizzle,
  { key, hash, ids, ...rows }: { key: string; hash: string; ids?: ImportIds } & ImportedRows,
): Promise<KeyedOutcome> {
  return executeKeyed(db, { scope: 'todos.import', key, hash, ...importStatement(rows, ids) });
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

export async function findTodo(db: Drizzle, id: string): Promise<Todo | undefined> {
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
export async function updateTodo(db: Drizzle, id: string, patch: Patch): Promise<Todo | undefined> {
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
const lockedCurrent = (id: string) =>
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
  id: string,
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
export async function deleteTodo(db: Drizzle, id: string, versions?: number[]): Promise<Conditional<true>> {
  const result = await db.execute<Decided>(sql`
    with ${lockedCurrent(id)},
    written as (
      delete from ${todos} using current where ${todos.id} = current.id and ${versionIn(versions)}
      returning ${todos.id} as id)
    select current.todo as current, (select id::text from written) as written from current`);
  return decided(result.rows[0], () => true as const);
}
