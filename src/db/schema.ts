import { sql, type AnyColumn } from 'drizzle-orm';
import {
  boolean,
  check,
  customType,
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
 * The caller's owner id, set transaction-locally by every transaction of the
 * Worker (`app_set_owner(owner)`, '' when there is none; see src/db/client.ts).
 * NULL when unset, or '' after a setting ended in the same session: both match no row.
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
 * A transaction id (Postgres `xid8`, 64 bits, never wraps), as a decimal
 * string: the change feed's positions (README: "Keeping a client in sync").
 */
const xid8 = customType<{ data: string; driverData: string }>({ dataType: () => 'xid8' });

/** The current transaction's id: who wrote a row, hence where it stands in the change feed. */
export const CURRENT_XID = sql`pg_current_xact_id()`;

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
    // The transaction that last wrote the row (INSERT: this default; every UPDATE sets it): its feed position.
    changedXid: xid8('changed_xid').notNull().default(CURRENT_XID),
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
    // The change feed: one owner's changes in commit-safe order, one index range per call.
    index('todos_owner_changed_id_idx').on(t.owner, t.changedXid, t.id),
    ...ownerPolicies('todos', t.owner),
  ],
);

/**
 * What the change feed says of a deleted todo, written by the DELETE's own
 * statement and kept for the retention (CHANGES_RETENTION_DAYS), so that live
 * rows stay in `todos` and no query of it changes. The daily cleanup purges
 * older ones and records how far, per owner, in `tombstone_purges`.
 */
export const todoTombstones = pgTable(
  'todo_tombstones',
  {
    // ids are never reused (identity), so a deleted id has one tombstone.
    id: integer('id').primaryKey(),
    owner: text('owner').notNull().default(OWNER_SETTING),
    // The todo's last version + 1: the deletion is its last change.
    version: integer('version').notNull(),
    deletedXid: xid8('deleted_xid').notNull().default(CURRENT_XID),
    deletedAt: timestamp('deleted_at', { withTimezone: true, mode: 'string' }).notNull().defaultNow(),
  },
  (t) => [
    check('todo_tombstones_owner_not_empty', sql`${t.owner} <> ''`),
    index('todo_tombstones_owner_deleted_id_idx').on(t.owner, t.deletedXid, t.id),
    // Across owners: the daily cleanup reads it (purge_expired_tombstones, as the tables' owner).
    index('todo_tombstones_deleted_at_idx').on(t.deletedAt),
    ...ownerPolicies('todo_tombstones', t.owner),
  ],
);

/**
 * Per owner, the newest feed position whose tombstones the cleanup has
 * purged: a `since` at or below it may have missed a deletion (410 Gone).
 * Written only by purge_expired_tombstones; the Worker reads its own row.
 */
export const tombstonePurges = pgTable(
  'tombstone_purges',
  {
    owner: text('owner').primaryKey(),
    purgedThrough: xid8('purged_through').notNull(),
  },
  (t) => [...ownerPolicies('tombstone_purges', t.owner)],
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
