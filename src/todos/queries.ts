import { and, asc, desc, eq, sql, type AnyColumn, type SQL } from 'drizzle-orm';
import { runBatch } from '../db/batch.ts';
import type { Drizzle } from '../db/client.ts';
import { compiledQuery } from '../db/compiled.ts';
import { rowsStatementSql, type RowsStatement } from '../db/rows-statement.ts';
import { lists, todos } from '../db/schema.ts';
import { executeKeyed, type KeyedOutcome } from '../idempotency/statement.ts';
import type { Cursor as AnyCursor } from '../lib/cursor.ts';
import { importableOf, jsonOf } from '../lib/fields.ts';
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

/** `todos (column, ...)` for these fields. */
const intoColumns = (names: string[]) =>
  sql`${todos} (${sql.join(
    names.map((name) => sql.identifier(columnOf(name).name)),
    sql`, `,
  )})`;

/** What a create writes beside its id (the writable fields every create has a value for, in their order): the create's request. */
const CREATED = importableOf(todoFields).read;

/**
 * What a create with a client-chosen id asked for, hashed by the database
 * (app_request_hash, migration 0010), `value(name, type)` naming each created
 * field's value: the same for POST /todos and an import, so either may replay the other.
 */
const requestHashOf = (value: (name: string, type: string) => SQL | AnyColumn) =>
  sql`app_request_hash(jsonb_build_object(${sql.join(
    CREATED.map(({ name, input }) => sql`${sql.raw(`'${name}'`)}, ${value(name, input.array.type)}`),
    sql`, `,
  )}))`;

/** `todos (id, <created fields>, request_hash)`: a create with the client's id. */
const intoWithId = sql`${todos} (id, ${sql.join(
  CREATED.map(({ name }) => sql.identifier(columnOf(name).name)),
  sql`, `,
)}, request_hash)`;

/** A create's values, typed for the statement (parameters of a jsonb_build_object need their types). */
const valueOf = (todo: NewTodo) => (name: string, type: string) =>
  sql`${(todo as Record<string, unknown>)[name]}::${sql.raw(type)}`;

/** A create of one todo with the id the client chose; a taken id does nothing (the caller then finds out why). */
function insertWithId(id: TodoId, todo: NewTodo): RowsStatement {
  const value = valueOf(todo);
  return {
    insertInto: intoWithId,
    select: sql`${id}::uuid, ${sql.join(
      CREATED.map(({ name, input }) => value(name, input.array.type)),
      sql`, `,
    )}, ${requestHashOf(value)}`,
    onConflict: sql`(id) do nothing`,
    returning: sql`${todoJson} as todo`,
  };
}

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
  id: TodoId,
  todo: NewTodo,
): Promise<{ todo: Todo; replayed: boolean }> {
  const [, [row]] = (await runBatch(db, [
    rowsStatementSql(insertWithId(id, todo)),
    sql`select mine.todo, mine.created from (select 1) as one left join (
          select ${todoJson} as todo, ${todos}.xmin = pg_current_xact_id()::xid as created,
            ${todos.requestHash} = ${requestHashOf(valueOf(todo))} as same
          from ${todos} where ${todos.id} = ${id}::uuid) as mine on true
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
  { key, hash, id, todo }: { key: string; hash: string; id?: TodoId; todo: NewTodo },
): Promise<KeyedOutcome> {
  if (id !== undefined) {
    const same = sql`select ${todoJson} from ${todos} where ${todos.id} = ${id}::uuid and ${todos.requestHash} = ${requestHashOf(valueOf(todo))}`;
    return executeKeyed(db, {
      scope: 'todos.create',
      key,
      hash,
      effect: insertWithId(id, todo),
      response: sql`select coalesce((select todo from effect), (${same}), app_ids_taken(1)::text)`,
    });
  }
  const names = givenFields(todo);
  const values = todo as Record<string, unknown>;
  return executeKeyed(db, {
    scope: 'todos.create',
    key,
    hash,
    effect: {
      insertInto: intoColumns(names),
      select: sql.join(
        names.map((name) => sql`${values[name]}`),
        sql`, `,
      ),
      returning: sql`${todoJson} as todo`,
    },
    response: sql`select todo from effect`,
  });
}

/** How an import names its rows: from the client's first id (its first 24 hex digits, and its last 32 bits as a number), or not. */
export interface ImportIds {
  prefix: string;
  firstLow: number;
}

/** The list an import writes into: the one named, or the caller's default list. */
const importList = (listId: string | undefined) =>
  listId === undefined ? sql`app_default_list_id(current_setting('app.user_id', true))` : sql`${listId}::uuid`;

/**
 * An import's statement in parts: its rows (an array literal per field read,
 * and the int[] of each row's parent row, whatever the row count), the insert
 * in file order, and the answer. Each row's id is made in the statement,
 * never sent: from `ids`, row n (1-based) gets the client's first id + n - 1
 * in the last 32 bits; otherwise a version 7 UUID with the statement's time
 * and n, so the ids increase in file order. A subtask's parent is the id made
 * for its parent row.
 *
 * Places, in file order: the top-level rows after the list's last top-level
 * todo (its key, then the row's app_key_nth and a digit that ends the key: the
 * app_key_nth keys are none a prefix of another, so these keys keep their
 * order and all sort after that key), or 'a0', 'a1', ... in an empty list; a
 * subtask app_key_nth of its row among its parent's subtasks, all new. The
 * end, not the top: a file sent in chunks (npm run import) keeps its order.
 *
 * With the client's ids a row may be in already: the caller's own, created
 * with the same values, counts as replayed. The answer is `{"inserted",
 * "replayed", "listFound"}`, and any other taken id raises ID409 (a 409) for
 * the whole import: nothing is written. A list the caller cannot see fails
 * the insert's foreign key (todos_list_fk); with no rows, `listFound` says so.
 */
function importStatement({ literals, count, parentRows }: ImportedRows, ids: ImportIds | undefined, listId?: string) {
  const read = IMPORTED.read;
  const aliases = read.map((_, i) => sql.raw(`f${i}`));
  const list = importList(listId);
  /** Where `placed` has the value of the created field `name`. */
  const valueIn = (name: string) =>
    ({ parentId: sql`parent_id`, listId: sql`list_id`, position: sql`position` })[name] ??
    aliases[read.findIndex((f) => f.name === name)]!;
  const placedValue = (name: string) => sql`placed.${valueIn(name)}`;
  const written = [
    ...CREATED.map(({ name }) => name),
    ...['listId', 'position'].filter((name) => !CREATED.some((f) => f.name === name)),
  ];
  const id = ids
    ? sql`(${ids.prefix} || lpad(to_hex(${ids.firstLow}::bigint + n - 1), 8, '0'))::uuid`
    : sql`app_uuidv7(statement_timestamp(), n)`;
  const replayed = ids
    ? sql`(select count(*) from placed join ${todos} using (id) where ${todos.requestHash} = ${requestHashOf(placedValue)})`
    : sql`0`;
  const nth = sql`app_key_nth(r.n - 1)`;
  return {
    with: sql`rows as materialized (select ${id} as id, ${sql.join(aliases, sql`, `)}, parent_row, n from unnest(${sql.join(
      read.map(({ name, input }) => sql`${literals[name]}::${sql.raw(input.array.type)}[]`),
      sql`, `,
    )}, ${parentRows}::int[]) with ordinality as r(${sql.join(aliases, sql`, `)}, parent_row, n)),
    list_end as (select case when max(${todos.position}) is not null then app_key_between(max(${todos.position}), null) end as key
      from ${todos} where ${todos.listId} = ${list} and ${todos.parentId} is null),
    placed as materialized (select r.*, parent.id as parent_id, ${list} as list_id,
      case when r.parent_row is not null then ${nth} else coalesce(list_end.key || ${nth} || 'V', ${nth}) end as position
      from rows r left join rows parent on parent.n = r.parent_row cross join list_end)`,
    effect: {
      insertInto: sql`${todos} (id, ${sql.join(
        written.map((name) => sql.identifier(columnOf(name).name)),
        sql`, `,
      )}, request_hash)`,
      select: sql`id, ${sql.join(written.map(placedValue), sql`, `)}, ${ids ? requestHashOf(placedValue) : sql`null::bytea`}`,
      from: sql`placed`,
      orderBy: sql`n`,
      onConflict: sql`(id) do nothing`,
      returning: sql`1`,
    } satisfies RowsStatement,
    response: sql`select json_build_object('inserted', inserted, 'replayed', replayed, 'listFound', list_found)::text
      from (select (select count(*) from effect) as inserted, ${replayed} as replayed,
              (${list} = app_default_list_id(current_setting('app.user_id', true)) or exists (select from ${lists} where ${lists.id} = ${list})) as list_found) as outcome
      where case when inserted + replayed = ${count} then true else app_ids_taken(${count} - inserted - replayed) end`,
  };
}

/** The outcome of an import: what the API answers, and whether the list named exists. */
export interface ImportOutcome {
  inserted: number;
  replayed: number;
  /** Absent from answers stored before imports named lists. */
  listFound?: boolean;
}

/** Imports rows all or nothing, in ONE statement, into `listId` (or the default list). */
export async function insertTodos(
  db: Drizzle,
  rows: ImportedRows,
  ids?: ImportIds,
  listId?: string,
): Promise<ImportOutcome> {
  const { with: shared, effect, response } = importStatement(rows, ids, listId);
  const result = await db.execute<{ outcome: string }>(
    sql`with ${shared}, effect as (${rowsStatementSql(effect)}) select (${response}) as outcome`,
  );
  return JSON.parse(result.rows[0]!.outcome) as ImportOutcome;
}

/** Imports rows under an idempotency key, in one round trip; the stored response is `{"inserted", "replayed"}`. */
export function insertTodosOnce(
  db: Drizzle,
  { key, hash, ids, listId, ...rows }: { key: string; hash: string; ids?: ImportIds; listId?: string } & ImportedRows,
): Promise<KeyedOutcome> {
  return executeKeyed(db, { scope: 'todos.import', key, hash, ...importStatement(rows, ids, listId) });
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
const lockedCurrent = (id: TodoId) =>
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
  id: TodoId,
  patch: TodoPatch,
  versions: number[],
): Promise<Conditional<Todo>> {
  const values = patch as Record<string, unknown>;
  const sets = givenFields(values).map((name) => sql`${sql.identifier(columnOf(name).name)} = ${values[name]}`);
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
export async function deleteTodo(db: Drizzle, id: TodoId, versions?: number[]): Promise<Conditional<true>> {
  const result = await db.execute<Decided>(sql`
    with ${lockedCurrent(id)},
    written as (
      delete from ${todos} using current where ${todos.id} = current.id and ${versionIn(versions)}
      returning ${todos.id} as id)
    select current.todo as current, (select id::text from written) as written from current`);
  return decided(result.rows[0], () => true as const);
}
