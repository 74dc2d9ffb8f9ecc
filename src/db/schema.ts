import { sql } from 'drizzle-orm';
import { boolean, check, index, integer, pgTable, primaryKey, text, timestamp } from 'drizzle-orm/pg-core';
import { TEXT_MAX_LENGTH } from '../todos/rules.ts';

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
    text: text('text').notNull(),
    done: boolean('done').notNull().default(false),
    createdAt: timestamp('created_at', { withTimezone: true, mode: 'string' }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true, mode: 'string' }).notNull().defaultNow(),
  },
  (t) => [
    check('todos_text_trimmed', sql`${t.text} = btrim(${t.text}, E' \\t\\n\\r\\f\\x0B')`),
    check('todos_text_length', sql`char_length(${t.text}) BETWEEN 1 AND ${sql.raw(String(TEXT_MAX_LENGTH))}`),
    // Newest first, and the same order within a `done` filter: keyset pagination reads one index range.
    // NULLS FIRST because that is what ORDER BY ... DESC means: with drizzle's default NULLS LAST
    // the planner cannot use the index for the listing and sorts the whole table instead.
    index('todos_created_id_idx').on(t.createdAt.desc().nullsFirst(), t.id.desc().nullsFirst()),
    index('todos_done_created_id_idx').on(t.done, t.createdAt.desc().nullsFirst(), t.id.desc().nullsFirst()),
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
    scope: text('scope').notNull(),
    key: text('key').notNull(),
    requestHash: text('request_hash').notNull(),
    response: text('response').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true, mode: 'string' }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ name: 'idempotency_keys_pkey', columns: [t.scope, t.key] }),
    index('idempotency_keys_created_at_idx').on(t.createdAt),
  ],
);
