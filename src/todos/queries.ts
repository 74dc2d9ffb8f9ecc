import { and, asc, desc, eq, sql, type AnyColumn, type Placeholder, type SQL } from 'drizzle-orm';
import { runBatch } from '../db/batch.ts';
import type { Drizzle } from '../db/client.ts';
import { compiledQuery } from '../db/compiled.ts';
import { rowsStatementSql, type RowsStatement } from '../db/rows-statement.ts';
import { todoGroupLockedSql, todoPlacementSql, type Placement } from '../db/placement.ts';
import { todos } from '../db/schema.ts';
import { executeKeyed, type KeyedOutcome } from '../idempotency/statement.ts';
import type { Cursor as AnyCursor } from '../lib/cursor.ts';
import { jsonOf } from '../lib/fields.ts';
import { todoFields, type TodoId } from './fields.ts';
import { IMPORTED, type ImportedRows } from './import-rows.ts';
import type { Listing } from './listing.ts';
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

/** What a create writes beside its id (the fields an import reads, in their order): the create's request. */
const CREATED = IMPORTED.read;

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

/** `todos (id, <created fields>, request_hash)`: a create with the client's id (and the position, when the server places it). */
const intoWithId = (placed = false) =>
  sql`${todos} (id, ${sql.join(
    CREATED.map(({ name }) => sql.identifier(columnOf(name).name)),
    sql`, `,
  )}, request_hash${placed ? sql`, position` : sql``})`;

/** What a create stores for each created field it leaves out: the field's default. */
const CREATED_DEFAULTS: Record<string, unknown> = Object.fromEntries(
  CREATED.map(({ name, input }) => [name, input.default ?? null]),
);

/** A create's values, typed for the statement (parameters of a jsonb_build_object need their types). */
const valueOf = (todo: NewTodo) => (name: string, type: string) =>
  sql`${(todo as Record<string, unknown>)[name] ?? CREATED_DEFAULTS[name]}::${sql.raw(type)}`;

/**
 * Where a create asked the server to place the new todo (`id`: its id, when
 * the client chose one): the value of its position column. The group is the
 * one the create names: its parent's subtasks, or its list's (the default list
 * when it names none) top-level todos.
 */
const createdPlacement = (todo: NewTodo, placement: Placement, id: TodoId | null) =>
  todoPlacementSql(placement, { list: todo.listId ?? null, parent: todo.parentId ?? null, moving: id });

/**
 * A create of one todo with the id the client chose; a taken id does nothing (the caller then finds out why).
 * The placement, if any, is not part of the request's hash: a retry placed elsewhere replays the todo as created.
 */
function insertWithId(id: TodoId, todo: NewTodo, placement?: Placement): RowsStatement {
  const value = valueOf(todo);
  return {
    insertInto: intoWithId(placement !== undefined),
    select: sql`${id}::uuid, ${sql.join(
      CREATED.map(({ name, input }) => value(name, input.array.type)),
      sql`, `,
    )}, ${requestHashOf(value)}${placement ? sql`, ${createdPlacement(todo, placement, id)}` : sql``}`,
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
  placement?: Placement,
): Promise<{ todo: Todo; replayed: boolean }> {
  const [, [row]] = (await runBatch(db, [
    rowsStatementSql(insertWithId(id, todo, placement)),
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
  { key, hash, id, todo, placement }: { key: string; hash: string; id?: TodoId; todo: NewTodo; placement?: Placement },
): Promise<KeyedOutcome> {
  if (id !== undefined) {
    const same = sql`select ${todoJson} from ${todos} where ${todos.id} = ${id}::uuid and ${todos.requestHash} = ${requestHashOf(valueOf(todo))}`;
    return executeKeyed(db, {
      scope: 'todos.create',
      key,
      hash,
      effect: insertWithId(id, todo, placement),
      response: sql`select coalesce((select todo from effect), (${same}), app_ids_taken(1)::text)`,
    });
  }
  const values: Record<string, unknown> = placement
    ? { ...todo, position: createdPlacement(todo, placement, null) }
    : todo;
  const names = givenFields(values);
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
      insertInto: intoWithId(),
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

/** A written position's value when the server places the item: from the placeholders below (and the statement's). */
const PLACEMENT_PLACEHOLDERS = { anchor: placeholder('placeAnchor'), before: placeholder('placeBefore') };
const placementValues = (placement: Placement | undefined) =>
  placement ? { placeAnchor: placement.anchor, placeBefore: placement.before } : {};

/** Which columns a statement writes: the fields given, and whether the server places the todo. */
interface WriteShape {
  names: string[];
  placed: boolean;
}
const writeShapeKey = ({ names, placed }: WriteShape) => `${names.join()}${placed ? ';placed' : ''}`;

const insertQuery = compiledQuery<WriteShape, { todo: string }>(
  selection,
  (db, { names, placed }) =>
    db
      .insert(todos)
      .values({
        ...placeholders(names),
        ...(placed
          ? {
              position: todoPlacementSql(PLACEMENT_PLACEHOLDERS, {
                list: placeholder('placeList'),
                parent: placeholder('placeParent'),
                moving: null,
              }),
            }
          : {}),
      } as unknown as typeof todos.$inferInsert)
      .returning(selection),
  writeShapeKey,
);

const insertArguments = (todo: NewTodo, placement?: Placement) =>
  [
    { names: givenFields(todo), placed: placement !== undefined },
    { ...todo, ...placementValues(placement), placeList: todo.listId ?? null, placeParent: todo.parentId ?? null },
  ] as const;

export async function insertTodo(db: Drizzle, todo: NewTodo, placement?: Placement): Promise<Todo> {
  const [row] = todosOf(await insertQuery.run(db, ...insertArguments(todo, placement)));
  return row!;
}

/** The create's SQL and parameters (the benchmark's control Worker sends it through the driver alone). */
export const insertTodoSql = (todo: NewTodo, placement?: Placement) =>
  insertQuery.sql(...insertArguments(todo, placement));

/** A position in the listing. */
type Cursor = AnyCursor<TodoId>;

/** Which rows a listing reads (see listing.ts): each scope is one range of one index. */
type Scope = 'all' | 'list' | 'parent' | 'parentInList' | 'subtasks';

/** Which parts of the listing's SQL a request needs; each shape is its own compiled text. */
interface ListShape {
  scope: Scope;
  done: boolean;
  dueBefore: boolean;
  dueAfter: boolean;
  paged: boolean;
  oldestFirst: boolean;
}

/** The scope's condition: the list and the level, which with the owner bound todos_owner_list_parent_position_idx. */
const SCOPES: Record<Scope, () => SQL | undefined> = {
  all: () => undefined,
  list: () => sql`${todos.listId} = ${placeholder('listId')}::uuid and ${todos.parentId} is null`,
  // The parent's list, by its key: the subtasks are then one range of the list index (row-level security hides
  // another owner's parent, so its list is null and nothing matches).
  parent: () =>
    sql`${todos.listId} = (select parent.list_id from ${todos} as parent where parent.id = ${placeholder('parentId')}::uuid) and ${todos.parentId} = ${placeholder('parentId')}::uuid`,
  parentInList: () =>
    sql`${todos.listId} = ${placeholder('listId')}::uuid and ${todos.parentId} = ${placeholder('parentId')}::uuid`,
  subtasks: () => sql`${todos.listId} = ${placeholder('listId')}::uuid and ${todos.parentId} is not null`,
};

const listQuery = compiledQuery<ListShape, { todo: string }>(
  selection,
  (db, { scope, done, dueBefore, dueAfter, paged, oldestFirst }) => {
    const created = scope === 'all';
    // Positions compare as text in the column's collation ("C"), never as the domain: a cursor's key is not checked again.
    const after = !paged
      ? undefined
      : created
        ? sql`(${todos.createdAt}, ${todos.id}) ${sql.raw(oldestFirst ? '>' : '<')} (${placeholder('afterCreatedAt')}::timestamptz, ${placeholder('afterId')}::uuid)`
        : scope === 'subtasks'
          ? sql`(${todos.parentId}, ${todos.position}, ${todos.id}) > (${placeholder('afterGroup')}::uuid, ${placeholder('afterPosition')}::text, ${placeholder('afterId')}::uuid)`
          : sql`(${todos.position}, ${todos.id}) > (${placeholder('afterPosition')}::text, ${placeholder('afterId')}::uuid)`;
    const order = oldestFirst ? asc : desc;
    return db
      .select(selection)
      .from(todos)
      .where(
        and(
          SCOPES[scope](),
          done ? eq(todos.done, placeholder('done')) : undefined,
          // Instants, as the stored due_at: a date is the start of its day in UTC (docs/api.md, "Listing todos").
          dueBefore ? sql`${todos.dueAt} < app_due_instant(${placeholder('dueBefore')}::text)` : undefined,
          dueAfter ? sql`${todos.dueAt} >= app_due_instant(${placeholder('dueAfter')}::text)` : undefined,
          after,
        ),
      )
      .orderBy(
        ...(created
          ? [order(todos.createdAt), order(todos.id)]
          : // parent_id first, as the index has it: the planner knows a top-level range's parent_id only as
            // IS NULL, not as one value, so (position, id) alone would not be the index's order there.
            [sql`${todos.parentId} asc nulls first`, asc(todos.position), asc(todos.id)]),
      )
      .limit(placeholder('limit'));
  },
  (shape) => `${shape.scope}${+shape.done}${+shape.dueBefore}${+shape.dueAfter}${+shape.paged}${+shape.oldestFirst}`,
);

export interface ListOptions {
  /** Which todos, in which order; every todo newest first when absent. */
  listing?: Listing;
  done?: boolean;
  /** Due strictly before this due's instant (a date or a date-time, as the field takes it). */
  dueBefore?: string;
  /** Due at or after this due's instant. */
  dueAfter?: string;
  limit: number;
  /** A cursor of the listing's order (listingOf checks it). */
  after?: Cursor;
  /** For every todo (no listId or parentId): oldest first, as the export reads them. */
  oldestFirst?: boolean;
}

const scopeOf = (listing: Listing): Scope => {
  if (listing.order === 'created') return 'all';
  if (listing.order === 'grouped') return 'subtasks';
  if (listing.parentId === undefined) return 'list';
  return listing.listId === undefined ? 'parent' : 'parentInList';
};

const listArguments = ({
  listing = { order: 'created' },
  done,
  dueBefore,
  dueAfter,
  limit,
  after,
  oldestFirst = false,
}: ListOptions) => {
  const cursor = (after ?? {}) as Partial<{ createdAt: string; position: string; group: string; id: TodoId }>;
  return [
    {
      scope: scopeOf(listing),
      done: done !== undefined,
      dueBefore: dueBefore !== undefined,
      dueAfter: dueAfter !== undefined,
      paged: after !== undefined,
      oldestFirst: listing.order === 'created' && oldestFirst,
    },
    {
      listId: 'listId' in listing ? listing.listId : undefined,
      parentId: 'parentId' in listing ? listing.parentId : undefined,
      done,
      dueBefore,
      dueAfter,
      // One extra row tells whether another page follows.
      limit: limit + 1,
      afterCreatedAt: cursor.createdAt,
      afterPosition: cursor.position,
      afterGroup: cursor.group,
      afterId: cursor.id,
    },
  ] as const;
};

/**
 * One page of the listing, plus one extra row that tells whether another
 * page follows, each todo as its JSON text (a page goes out as it is,
 * without a parse and a re-serialisation per todo). Each listing reads one
 * range of one index, forwards (or, newest first, backwards).
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

/**
 * The group a patched todo is placed in: its new list or parent when the
 * patch gives them (`value(name)`: the patch's value), else its own.
 */
const patchedGroup = (names: string[], value: (name: string) => SQL | Placeholder | string | null) => ({
  list: names.includes('listId') ? value('listId') : todos.listId,
  parent: names.includes('parentId') ? value('parentId') : todos.parentId,
});

const updateQuery = compiledQuery<WriteShape, { todo: string }>(
  selection,
  (db, { names, placed }) =>
    db
      .update(todos)
      // The version, updatedAt and the feed position move by the trigger on todos (migration 0009).
      .set({
        ...placeholders(names),
        ...(placed
          ? {
              position: todoPlacementSql(PLACEMENT_PLACEHOLDERS, {
                ...patchedGroup(names, placeholder),
                moving: todos.id,
              }),
            }
          : {}),
      })
      .where(eq(todos.id, placeholder('id')))
      .returning(selection),
  writeShapeKey,
);

/** Applies a patch (any of the patchable fields), and places the todo where `placement` says. */
export async function updateTodo(
  db: Drizzle,
  id: TodoId,
  patch: TodoPatch,
  placement?: Placement,
): Promise<Todo | undefined> {
  const [row] = todosOf(
    await updateQuery.run(
      db,
      { names: givenFields(patch), placed: placement !== undefined },
      { ...patch, ...placementValues(placement), id },
    ),
  );
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
const lockedCurrent = (id: TodoId, lockFirst: SQL = sql`true`) =>
  sql`current as (select ${todos.id} as id, ${todos.version} as version, ${todoJson} as todo from ${todos} where ${todos.id} = ${id} and ${lockFirst} for update)`;

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
  placement?: Placement,
): Promise<Conditional<Todo>> {
  const values = patch as Record<string, unknown>;
  const names = givenFields(values);
  const sets = names.map((name) => sql`${sql.identifier(columnOf(name).name)} = ${values[name]}`);
  // The group's placement lock before the row's lock (src/db/placement.ts says why).
  const group = patchedGroup(names, (name) => values[name] as string | null);
  if (placement) sets.push(sql`position = ${todoPlacementSql(placement, { ...group, moving: todos.id })}`);
  const result = await db.execute<Decided>(sql`
    with ${lockedCurrent(id, placement ? todoGroupLockedSql(group) : undefined)},
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
