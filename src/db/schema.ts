import { sql } from 'drizzle-orm';
import {
  check,
  customType,
  foreignKey,
  index,
  integer,
  primaryKey,
  smallint,
  text,
  timestamp,
  unique,
} from 'drizzle-orm/pg-core';
import { instant } from '../lib/field-kinds.ts';
import { checksOf, columnsOf } from '../lib/fields.ts';
import { LIST_ID, listFields } from '../lists/fields.ts';
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

/** 16 bytes (bytea), as a hex string: what a create asked for (app_request_hash). */
const requestHash = customType<{ data: string; driverData: string }>({ dataType: () => 'bytea' });

/** The current transaction's id: who wrote a row, hence where it stands in the change feed. */
const CURRENT_XID = sql`pg_current_xact_id()`;

/**
 * The owner's lists: their fields' columns and CHECKs come from the fields'
 * declaration (src/lists/fields.ts). Every owner has one default list, whose
 * id the database derives from the owner (app_default_list_id) and which it
 * writes on the first write that needs it (app_ensure_default_list, migration 0013).
 */
export const lists = ownedTable(
  'lists',
  ['SELECT', 'INSERT', 'UPDATE', 'DELETE'],
  {
    ...columnsOf(listFields),
    // As for todos: the feed position, and a client-chosen id's create request.
    changedXid: xid8('changed_xid').notNull().default(CURRENT_XID),
    requestHash: requestHash('request_hash'),
  },
  (t) => [
    check('lists_request_hash_size', sql`octet_length(${t.requestHash}) = 16`),
    ...checksOf('lists', listFields, t),
    // The default list is the one with the derived id, so there is at most one per owner.
    check('lists_default_id', sql`${t.isDefault} = (${t.id} = app_default_list_id(${t.owner}))`),
    // What a todo's list reference names: a list of the todo's own owner.
    unique('lists_owner_id_key').on(t.owner, t.id),
    // GET /lists: one owner's lists in their order, one index range.
    index('lists_owner_position_id_idx').on(t.owner, t.position, t.id),
    // The change feed.
    index('lists_owner_changed_id_idx').on(t.owner, t.changedXid, t.id),
  ],
);

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
    // For a todo whose id the client chose: the create's request (app_request_hash of its fields), so the
    // same id with the same request is that create again, with another one a conflict. Null otherwise.
    requestHash: requestHash('request_hash'),
    // A subtask's level (0: top-level, 1: a subtask), and the level its parent must have (always 0): with
    // the parent key below, the database itself keeps subtasks one level deep, in their parent's list.
    depth: smallint('depth').generatedAlwaysAs(sql`case when parent_id is null then 0 else 1 end`),
    parentDepth: smallint('parent_depth').notNull().default(0),
    // The due date's instant, for filters: a date stands for the start of its day in UTC.
    dueAt: instant('due_at').generatedAlwaysAs(sql`app_due_instant(due)`),
  },
  (t) => [
    check('todos_request_hash_size', sql`octet_length(${t.requestHash}) = 16`),
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
    // A list's todos in their manual order: its top-level ones (parent_id null) or one parent's subtasks,
    // one index range each.
    index('todos_owner_list_parent_position_idx').on(
      t.owner,
      t.listId,
      t.parentId.asc().nullsFirst(),
      t.position,
      t.id,
    ),
    // A parent's subtasks by its id alone: what the parent key's ON DELETE and ON UPDATE CASCADE look for on
    // every delete or move of a todo (without it, each scans the table). Subtasks only: top-level todos pay nothing.
    index('todos_parent_idx')
      .on(t.parentId)
      .where(sql`${t.parentId} is not null`),
    check('todos_parent_depth_top', sql`${t.parentDepth} = 0`),
    check('todos_completed_when_done', sql`(${t.completedAt} is not null) = ${t.done}`),
    // A todo is in one of its owner's lists; deleting the list deletes it (each a tombstone, by its trigger).
    foreignKey({
      name: 'todos_list_fk',
      columns: [t.owner, t.listId],
      foreignColumns: [lists.owner, lists.id],
    }).onDelete('cascade'),
    // What a subtask's parent key names: a todo's list, id and level.
    unique('todos_list_id_depth_key').on(t.listId, t.id, t.depth),
    // A subtask's parent is a top-level todo of the same list: moving the parent to another list moves its
    // subtasks (ON UPDATE CASCADE), deleting it deletes them, and a todo with subtasks cannot become one
    // (the cascade would give them parent_depth 1).
    foreignKey({
      name: 'todos_parent_fk',
      columns: [t.listId, t.parentId, t.parentDepth],
      foreignColumns: [t.listId, t.id, t.depth],
    })
      .onUpdate('cascade')
      .onDelete('cascade'),
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

/** What the change feed says of a deleted list, as todo_tombstones for todos (trigger lists_bury, migration 0013). */
export const listTombstones = ownedTable(
  'list_tombstones',
  ['SELECT'],
  {
    id: LIST_ID.column('id').primaryKey(),
    version: integer('version').notNull(),
    deletedXid: xid8('deleted_xid').notNull().default(CURRENT_XID),
    deletedAt: timestamp('deleted_at', { withTimezone: true, mode: 'string' }).notNull().defaultNow(),
  },
  (t) => [
    index('list_tombstones_owner_deleted_id_idx').on(t.owner, t.deletedXid, t.id),
    index('list_tombstones_deleted_at_idx').on(t.deletedAt),
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
    lists: integer('lists').notNull().default(0),
  },
  (t) => [
    check('owner_usage_todos_not_negative', sql`${t.todos} >= 0`),
    check('owner_usage_lists_not_negative', sql`${t.lists} >= 0`),
    check('owner_usage_tombstones_not_negative', sql`${t.tombstones} >= 0`),
  ],
);
