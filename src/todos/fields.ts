/**
 * A todo's fields, each declared once (see src/lib/fields.ts): the table
 * (src/db/schema.ts), the JSON, the zod schemas, the CSV export and import and
 * the SQL that writes a todo as JSON all come from here. A new field is one
 * entry here, one migration (`npm run db:generate`) and `npm run openapi`.
 */
import { z } from '@hono/zod-openapi';
import { sql } from 'drizzle-orm';
import { integer, text, uuid } from 'drizzle-orm/pg-core';
import { TEXT_ARRAY } from '../db/array-literal.ts';
import { booleanField, instant, instantField } from '../lib/field-kinds.ts';
import { field, type CellRead } from '../lib/fields.ts';
import { isCanonicalUuid, NIL_UUID, UUID_EXAMPLE } from '../lib/uuid.ts';
import { TEXT_MAX_LENGTH, textProblem } from './rules.ts';

/**
 * What a todo id is, in one place: its column (the todos' key, the
 * tombstones'), its SQL type, its schema in answers and in the path, and which
 * values read back from a token are ids.
 */
export const TODO_ID = {
  /** The SQL type, for casts. */
  sqlType: 'uuid',
  /**
   * The todos' key: a UUID in canonical lowercase form. The server's are version 7 (time-ordered, so the
   * index grows at its end), made by the database for Postgres 15 to 18 (app_uuidv7, migration 0010);
   * a create may choose its own (src/lib/uuid.ts).
   */
  key: (name: string) =>
    uuid(name)
      .primaryKey()
      .default(sql`app_uuidv7()`),
  /** A column holding a todo's id (a tombstone's, a reference's). */
  column: (name: string) => uuid(name),
  schema: () => z.string().openapi({ format: 'uuid', example: TODO_ID.example }),
  example: UUID_EXAMPLE,
  /** `{id}` in a path, as it comes: one that is not a todo id names no todo, and the handler answers 404 for it. */
  param: z.string().openapi({
    param: { name: 'id', in: 'path' },
    format: 'uuid',
    description: "The todo's id (a UUID in canonical lowercase form; anything else is a 404).",
    example: UUID_EXAMPLE,
  } as never),
  /** Whether a value read back from a cursor, a feed token or a tag is an id (with `orStart`, the nil UUID is one too). */
  is: (value: unknown, orStart = false): value is string => isCanonicalUuid(value) && (orStart || value !== NIL_UUID),
  /** The position before every id (the nil UUID sorts first, as Postgres compares uuid), where the change feed starts. */
  start: NIL_UUID,
};

/** A todo's id, as the JSON has it. */
export type TodoId = z.output<ReturnType<typeof TODO_ID.schema>>;

const Text = z
  .string({ error: 'must be a string' })
  .superRefine((value, ctx) => {
    const problem = textProblem(value);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  })
  .transform((value) => value.trim())
  .openapi({
    minLength: 1,
    maxLength: TEXT_MAX_LENGTH,
    description: 'Trimmed; 1 to 1000 characters (code points); no NUL.',
    example: 'Buy milk',
  });

/** A text cell (trimmed, the export's formula guard removed by the import's reader), by the rules of POST /todos. */
function readText(cell: string): CellRead<string> {
  const value = cell.trim();
  const problem = textProblem(value);
  return problem ? { problem } : { value };
}

export const todoFields = {
  id: field({ column: TODO_ID.key('id'), schema: TODO_ID.schema, example: TODO_ID.example }),
  text: field({
    column: text('text').notNull(),
    // The API's rules, repeated so that no other path (psql, a future job) can store what the API would refuse.
    checks: {
      trimmed: (column) => sql`${column} = btrim(${column}, E' \\t\\n\\r\\f\\x0B')`,
      length: (column) => sql`char_length(${column}) BETWEEN 1 AND ${sql.raw(String(TEXT_MAX_LENGTH))}`,
    },
    schema: () => z.string(),
    example: 'Buy milk',
    input: { schema: Text, fromCell: readText, array: TEXT_ARRAY },
  }),
  done: booleanField('done', { default: false, example: false }),
  version: field({
    // 1 at creation, +1 on every UPDATE (the trigger of migration 0009, whatever the statement says):
    // the ETag and If-Match compare it (README: "Versions and conditional requests").
    column: integer('version').notNull().default(1),
    checks: { positive: (column) => sql`${column} >= 1` },
    schema: () =>
      z.number().int().min(1).openapi({
        description: '1 at creation, +1 on every PATCH; the ETag is made of the id and this.',
      }),
    example: 1,
  }),
  createdAt: instantField(instant('created_at').notNull().defaultNow()),
  updatedAt: instantField(instant('updated_at').notNull().defaultNow()),
};
