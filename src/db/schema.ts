import { sql, type AnyColumn } from 'drizzle-orm';
import {
  boolean,
  check,
  index,
  integer,
  pgPolicy,
  pgRole,
  pgTable,
  primaryKey,
  text,
  timestamp,
} from 'drizzle-orm/pg-core';
import { TEXT_MAX_LENGTH } from '../todos/rules.ts';

/**
 * The caller's owner id, set transaction-locally by every request
 * (`set_config('app.user_id', owner, true)`, see src/db/client.ts). NULL when
 * unset, or '' after a setting ended in the same session: both match no row.
 */
export const OWNER_SETTING = sql`current_setting('app.user_id', true)`;

/**
 * The application role: NOLOGIN, only the grants the Worker needs, every
 * table's rows limited to the owner in OWNER_SETTING. The Worker logs in as a
 * member of it (README: "Ownership and roles"). Created by migration 0003 if
 * missing (`existing()`: drizzle-kit does not manage it).
 */
export const appRole = pgRole('todo_app').existing();

/**
 * Row-level security of a table with an `owner` column (each table also has
 * ENABLE and FORCE ROW LEVEL SECURITY, in its migration):
 * - the application role sees and writes only the rows of OWNER_SETTING;
 * - the tables' owner (the role that ran the migration: `current_user` then)
 *   is unrestricted while no owner is set (migrations, psql, the cleanup
 *   functions) and, like the application, limited to the owner that is set:
 *   a Worker wrongly given the owner's URL still serves each caller only
 *   their own rows.
 */
function ownerPolicies(table: string, owner: AnyColumn) {
  const mine = sql`${owner} = ${OWNER_SETTING}`;
  const noOwnerSet = sql`coalesce(${OWNER_SETTING}, '') = ''`;
  return [
    pgPolicy(`${table}_of_owner`, { for: 'all', to: appRole, using: mine, withCheck: mine }),
    pgPolicy(`${table}_table_owner`, {
      for: 'all',
      to: 'current_user',
      using: sql`${noOwnerSet} or ${mine}`,
      withCheck: sql`${noOwnerSet} or ${mine}`,
    }),
  ];
}

/**
 * The single source of truth for a todo's columns and constraints. The CHECKs
 * repeat the API's input rules so that no other path (psql, a future job) can
 * store what the API would refuse.
 */
export const todos = pgTable(
  'todos',
  {
    // int4: ids stay exact as JSON numbers in every client.
    id: integer('id').primaryKey().generatedByDefaultAsIdentity(),
    // Never named by an INSERT: the transaction's setting supplies it (none set: NOT NULL refuses the row).
    owner: text('owner').notNull().default(OWNER_SETTING),
    text: text('text').notNull(),
    done: boolean('done').notNull().default(false),
    // 1 at creation, +1 on every PATCH: the ETag and If-Match compare it (README: "Versions and conditional requests").
    version: integer('version').notNull().default(1),
    createdAt: timestamp('created_at', { withTimezone: true, mode: 'string' }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true, mode: 'string' }).notNull().defaultNow(),
  },
  (t) => [
    check('todos_version_positive', sql`${t.version} >= 1`),
    check('todos_text_trimmed', sql`${t.text} = btrim(${t.text}, E' \\t\\n\\r\\f\\x0B')`),
    check('todos_text_length', sql`char_length(${t.text}) BETWEEN 1 AND ${sql.raw(String(TEXT_MAX_LENGTH))}`),
    check('todos_owner_not_empty', sql`${t.owner} <> ''`),
    // One owner's todos newest first, and the same order within a `done` filter: keyset pagination
    // reads one index range of one owner, however many owners there are (the owner comes from the
    // row-level security policy's condition, `owner = current_setting(...)`).
    // NULLS FIRST because that is what ORDER BY ... DESC means: with drizzle's default NULLS LAST
    // the planner cannot use the index for the listing and sorts the whole table instead.
    index('todos_owner_created_id_idx').on(t.owner, t.createdAt.desc().nullsFirst(), t.id.desc().nullsFirst()),
    index('todos_owner_done_created_id_idx').on(
      t.owner,
      t.done,
      t.createdAt.desc().nullsFirst(),
      t.id.desc().nullsFirst(),
    ),
    ...ownerPolicies('todos', t.owner),
  ],
);

/**
 * Idempotency keys for POST /todos and POST /todos/import: the stored response
 * is replayed for a repeated key; keys older than 24 h are free again, and the
 * daily cleanup (src/scheduled) deletes them, oldest first, one range of the
 * created_at index at a time.
 */
export const idempotencyKeys = pgTable(
  'idempotency_keys',
  {
    owner: text('owner').notNull().default(OWNER_SETTING),
    scope: text('scope').notNull(),
    key: text('key').notNull(),
    requestHash: text('request_hash').notNull(),
    response: text('response').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true, mode: 'string' }).notNull().defaultNow(),
  },
  (t) => [
    // A key is the owner's: another owner's same key neither replays nor blocks it.
    primaryKey({ name: 'idempotency_keys_pkey', columns: [t.owner, t.scope, t.key] }),
    check('idempotency_keys_owner_not_empty', sql`${t.owner} <> ''`),
    // Across owners: the daily cleanup reads it (purge_expired_idempotency_keys, as the tables' owner).
    index('idempotency_keys_created_at_idx').on(t.createdAt),
    ...ownerPolicies('idempotency_keys', t.owner),
  ],
);
