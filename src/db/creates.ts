/**
 * Creates of one row, for every resource: under an idempotency key, and with
 * an id the client chose, for any table that keeps migration 0010's rules: a
 * `request_hash` column (app_request_hash of the create's values), a trigger
 * that refuses a deleted row's id, and app_ids_taken (SQLSTATE ID409, a 409)
 * for an id that cannot be used. Todos and lists both create this way.
 */
import { sql, type AnyColumn, type SQL } from 'drizzle-orm';
import type { PgTable } from 'drizzle-orm/pg-core';
import { executeKeyed, type KeyedOutcome } from '../idempotency/statement.ts';
import { runBatch } from './batch.ts';
import type { Drizzle } from './client.ts';
import type { RowsStatement } from './rows-statement.ts';
import { rowsStatementSql } from './rows-statement.ts';

/** A field a create writes beside its id: its JSON name, its column and the SQL type of its value. */
export interface CreatedField {
  name: string;
  column: string;
  type: string;
}

/** A table whose rows a client may create under its own ids. */
export interface ChosenIdTable {
  table: PgTable & { id: AnyColumn; requestHash: AnyColumn };
  /** What a create writes beside its id, in order: the create's request. */
  created: readonly CreatedField[];
  /** A row's JSON text, from the table's columns. */
  json: SQL<string>;
}

/** How each created field's value is written into a statement (`type` casts a parameter for jsonb_build_object). */
export type ValueOf = (name: string, type: string) => SQL | AnyColumn;

/** A create's values as typed parameters; an absent value is null (a column the database then fills, e.g. a position). */
export const parametersOf =
  (values: Record<string, unknown>): ValueOf =>
  (name, type) =>
    sql`${values[name] ?? null}::${sql.raw(type)}`;

/**
 * What a create with a client-chosen id asked for, hashed by the database
 * (app_request_hash, migration 0010): the same for every way of creating a
 * row, so one may replay another (POST /todos and an import).
 */
export const requestHashOf = ({ created }: ChosenIdTable, value: ValueOf) =>
  sql`app_request_hash(jsonb_build_object(${sql.join(
    created.map(({ name, type }) => sql`${sql.raw(`'${name}'`)}, ${value(name, type)}`),
    sql`, `,
  )}))`;

/** `<table> (id, <created columns>, request_hash)`: a create with the client's id. */
export const intoWithId = ({ table, created }: ChosenIdTable) =>
  sql`${table} (id, ${sql.join(
    created.map(({ column }) => sql.identifier(column)),
    sql`, `,
  )}, request_hash)`;

/**
 * A create of one row with the id the client chose; a taken id does nothing (the caller then finds out why).
 * `written` is what is inserted where it differs from the request (a position the server computes, which
 * is not part of the request's hash: a retry placed elsewhere replays the row as created).
 */
export function insertWithId(t: ChosenIdTable, id: string, value: ValueOf, written: ValueOf = value): RowsStatement {
  return {
    insertInto: intoWithId(t),
    select: sql`${id}::uuid, ${sql.join(
      t.created.map(({ name, type }) => written(name, type)),
      sql`, `,
    )}, ${requestHashOf(t, value)}`,
    onConflict: sql`(id) do nothing`,
    returning: sql`${t.json} as json`,
  };
}

/**
 * Creates a row with the id the client chose (`written`: as insertWithId), in ONE round trip (an HTTP
 * batch): insert it unless the id is taken, then, in a fresh snapshot (so a
 * concurrent create of the same id that committed meanwhile is seen), read
 * it: created now, or the caller's own created with the same request (a
 * replay), or anything else, which raises ID409 (a 409): another request's,
 * another owner's (row-level security hides it: nothing of it is read), or a
 * deleted row's (the table's trigger refuses it).
 */
export async function insertWithChosenId(
  db: Drizzle,
  t: ChosenIdTable,
  id: string,
  value: ValueOf,
  written: ValueOf = value,
): Promise<{ json: string; replayed: boolean }> {
  const { table } = t;
  const [, [row]] = (await runBatch(db, [
    rowsStatementSql(insertWithId(t, id, value, written)),
    sql`select mine.json, mine.created from (select 1) as one left join (
          select ${t.json} as json, ${table}.xmin = pg_current_xact_id()::xid as created,
            ${t.table.requestHash} = ${requestHashOf(t, value)} as same
          from ${table} where ${t.table.id} = ${id}::uuid) as mine on true
        where case when mine.created or mine.same then true else app_ids_taken(1) end`,
  ])) as [unknown, { json: string; created: boolean }[]];
  return { json: row!.json, replayed: !row!.created };
}

/**
 * Creates a row with the id the client chose under an idempotency key (one
 * round trip, executeKeyed): the stored response is the row created, or the
 * caller's own of the same request as it is now (then `effectRows` is 0), or
 * the write raises ID409 and the key stays unclaimed.
 */
export function insertWithChosenIdOnce(
  db: Drizzle,
  t: ChosenIdTable,
  {
    scope,
    key,
    hash,
    id,
    value,
    written = value,
  }: { scope: string; key: string; hash: string; id: string; value: ValueOf; written?: ValueOf },
): Promise<KeyedOutcome> {
  const same = sql`select ${t.json} from ${t.table} where ${t.table.id} = ${id}::uuid and ${t.table.requestHash} = ${requestHashOf(t, value)}`;
  return executeKeyed(db, {
    scope,
    key,
    hash,
    effect: insertWithId(t, id, value, written),
    response: sql`select coalesce((select json from effect), (${same}), app_ids_taken(1)::text)`,
  });
}

/**
 * Creates a row under an idempotency key (one round trip, executeKeyed), with
 * the values given (`column: value`; a column left out takes its default):
 * the row is inserted, and its id drawn, only when this request claims the
 * key. The stored response is the row's JSON (`json`, from the table's columns).
 */
export function insertOnce(
  db: Drizzle,
  { scope, key, hash, table, values, json }: KeyedCreate & { values: Record<string, unknown> },
): Promise<KeyedOutcome> {
  const columns = Object.keys(values);
  return executeKeyed(db, {
    scope,
    key,
    hash,
    effect: {
      insertInto: sql`${table} (${sql.join(
        columns.map((column) => sql.identifier(column)),
        sql`, `,
      )})`,
      select: sql.join(
        columns.map((column) => sql`${values[column]}`),
        sql`, `,
      ),
      returning: sql`${json} as json`,
    },
    response: sql`select json from effect`,
  });
}

interface KeyedCreate {
  /** What the key protects, e.g. 'todos.create'. */
  scope: string;
  key: string;
  /** The request's fingerprint. */
  hash: string;
  table: PgTable;
  json: SQL<string>;
}
