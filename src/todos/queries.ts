import { and, asc, desc, eq, sql, type AnyColumn, type SQL } from 'drizzle-orm';
import type { Drizzle } from '../db/client.ts';
import { compiledQuery } from '../db/compiled.ts';
import { rowsStatementSql, type RowsStatement } from '../db/rows-statement.ts';
import { todos } from '../db/schema.ts';
import { executeKeyed, type KeyedOutcome } from '../idempotency/statement.ts';
import {
  insertWithChosenId,
  insertOnce,
  insertWithChosenIdOnce,
  intoWithId as chosenIntoWithId,
  parametersOf,
  requestHashOf as chosenRequestHashOf,
  type ChosenIdTable,
  type ValueOf,
} from '../db/creates.ts';
import {
  decided,
  deleteIfMatchSql,
  updateIfMatchSql,
  type Conditional as AnyConditional,
  type Decided,
  type VersionedTable,
} from '../db/conditional-writes.ts';
import type { Cursor as AnyCursor } from '../lib/cursor.ts';
import { jsonOf } from '../lib/fields.ts';
import { todoFields, type TodoId } from './fields.ts';
import { IMPORTED, type ImportedRows } from './import-rows.ts';
import type { NewTodo, Todo, TodoPatch } from './schemas.ts';

/**
 * A todo as JSON text in the API's shape, `stored(name)` naming where each
 * field's stored value is (a column of `todos`, or of a subquery that
 * selected them): the one way a todo becomes JSON, for every query, the
 * conditional writes, the keyed create's stored response and the feed.
 */
export const todoJsonOf = (stored: (name: string) => SQL | AnyColumn): SQL<string> => jsonOf(todoFields, stored);

/** The field named `name`'s column of `todos`. */
const columnOf = (name: string) => todos[name as keyof typeof todoFields];

/** A todo as JSON text, from `todos` (in RETURNING: the row as written). */
const todoJson = todoJsonOf(columnOf);

/** What every read and write of todos selects or returns: the todo's JSON. */
const selection = { todo: todoJson };
const todosOf = (rows: { todo: string }[]): Todo[] => rows.map((row) => JSON.parse(row.todo) as Todo);

/** A todo's JSON text, as Postgres wrote it. */
export type TodoJson = string & { readonly json: 'Todo' };

/** The fields given in `values` (a create's or a patch's), in the declaration's order. */
const givenFields = (values: Record<string, unknown>) =>
  Object.keys(todoFields).filter((name) => values[name] !== undefined);

/** What a create writes beside its id (the fields an import reads, in their order): the create's request. */
const CREATED = IMPORTED.read;

/** Todos as a table of client-chosen ids: what a create writes beside its id, and a todo's JSON. */
const CHOSEN: ChosenIdTable = {
  table: todos,
  created: CREATED.map(({ name, input }) => ({ name, column: columnOf(name).name, type: input.array.type })),
  json: todoJson,
};

/** What a create with a client-chosen id asked for, `value(name, type)` naming each created field's value. */
const requestHashOf = (value: ValueOf) => chosenRequestHashOf(CHOSEN, value);

/** `todos (id, <created fields>, request_hash)`: a create with the client's id. */
const intoWithId = chosenIntoWithId(CHOSEN);

/** Creates a todo with the id the client chose, in ONE round trip (insertWithChosenId). */
export async function insertTodoWithId(
  db: Drizzle,
  id: TodoId,
  todo: NewTodo,
): Promise<{ todo: Todo; replayed: boolean }> {
  const made = await insertWithChosenId(db, CHOSEN, id, parametersOf(todo));
  return { todo: JSON.parse(made.json) as Todo, replayed: made.replayed };
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
  { key, hash, id, todo }: { key: string; hash: string; id?: TodoId; todo: NewTodo },
): Promise<KeyedOutcome> {
  if (id !== undefined)
    return insertWithChosenIdOnce(db, CHOSEN, { scope: 'todos.create', key, hash, id, value: parametersOf(todo) });
  const values = todo as Record<string, unknown>;
  const given = Object.fromEntries(givenFields(values).map((name) => [columnOf(name).name, values[name]]));
  return insertOnce(db, { scope: 'todos.create', key, hash, table: todos, values: given, json: todoJson });
}

/** How an import names its rows: from the client's first id (its first 24 hex digits, and its last 32 bits as a number), or not. */
export interface ImportIds {
  prefix: string;
  firstLow: number;
}

/**
 * An import's statement in parts: its rows (an array literal per field read,
 * whatever the row count), the insert in file order, and the answer. Each
 * row's id is made in the statement, never sent: from `ids`, row n (1-based)
 * gets the client's first id + n - 1 in the last 32 bits; otherwise a version
 * 7 UUID with the statement's time and n, so the ids increase in file order.
 *
 * With the client's ids a row may be in already: the caller's own, created
 * with the same values, counts as replayed. The answer is `{"inserted",
 * "replayed"}`, and any other taken id raises ID409 (a 409) for the whole
 * import: nothing is written.
 */
function importStatement({ literals, count }: ImportedRows, ids: ImportIds | undefined) {
  const aliases = CREATED.map((_, i) => sql.raw(`f${i}`));
  const alias = (name: string) => aliases[CREATED.findIndex((f) => f.name === name)]!;
  const id = ids
    ? sql`(${ids.prefix} || lpad(to_hex(${ids.firstLow}::bigint + n - 1), 8, '0'))::uuid`
    : sql`app_uuidv7(statement_timestamp(), n)`;
  const replayed = ids
    ? sql`(select count(*) from rows join ${todos} using (id) where ${todos.requestHash} = ${requestHashOf((name) => sql`rows.${alias(name)}`)})`
    : sql`0`;
  return {
    with: sql`rows as materialized (select ${id} as id, ${sql.join(aliases, sql`, `)}, n from unnest(${sql.join(
      CREATED.map(({ name, input }) => sql`${literals[name]}::${sql.raw(input.array.type)}[]`),
      sql`, `,
    )}) with ordinality as r(${sql.join(aliases, sql`, `)}, n))`,
    effect: {
      insertInto: intoWithId,
      select: sql`id, ${sql.join(aliases, sql`, `)}, ${ids ? requestHashOf(alias) : sql`null::bytea`}`,
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

/** `name: placeholder(name)` for each of `names`: a compiled statement's values. */
const placeholders = (names: string[]) => Object.fromEntries(names.map((name) => [name, placeholder(name)]));

const insertQuery = compiledQuery<string[], { todo: string }>(
  selection,
  (db, names) =>
    db
      .insert(todos)
      .values(placeholders(names) as unknown as typeof todos.$inferInsert)
      .returning(selection),
  (names) => names.join(),
);

export async function insertTodo(db: Drizzle, todo: NewTodo): Promise<Todo> {
  const [row] = todosOf(await insertQuery.run(db, givenFields(todo), todo));
  return row!;
}

/** The create's SQL and parameters (the benchmark's control Worker sends it through the driver alone). */
export const insertTodoSql = (todo: NewTodo) => insertQuery.sql(givenFields(todo), todo);

/** A position in the listing. */
type Cursor = AnyCursor<TodoId>;

/** Which parts of the listing's SQL a request needs; each shape is its own compiled text. */
interface ListShape {
  filtered: boolean;
  paged: boolean;
  oldestFirst: boolean;
}

const listQuery = compiledQuery<ListShape, { todo: string }>(
  selection,
  (db, { filtered, paged, oldestFirst }) => {
    const position = sql`(${todos.createdAt}, ${todos.id})`;
    const cursor = sql`(${placeholder('afterCreatedAt')}::timestamptz, ${placeholder('afterId')})`;
    const order = oldestFirst ? asc : desc;
    return db
      .select(selection)
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
 * row that tells whether another page follows, each todo as its JSON text (a
 * page goes out as it is, without a parse and a re-serialisation per todo).
 * Both orders read the same index, forwards or backwards.
 */
export async function listTodos(db: Drizzle, options: ListOptions): Promise<TodoJson[]> {
  return (await listQuery.run(db, ...listArguments(options))).map((row) => row.todo as TodoJson);
}

/** The listing's SQL and parameters for these options (tests EXPLAIN it). */
export const listTodosSql = (options: ListOptions) => listQuery.sql(...listArguments(options));

const findQuery = compiledQuery<undefined, { todo: string }>(selection, (db) =>
  db
    .select(selection)
    .from(todos)
    .where(eq(todos.id, placeholder('id'))),
);

export async function findTodo(db: Drizzle, id: TodoId): Promise<Todo | undefined> {
  const [row] = todosOf(await findQuery.run(db, undefined, { id }));
  return row;
}

const updateQuery = compiledQuery<string[], { todo: string }>(
  selection,
  (db, names) =>
    db
      .update(todos)
      // The version, updatedAt and the feed position move by the trigger on todos (migration 0009).
      .set(placeholders(names))
      .where(eq(todos.id, placeholder('id')))
      .returning(selection),
  (names) => names.join(),
);

/** Applies a patch (any of the patchable fields). */
export async function updateTodo(db: Drizzle, id: TodoId, patch: TodoPatch): Promise<Todo | undefined> {
  const [row] = todosOf(await updateQuery.run(db, givenFields(patch), { ...patch, id }));
  return row;
}

/** How a conditional write of a todo ended. */
export type Conditional<T> = AnyConditional<Todo, T>;

/** Todos as versioned rows: their JSON, for the conditional writes. */
const VERSIONED: VersionedTable = { table: todos, json: todoJson };

/**
 * Applies a patch only if the todo's version is one of `versions` (undefined: any), in ONE
 * statement: the locked read of the current row tells a missing todo (no
 * row: 404) from a stale version (a row, nothing written: 412).
 */
export async function updateTodoIfMatch(
  db: Drizzle,
  id: TodoId,
  patch: TodoPatch,
  versions: number[] | undefined,
): Promise<Conditional<Todo>> {
  const values = patch as Record<string, unknown>;
  const sets = givenFields(values).map((name) => sql`${sql.identifier(columnOf(name).name)} = ${values[name]}`);
  const result = await db.execute<Decided>(updateIfMatchSql(VERSIONED, id, sets, versions));
  return decided(result.rows[0], (written) => JSON.parse(written) as Todo);
}

/**
 * Deletes a todo, only if its version is one of `versions` when given, in ONE
 * statement (see updateTodoIfMatch). Its tombstone for the change feed is the
 * trigger's (migration 0009), as for every deletion.
 */
export async function deleteTodo(db: Drizzle, id: TodoId, versions?: number[]): Promise<Conditional<true>> {
  const result = await db.execute<Decided>(deleteIfMatchSql(VERSIONED, id, versions));
  return decided(result.rows[0], () => true as const);
}
