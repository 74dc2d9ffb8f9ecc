import { sql, type SQL } from 'drizzle-orm';
import { runBatch } from '../db/batch.ts';
import type { Drizzle } from '../db/client.ts';
import {
  decided,
  deleteIfMatchSql,
  updateIfMatchSql,
  type Conditional,
  type Decided,
  type VersionedTable,
} from '../db/conditional-writes.ts';
import {
  insertOnce,
  insertWithChosenId,
  insertWithChosenIdOnce,
  parametersOf,
  type ChosenIdTable,
  type ValueOf,
} from '../db/creates.ts';
import { LIST_GROUP_LOCKED_SQL, listPlacementSql, type Placement } from '../db/placement.ts';
import { lists } from '../db/schema.ts';
import type { KeyedOutcome } from '../idempotency/statement.ts';
import { jsonOf } from '../lib/fields.ts';
import type { PositionCursor } from '../lib/position-cursor.ts';
import { ensureDefaultList, mayBeDefaultListId, unwrittenDefaultList } from './default-list.ts';
import { listFields } from './fields.ts';
import type { List, ListPatch, NewList } from './schemas.ts';

/** The field named `name`'s column of `lists`. */
const columnOf = (name: string) => lists[name as keyof typeof listFields];

/** A list as JSON text, from `lists` (in RETURNING: the row as written): the one way a list becomes JSON. */
const listJson = jsonOf(listFields, columnOf);

/** A list's JSON text, as Postgres wrote it. */
export type ListJson = string & { readonly json: 'List' };

/** The fields a client writes, in the declaration's order. */
const WRITABLE = Object.entries(listFields).flatMap(([name, f]) => ('input' in f ? [{ name, input: f.input }] : []));

/** The fields given in `values` (a create's or a patch's), as `column: value`. */
const givenColumns = (values: Record<string, unknown>) =>
  Object.fromEntries(
    WRITABLE.filter(({ name }) => values[name] !== undefined).map(({ name }) => [columnOf(name).name, values[name]]),
  );

/**
 * Lists as a table of client-chosen ids: a create's request is every writable
 * field, an absent position included (null: the database places the list).
 */
const CHOSEN: ChosenIdTable = {
  table: lists,
  created: WRITABLE.map(({ name, input }) => ({ name, column: columnOf(name).name, type: input.array.type })),
  json: listJson,
};

const VERSIONED: VersionedTable = { table: lists, json: listJson };

const parsed = (json: string) => JSON.parse(json) as List;

/**
 * A create's columns: the fields given, and where the server places it
 * (src/db/placement.ts) when the create asks for a neighbour. Any insert into
 * lists writes the caller's default list first (lists_default_list, a
 * statement trigger: before this position is computed), so it may be the neighbour.
 */
const createdColumns = (list: NewList, placement: Placement | undefined) =>
  placement ? { ...givenColumns(list), position: listPlacementSql(placement, null) } : givenColumns(list);

/** A create with a client-chosen id's inserted values: the request's, but the position where `placement` says. */
const placedValue = (id: string, value: ValueOf, placement: Placement | undefined): ValueOf =>
  placement
    ? (name, type) => (name === 'position' ? listPlacementSql(placement, sql`${id}::uuid`) : value(name, type))
    : value;

/** Creates a list; without a position or a placement, the database puts it at the end of the owner's lists. */
export async function insertList(db: Drizzle, list: NewList, placement?: Placement): Promise<List> {
  const values = createdColumns(list, placement);
  const result = await db.execute<{ json: string }>(sql`
    insert into ${lists} (${sql.join(
      Object.keys(values).map((column) => sql.identifier(column)),
      sql`, `,
    )}) values (${sql.join(
      Object.values(values).map((value) => sql`${value}`),
      sql`, `,
    )}) returning ${listJson} as json`);
  return parsed(result.rows[0]!.json);
}

/** Creates a list with the id the client chose, in ONE round trip (insertWithChosenId: a replay, or ID409). */
export async function insertListWithId(
  db: Drizzle,
  id: string,
  list: NewList,
  placement?: Placement,
): Promise<{ list: List; replayed: boolean }> {
  const value = parametersOf(list);
  const made = await insertWithChosenId(db, CHOSEN, id, value, placedValue(id, value, placement));
  return { list: parsed(made.json), replayed: made.replayed };
}

/** Creates a list under an idempotency key, with or without a client-chosen id, in one round trip. */
export function insertListOnce(
  db: Drizzle,
  { key, hash, id, list, placement }: { key: string; hash: string; id?: string; list: NewList; placement?: Placement },
): Promise<KeyedOutcome> {
  const scope = 'lists.create';
  if (id !== undefined) {
    const value = parametersOf(list);
    const written = placedValue(id, value, placement);
    return insertWithChosenIdOnce(db, CHOSEN, { scope, key, hash, id, value, written });
  }
  return insertOnce(db, { scope, key, hash, table: lists, values: createdColumns(list, placement), json: listJson });
}

/**
 * One page of the owner's lists in their order (position, then id), plus one
 * extra row that tells whether another page follows, each list as its JSON
 * text; the default list among them even before any write has made it (one
 * statement: a read writes nothing). Both parts read one index range.
 */
export async function listLists(db: Drizzle, { limit, after }: { limit: number; after?: PositionCursor }) {
  const page = after && sql`where (l.position, l.id) > (${after.position}::text collate "C", ${after.id}::uuid)`;
  const result = await db.execute<{ json: string }>(sql`
    select l.json from (
      select ${listJson} as json, ${lists.position} as position, ${lists.id} as id from ${lists}
      union all ${unwrittenDefaultList()}
    ) as l ${page ?? sql``}
    order by l.position, l.id
    limit ${limit + 1}`);
  return result.rows.map((row) => row.json as ListJson);
}

/** One list, the default list included before any write has made it. */
export async function findList(db: Drizzle, id: string): Promise<List | undefined> {
  const result = await db.execute<{ json: string }>(sql`
    select ${listJson} as json from ${lists} where ${lists.id} = ${id}::uuid
    union all select json from (${unwrittenDefaultList(id)}) as d`);
  const [row] = result.rows;
  return row && parsed(row.json);
}

/**
 * Runs a conditional write of list `id` in ONE round trip: after
 * ensureDefaultList when `id`, or the list a PATCH places it next to
 * (`anchor`), may be the caller's default list (so a PATCH of the default
 * list finds it written, and version 1 is what If-Match saw; and a list may be
 * placed next to it before any write has made it).
 */
async function writeList(
  db: Drizzle,
  id: string,
  statement: SQL,
  anchor?: string | null,
): Promise<Decided | undefined> {
  const mayBeDefault = [id, anchor].filter((named): named is string => named != null && mayBeDefaultListId(named));
  if (mayBeDefault.length === 0) return (await db.execute<Decided>(statement)).rows[0];
  const [, rows] = (await runBatch(db, [ensureDefaultList(mayBeDefault), statement])) as [unknown, Decided[]];
  return rows[0];
}

/**
 * Applies a patch, only if the list's version is one of `versions` (undefined:
 * any), and places the list where `placement` says: the lists' placement lock
 * is taken before the list's row lock (src/db/placement.ts says why).
 */
export async function updateList(
  db: Drizzle,
  id: string,
  patch: ListPatch,
  versions: number[] | undefined,
  placement?: Placement,
): Promise<Conditional<List>> {
  const columns = placement
    ? { ...givenColumns(patch), position: listPlacementSql(placement, lists.id) }
    : givenColumns(patch);
  const sets = Object.entries(columns).map(([column, value]) => sql`${sql.identifier(column)} = ${value}`);
  const statement = updateIfMatchSql(VERSIONED, id, sets, versions, placement && LIST_GROUP_LOCKED_SQL);
  return decided(await writeList(db, id, statement, placement?.anchor), parsed);
}

/**
 * Deletes a list, only if its version is one of `versions` (undefined: any).
 * The database deletes its todos (todos_list_fk cascades, each leaving a todo
 * tombstone), leaves the list's tombstone (lists_bury), and refuses the
 * default list (DFLT1, a 409).
 */
export async function deleteList(
  db: Drizzle,
  id: string,
  versions: number[] | undefined,
): Promise<Conditional<List, true>> {
  return decided(await writeList(db, id, deleteIfMatchSql(VERSIONED, id, versions)), () => true as const);
}
