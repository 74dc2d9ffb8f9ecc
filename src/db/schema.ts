import { sql } from 'drizzle-orm';
import { check, customType, index, integer, primaryKey, text, timestamp } from 'drizzle-orm/pg-core';
import { checksOf, columnsOf } from '../lib/fields.ts';
import { TODO_ID, todoFields } from '../todos/fields.ts';
import { ownedTable, ownerColumn } from './owned-table.ts';

/**
 * Every table in `public` is either owned (made with `ownedTable`) or listed
 * here as shared infrastructure, with why; the catalog test fails otherwise.
 */
export const SHARED_TABLES: Record<string, string> = {};

/**
 * A transaction id (Postgres `xid8`, 64 bits, never wraps), as a decimal
 * string: the change feed's positions (README: "Keeping a client in sync").
 */
const xid8 = customType<{ data: string; driverData: string }>({ dataType: () => 'xid8' });

/** The current transaction's id: who wrote a row, hence where it stands in the change feed. */
const CURRENT_XID = sql`pg_current_xact_id()`;

/**
 * The todos: their fields' columns and CHECKs come from the fields'
 * declaration (src/todos/fields.ts), beside what only the database keeps
 * (the owner, the feed position) and the indexes.
 */
export const todos = ownedTable(
  'todos',
  ['SELECT', 'INSERT', 'UPDATE', 'DELETE'],
  {
    ...columnsOf(todoFields),
    // The transaction that last wrote the row (INSERT: this default; every UPDATE: the trigger): its feed position.
    changedXid: xid8('changed_xid').notNull().default(CURRENT_XID),
  },
  (t) => [
    ...checksOf('todos', todoFields, t),
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
  ],
);

/**
 * What the change feed says of a deleted todo, written by the trigger on
 * `todos` for every deleted row (migration 0009), under the row's own owner,
 * and kept for the retention (CHANGES_RETENTION_DAYS), so that live
 * rows stay in `todos` and no query of it changes. The daily cleanup purges
 * older ones and records how far, per owner, in `tombstone_purges`.
 */
export const todoTombstones = ownedTable(
  'todo_tombstones',
  // Read only: the trigger writes tombstones, the cleanup function deletes them.
  ['SELECT'],
  {
    // ids are never reused, so a deleted id has one tombstone.
    id: TODO_ID.column('id').primaryKey(),
    // The todo's last version + 1: the deletion is its last change.
    version: integer('version').notNull(),
    deletedXid: xid8('deleted_xid').notNull().default(CURRENT_XID),
    deletedAt: timestamp('deleted_at', { withTimezone: true, mode: 'string' }).notNull().defaultNow(),
  },
  (t) => [
    index('todo_tombstones_owner_deleted_id_idx').on(t.owner, t.deletedXid, t.id),
    // Across owners: the daily cleanup reads it (purge_expired_tombstones, as the tables' owner).
    index('todo_tombstones_deleted_at_idx').on(t.deletedAt),
  ],
);

/**
 * Per owner, the newest feed position whose tombstones the cleanup has
 * purged: a `since` at or below it may have missed a deletion (410 Gone).
 * Written only by purge_expired_tombstones; the Worker reads its own row.
 */
export const tombstonePurges = ownedTable('tombstone_purges', ['SELECT'], {
  owner: ownerColumn().primaryKey(),
  purgedThrough: xid8('purged_through').notNull(),
});

/**
 * Idempotency keys for POST /todos and POST /todos/import: the stored response
 * is replayed for a repeated key; keys older than 24 h are free again, and the
 * daily cleanup (src/scheduled) deletes them, oldest first, one range of the
 * created_at index at a time.
 */
export const idempotencyKeys = ownedTable(
  'idempotency_keys',
  // No DELETE: expired keys go through the cleanup function.
  ['SELECT', 'INSERT', 'UPDATE'],
  {
    scope: text('scope').notNull(),
    key: text('key').notNull(),
    requestHash: text('request_hash').notNull(),
    response: text('response').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true, mode: 'string' }).notNull().defaultNow(),
  },
  (t) => [
    // A key is the owner's: another owner's same key neither replays nor blocks it.
    primaryKey({ name: 'idempotency_keys_pkey', columns: [t.owner, t.scope, t.key] }),
    // Across owners: the daily cleanup reads it (purge_expired_idempotency_keys, as the tables' owner).
    index('idempotency_keys_created_at_idx').on(t.createdAt),
  ],
);

/**
 * Per owner, how many todos they have and how many deletions the change feed
 * keeps for them: kept by the triggers of migration 0011 (whatever statement
 * writes `todos`, cascades included), so a create checks its quota by
 * locking one row instead of counting the owner's todos. The Worker reads its own row (GET /me).
 */
export const ownerUsage = ownedTable(
  'owner_usage',
  // Read only: only the triggers write it.
  ['SELECT'],
  {
    owner: ownerColumn().primaryKey(),
    todos: integer('todos').notNull().default(0),
    tombstones: integer('tombstones').notNull().default(0),
  },
  (t) => [
    check('owner_usage_todos_not_negative', sql`${t.todos} >= 0`),
    check('owner_usage_tombstones_not_negative', sql`${t.tombstones} >= 0`),
  ],
);
