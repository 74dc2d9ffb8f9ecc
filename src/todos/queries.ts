import { and, asc, desc, eq, sql, type AnyColumn, type SQL } from 'drizzle-orm';
import { runBatch } from '../db/batch.ts';
import type { Drizzle } from '../db/client.ts';
import { compiledQuery } from '../db/compiled.ts';
import { rowsStatementSql, type RowsStatement } from '../db/rows-statement.ts';
import { todoGroupLockedSql, todoPlacementSql, type Placement, type PlacementValues } from '../db/placement.ts';
import { lists, todos } from '../db/schema.ts';
import { executeKeyed, type KeyedOutcome } from '../idempotency/statement.ts';
import type { Cursor as AnyCursor } from '../lib/cursor.ts';
import { importableOf, jsonOf, type Fields } from '../lib/fields.ts';
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

/** `todos (column, ...)` for these fields (or other columns of `todos`, by their keys). */
const intoColumns = (names: string[]) =>
  sql`${todos} (${sql.join(
    names.map((name) => sql.identifier(columnOf(name).name)),
    sql`, `,
  )})`;

/** Every field a create may give, in the declaration's order. */
const CREATABLE = Object.entries(todoFields as Fields).flatMap(([name, f]) =>
  f.input ? [{ name, input: f.input }] : [],
);

/** The SQL type of a field's values, for casts. */
const sqlTypeOf = (name: string) => sql.raw(CREATABLE.find((f) => f.name === name)!.input.array.type);

/** A field's value in a statement, typed (so it can stand anywhere: in a comparison, in jsonb_build_object). */
type ValueOf = (name: string) => SQL;

/** Each value of `values` as a typed parameter; an absent one as a typed null. */
const valueOf =
  (values: Record<string, unknown>): ValueOf =>
  (name) =>
    values[name] === undefined ? sql`null::${sqlTypeOf(name)}` : sql`${values[name]}::${sqlTypeOf(name)}`;

/** Each value as the compiled statement's placeholder of the same name, typed. */
const placeholderOf: ValueOf = (name) => sql`${sql.placeholder(name)}::${sqlTypeOf(name)}`;

/** The caller's default list (what the trigger todos_list gives a todo written without a list). */
const DEFAULT_LIST = sql`app_default_list_id(current_setting('app.user_id', true))`;

/** The list of the todo `parent` names (invisible, another owner's, or none: `otherwise`). */
const parentListOr = (parent: SQL, otherwise: SQL | AnyColumn) =>
  sql`coalesce((select parent.list_id from ${todos} as parent where parent.id = ${parent}), ${otherwise})`;

/**
 * Which columns a create writes: the fields it gives, whether a subtask's list
 * is its parent's, and whether the server places it (`after`/`before`).
 */
interface CreateShape {
  names: string[];
  parentList: boolean;
  placed: boolean;
}

const createShape = (todo: NewTodo, placement?: Placement): CreateShape => ({
  names: givenFields(todo),
  // A subtask whose create names no list goes to its parent's (the foreign key keeps them together either way).
  parentList: todo.parentId != null && todo.listId === undefined,
  placed: placement !== undefined,
});

const createShapeKey = ({ names, parentList, placed }: CreateShape) =>
  `${names.join()}${parentList ? ' in the parent list' : ''}${placed ? ' placed' : ''}`;

/** A placement's values in a statement: `placeholders`, a compiled statement's (placeAnchor, placeBefore). */
const PLACEMENT_PLACEHOLDERS = { anchor: sql.placeholder('placeAnchor'), before: sql.placeholder('placeBefore') };
const placementValues = (placement: Placement | undefined) =>
  placement ? { placeAnchor: placement.anchor, placeBefore: placement.before } : {};

/**
 * A create's columns (by field name) and their values; the others take their
 * defaults (the list: the caller's default list). When the server places it,
 * its position comes from `placement` in the group the create names (its
 * parent's subtasks, or its list's top-level todos); `id`: its id, when the client chose one.
 */
function createdColumns(
  { names, parentList, placed }: CreateShape,
  value: ValueOf,
  placement: PlacementValues = PLACEMENT_PLACEHOLDERS,
  id: SQL | null = null,
): [string, SQL][] {
  const columns = names.map((name): [string, SQL] => [name, value(name)]);
  const list = parentList
    ? parentListOr(value('parentId'), DEFAULT_LIST)
    : names.includes('listId')
      ? value('listId')
      : null;
  if (parentList) columns.push(['listId', list!]);
  if (placed) {
    const parent = names.includes('parentId') ? value('parentId') : null;
    columns.push(['position', todoPlacementSql(placement, { list, parent, moving: id })]);
  }
  return columns;
}

/**
 * What a patch's columns (by field name) are set to. A todo that changes list
 * or parent without a `position` goes to the top of its new sibling group (a
 * null position: the database places it, app_place_unplaced); one that names
 * a parent and no list goes to its parent's list. A list's change moves the
 * subtasks with it (todos_parent_fk, ON UPDATE CASCADE).
 */
function patchedColumns(names: string[], value: ValueOf, placement?: PlacementValues): [string, SQL][] {
  const columns = names.map((name): [string, SQL] => [name, value(name)]);
  const { list, parent, moved } = patchedGroup(names, value);
  if (names.includes('parentId') && !names.includes('listId')) columns.push(['listId', list]);
  // The server places it where the patch asks (src/db/placement.ts), in its new group.
  if (placement) columns.push(['position', todoPlacementSql(placement, { list, parent, moving: todos.id })]);
  else if (moved && !names.includes('position'))
    columns.push([
      'position',
      sql`case when ${todos.listId} = ${list} and ${todos.parentId} is not distinct from ${parent} then ${todos.position} end`,
    ]);
  return columns;
}

/**
 * The sibling group a patched todo ends in: its new list (given, or its new
 * parent's) and parent, or its own; `moved` when the patch names either.
 */
function patchedGroup(names: string[], value: ValueOf) {
  const given = (name: string) => names.includes(name);
  const list = given('listId')
    ? value('listId')
    : given('parentId')
      ? parentListOr(value('parentId'), todos.listId)
      : sql`${todos.listId}`;
  const parent = given('parentId') ? value('parentId') : sql`${todos.parentId}`;
  return { list, parent, moved: given('listId') || given('parentId') };
}

/** The column list of an insert of these columns (by field name) and their values, as `insertInto` and `select` take them. */
const insertParts = (columns: [string, SQL][]) => ({
  names: columns.map(([name]) => name),
  values: sql.join(
    columns.map(([, value]) => value),
    sql`, `,
  ),
});

/** What a create writes beside its id (the writable fields every create has a value for, in their order): the create's request. */
const CREATED = importableOf(todoFields).read;

/**
 * What a create with a client-chosen id asked for, hashed by the database
 * (app_request_hash, migration 0010), `value(name)` naming each creatable
 * field's value: the same for POST /todos and an import, so either may replay
 * the other. Null values, and the caller's default list, are left out: a
 * request that does not give a field hashes as it did before the field
 * existed, so a client's retry of a create it first sent then still replays.
 */
const requestHashOf = (value: ValueOf) =>
  sql`app_request_hash(jsonb_strip_nulls(jsonb_build_object(${sql.join(
    CREATABLE.map(
      ({ name }) =>
        sql`${sql.raw(`'${name}'`)}, ${name === 'listId' ? sql`nullif(${value(name)}, ${DEFAULT_LIST})` : value(name)}`,
    ),
    sql`, `,
  )})))`;

/**
 * A create of one todo with the id the client chose; a taken id does nothing (the caller then finds out why).
 * The placement, if any, is not part of the request's hash: a retry placed elsewhere replays the todo as created.
 */
function insertWithId(id: TodoId, todo: NewTodo, placement?: Placement): RowsStatement {
  const value = valueOf(todo);
  const { names, values } = insertParts(
    createdColumns(createShape(todo, placement), value, placement, sql`${id}::uuid`),
  );
  return {
    insertInto: intoColumns(['id', ...names, 'requestHash']),
    select: sql`${id}::uuid, ${values}, ${requestHashOf(value)}`,
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
  const { names, values } = insertParts(createdColumns(createShape(todo, placement), valueOf(todo), placement));
  return executeKeyed(db, {
    scope: 'todos.create',
    key,
    hash,
    effect: { insertInto: intoColumns(names), select: values, returning: sql`${todoJson} as todo` },
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
  // The request's fields, typed; a row's place is the server's, not part of it (as for POST /todos without one).
  const hashedValue: ValueOf = (name) =>
    name === 'position' ? sql`null::text` : sql`${placedValue(name)}::${sqlTypeOf(name)}`;
  const written = [
    ...CREATED.map(({ name }) => name),
    ...['listId', 'position'].filter((name) => !CREATED.some((f) => f.name === name)),
  ];
  const id = ids
    ? sql`(${ids.prefix} || lpad(to_hex(${ids.firstLow}::bigint + n - 1), 8, '0'))::uuid`
    : sql`app_uuidv7(statement_timestamp(), n)`;
  const replayed = ids
    ? sql`(select count(*) from placed join ${todos} using (id) where ${todos.requestHash} = ${requestHashOf(hashedValue)})`
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
      select: sql`id, ${sql.join(written.map(placedValue), sql`, `)}, ${ids ? requestHashOf(hashedValue) : sql`null::bytea`}`,
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

const insertQuery = compiledQuery<CreateShape, { todo: string }>(
  selection,
  (db, shape) =>
    db
      .insert(todos)
      .values(Object.fromEntries(createdColumns(shape, placeholderOf)) as unknown as typeof todos.$inferInsert)
      .returning(selection),
  createShapeKey,
);

export async function insertTodo(db: Drizzle, todo: NewTodo, placement?: Placement): Promise<Todo> {
  const [row] = todosOf(
    await insertQuery.run(db, createShape(todo, placement), { ...todo, ...placementValues(placement) }),
  );
  return row!;
}

/** The create's SQL and parameters (the benchmark's control Worker sends it through the driver alone). */
export const insertTodoSql = (todo: NewTodo) => insertQuery.sql(createShape(todo), todo);

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

/** Which columns a patch writes: the fields it gives, and whether the server places the todo. */
interface PatchShape {
  names: string[];
  placed: boolean;
}

const updateQuery = compiledQuery<PatchShape, { todo: string }>(
  selection,
  (db, { names, placed }) =>
    db
      .update(todos)
      // The version, updatedAt and the feed position move by the trigger on todos (migration 0009).
      .set(Object.fromEntries(patchedColumns(names, placeholderOf, placed ? PLACEMENT_PLACEHOLDERS : undefined)))
      .where(eq(todos.id, placeholder('id')))
      .returning(selection),
  ({ names, placed }) => `${names.join()}${placed ? ' placed' : ''}`,
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
  const sets = patchedColumns(names, valueOf(values), placement).map(
    ([name, value]) => sql`${sql.identifier(columnOf(name).name)} = ${value}`,
  );
  // The group's placement lock before the row's lock (src/db/placement.ts says why).
  const group = patchedGroup(names, valueOf(values));
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
