/**
 * A todo's fields, each declared once (see src/lib/fields.ts): the table
 * (src/db/schema.ts), the JSON, the zod schemas, the CSV export and import and
 * the SQL that writes a todo as JSON all come from here. A new field is one
 * entry here, one migration (`npm run db:generate`) and `npm run openapi`.
 */
import { z } from '@hono/zod-openapi';
import { sql } from 'drizzle-orm';
import { integer, text } from 'drizzle-orm/pg-core';
import { TEXT_ARRAY } from '../db/array-literal.ts';
import { booleanField, instant, instantField } from '../lib/field-kinds.ts';
import { field, type CellRead } from '../lib/fields.ts';
import { TEXT_MAX_LENGTH, textProblem } from './rules.ts';

/** Largest id the int4 column holds. */
const MAX_ID = 2147483647;

/**
 * What a todo id is, in one place: its column (the todos' key, the
 * tombstones'), its SQL type, its schema in answers and in the path, and which
 * values read back from a token are ids.
 */
export const TODO_ID = {
  /** The SQL type, for casts. */
  sqlType: 'int',
  /** The todos' key: ids drawn by the database. int4: ids stay exact as JSON numbers in every client. */
  key: (name: string) => integer(name).primaryKey().generatedByDefaultAsIdentity(),
  /** A column holding a todo's id (a tombstone's, a reference's). */
  column: (name: string) => integer(name),
  schema: () => z.number().int().min(1).openapi({ example: TODO_ID.example }),
  example: 42,
  /** `{id}` in a path: the id, or a 400. */
  param: z
    .string()
    .regex(/^[1-9]\d{0,9}$/, { message: 'must be a positive integer', abort: true }) // the bound below means nothing for "abc"
    .refine((id) => Number(id) <= MAX_ID, `must be at most ${MAX_ID}`)
    .transform(Number)
    .openapi({ param: { name: 'id', in: 'path' }, type: 'integer', minimum: 1, maximum: MAX_ID, example: 42 } as never),
  /** Whether a value read back from a cursor, a feed token or a tag is an id (or, with `orStart`, the feed's start). */
  is: (value: unknown, orStart = false): value is number =>
    typeof value === 'number' && Number.isInteger(value) && value >= (orStart ? 0 : 1) && value <= MAX_ID,
  /** The position before every id, where the change feed starts. */
  start: 0,
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
