import { sql, type Table } from 'drizzle-orm';
import {
  check,
  pgTable,
  text,
  type PgColumnBuilderBase,
  type PgTableExtraConfigValue,
  type PgTableWithColumns,
} from 'drizzle-orm/pg-core';
import type { BuildColumns, BuildExtraConfigColumns } from 'drizzle-orm/column-builder';

/**
 * The caller's owner id, set transaction-locally by every transaction of the
 * Worker (`app_set_owner(owner)`, '' when there is none; see src/db/client.ts).
 * NULL when unset, or '' after a setting ended in the same session: both match no row.
 */
export const OWNER_SETTING = sql`current_setting('app.user_id', true)`;

/** What the Worker's role may do to an owned table's rows (always within row-level security). */
export type WorkerPrivilege = 'SELECT' | 'INSERT' | 'UPDATE' | 'DELETE';

const OWNED = Symbol.for('edge-todo-api.owned-table');

/** What `ownedTable` declared: the migrations' `app_own_table(table, privileges)` call says the same. */
export interface Ownership {
  name: string;
  workerMay: WorkerPrivilege[];
}

/** The owner column every owned table has (a table may add to it, e.g. `.primaryKey()`). */
export const ownerColumn = () => text('owner').notNull().default(OWNER_SETTING);

type WithOwner<Columns> = Omit<{ owner: ReturnType<typeof ownerColumn> }, keyof Columns> & Columns;

/**
 * A table whose every row belongs to one owner. Here it gets its `owner`
 * column (the transaction's setting by default, never empty). In the
 * database, the migration that creates it gets
 * `SELECT public.app_own_table('public.name', '{...}')` (migration 0009),
 * appended by `npm run db:generate` (dev/own-tables.ts): the owner policies,
 * ENABLE and FORCE ROW LEVEL SECURITY, exactly `workerMay` for the application
 * role, and the table's name in app_set_owner's check. The catalog test checks
 * all of it for every table declared here, so no step is left to hand-edited SQL.
 */
export function ownedTable<Name extends string, Columns extends Record<string, PgColumnBuilderBase>>(
  name: Name,
  workerMay: WorkerPrivilege[],
  columns: Columns,
  extraConfig?: (self: BuildExtraConfigColumns<Name, WithOwner<Columns>, 'pg'>) => PgTableExtraConfigValue[],
): PgTableWithColumns<{
  name: Name;
  schema: undefined;
  columns: BuildColumns<Name, WithOwner<Columns>, 'pg'>;
  dialect: 'pg';
}> {
  const all = { owner: ownerColumn(), ...columns } as WithOwner<Columns>;
  const table = pgTable(name, all, (t) => [
    check(`${name}_owner_not_empty`, sql`${t.owner} <> ''`),
    ...(extraConfig?.(t) ?? []),
  ]);
  Object.defineProperty(table, OWNED, { value: { name, workerMay: [...workerMay] } satisfies Ownership });
  return table;
}

/** What `ownedTable` declared for `table`, if it was made with it. */
export const ownershipOf = (table: unknown): Ownership | undefined =>
  typeof table === 'object' && table !== null ? (table as Table & { [OWNED]?: Ownership })[OWNED] : undefined;

/** The ownership declarations among a module's exports (src/db/schema.ts: every owned table of the API). */
export const ownershipsIn = (exports: Record<string, unknown>): Ownership[] =>
  Object.values(exports).flatMap((value) => ownershipOf(value) ?? []);
