/**
 * Writes of one versioned row, conditional on its version (If-Match), for
 * every resource: each ONE statement that tells a missing row (404) from a
 * stale version (412), whatever the table.
 */
import { sql, type AnyColumn, type SQL } from 'drizzle-orm';
import type { PgTable } from 'drizzle-orm/pg-core';

/** A table of versioned rows, each with a JSON form. */
export interface VersionedTable {
  table: PgTable & { id: AnyColumn; version: AnyColumn };
  /** A row's JSON text, from the table's columns (in RETURNING: the row as written). */
  json: SQL<string>;
}

/** How a conditional write ended. */
export type Conditional<Item, Result = Item> =
  | { outcome: 'done'; result: Result }
  | { outcome: 'missing' }
  /** The row's version is none of those asked for: nothing changed; `current` is the row as it is now. */
  | { outcome: 'stale'; current: Item };

/** What a conditional statement answers: nothing (missing), or the row as it was and what the write returned. */
export type Decided = { current: string; written: string | null };

/**
 * The row `id`, locked (FOR UPDATE), as the CTE `current`: under READ
 * COMMITTED a concurrent writer is waited for and its result is what
 * `current` reads, so a 412 reports the version that beat this request, and
 * the write that follows in the same statement cannot lose an update.
 * `lockFirst` is a condition evaluated before the row is locked (a lock the
 * write needs that must be taken before the row's: src/db/placement.ts).
 */
const lockedCurrent = ({ table, json }: VersionedTable, id: string, lockFirst: SQL = sql`true`) =>
  sql`current as (select ${table.id} as id, ${table.version} as version, ${json} as json from ${table} where ${table.id} = ${id} and ${lockFirst} for update)`;

/** Whether the locked row has one of `versions` (undefined: any version). */
const versionIn = (versions: number[] | undefined) =>
  versions === undefined ? sql`true` : sql`current.version = any(${sql.param(versions)}::int[])`;

/**
 * Sets `sets` (`column = value`) on row `id` only if its version is one of
 * `versions` (undefined: any), in ONE statement; its answer goes to `decided`
 * (`lockFirst`: see lockedCurrent).
 */
export const updateIfMatchSql = (
  t: VersionedTable,
  id: string,
  sets: SQL[],
  versions: number[] | undefined,
  lockFirst?: SQL,
) => sql`
    with ${lockedCurrent(t, id, lockFirst)},
    written as (
      update ${t.table} set ${sql.join(sets, sql`, `)}
      from current where ${t.table.id} = current.id and ${versionIn(versions)}
      returning ${t.json} as json)
    select current.json as current, (select json from written) as written from current`;

/** Deletes row `id` only if its version is one of `versions` (undefined: any), in ONE statement (see updateIfMatchSql). */
export const deleteIfMatchSql = (t: VersionedTable, id: string, versions: number[] | undefined) => sql`
    with ${lockedCurrent(t, id)},
    written as (
      delete from ${t.table} using current where ${t.table.id} = current.id and ${versionIn(versions)}
      returning ${t.table.id} as id)
    select current.json as current, (select id::text from written) as written from current`;

/** The outcome of a conditional statement's answer row, each JSON parsed as an `Item`. */
export function decided<Item, Result>(
  row: Decided | undefined,
  result: (written: string) => Result,
): Conditional<Item, Result> {
  if (!row) return { outcome: 'missing' };
  if (row.written === null) return { outcome: 'stale', current: JSON.parse(row.current) as Item };
  return { outcome: 'done', result: result(row.written) };
}
