/**
 * A todo's fields, each declared once (see src/lib/fields.ts): the table
 * (src/db/schema.ts), the JSON, the zod schemas, the CSV export and import and
 * the SQL that writes a todo as JSON all come from here. A new field is one
 * entry here, one migration (`npm run db:generate`) and `npm run openapi`.
 */
import { z } from '@hono/zod-openapi';
import { sql } from 'drizzle-orm';
import { text, uuid } from 'drizzle-orm/pg-core';
import { TEXT_ARRAY, UUID_ARRAY, type ArrayKind } from '../db/array-literal.ts';
import { booleanField, instant, instantField, textField, versionField } from '../lib/field-kinds.ts';
import { field, type CellRead } from '../lib/fields.ts';
import { resourceId } from '../lib/resource-id.ts';
import { TEXT_MAX_LENGTH } from '../lib/text-rules.ts';
import { isCanonicalUuid, UUID_EXAMPLE } from '../lib/uuid.ts';
import { DUE_DESCRIPTION, DUE_PROBLEM, dueOf } from './due.ts';
import { positionField } from '../lib/position.ts';

/** What a todo id is, in one place (see src/lib/resource-id.ts). */
export const TODO_ID = resourceId('todo');

/** A todo's id, as the JSON has it. */
export type TodoId = z.output<ReturnType<typeof TODO_ID.schema>>;

/** A notes' longest, in characters (code points). */
export const NOTES_MAX_LENGTH = 8192;

/** A value from `read` (a string's), null from null; the same rule for JSON and for a CSV cell (empty: null). */
function nullableInput<Value>(
  read: (value: string) => CellRead<Value>,
  doc: Record<string, unknown>,
  array: ArrayKind<Value>,
) {
  const schema = () =>
    z
      .string({ error: 'must be a string or null' })
      .nullable()
      .transform((value, ctx) => {
        if (value === null) return null;
        const result = read(value);
        if ('problem' in result) {
          ctx.addIssue({ code: 'custom', message: result.problem });
          return z.NEVER;
        }
        return result.value;
      })
      .openapi(doc);
  return {
    schema: schema as unknown as () => z.ZodType<Value | null>,
    default: null as Value | null,
    fromCell: (cell: string): CellRead<Value | null> => (cell === '' ? { value: null } : read(cell)),
    array: array as ArrayKind<Value | null>,
  };
}

const readId = (value: string): CellRead<string> =>
  isCanonicalUuid(value) ? { value } : { problem: 'must be a UUID in canonical lowercase form' };

const readNotes = (value: string): CellRead<string> => {
  let length = 0;
  for (const _ of value)
    if (++length > NOTES_MAX_LENGTH) return { problem: `must be at most ${NOTES_MAX_LENGTH} characters` };
  if (value.includes('\0')) return { problem: 'must not contain NUL (\\u0000) characters' };
  if (!value.isWellFormed()) return { problem: 'must be valid Unicode (no lone surrogates)' };
  return { value };
};

const readDue = (value: string): CellRead<string> => {
  const due = dueOf(value);
  return due === undefined ? { problem: DUE_PROBLEM } : { value: due };
};

export const todoFields = {
  id: field({ column: TODO_ID.key('id'), schema: TODO_ID.schema, example: TODO_ID.example }),
  listId: field({
    // Without one, the database puts the todo in its owner's default list (trigger todos_list, migration 0013).
    column: uuid('list_id').notNull(),
    schema: () => z.string().openapi({ format: 'uuid', description: "The todo's list." }),
    example: UUID_EXAMPLE,
    input: {
      schema: () =>
        z
          .string({ error: 'must be a string' })
          .refine(isCanonicalUuid, 'must be a UUID in canonical lowercase form')
          .openapi({
            format: 'uuid',
            description: "One of the caller's lists; on create, the default list when absent.",
          }),
      optional: true,
      fromCell: readId,
      array: UUID_ARRAY,
    },
  }),
  parentId: field({
    column: uuid('parent_id'),
    schema: () =>
      z
        .string()
        .nullable()
        .openapi({ format: 'uuid', description: 'The parent todo of a subtask; null for a top-level todo.' }),
    example: null,
    input: nullableInput(
      readId,
      {
        format: 'uuid',
        description: 'A top-level todo of the same list, or null: subtasks are one level deep.',
      },
      UUID_ARRAY,
    ),
  }),
  text: textField('text', { max: TEXT_MAX_LENGTH, example: 'Buy milk' }),
  notes: field({
    column: text('notes'),
    checks: { length: (column) => sql`char_length(${column}) <= ${sql.raw(String(NOTES_MAX_LENGTH))}` },
    schema: () => z.string().nullable(),
    example: null,
    input: nullableInput(
      readNotes,
      { maxLength: NOTES_MAX_LENGTH, description: `Free text, at most ${NOTES_MAX_LENGTH} characters; or null.` },
      TEXT_ARRAY,
    ),
  }),
  done: booleanField('done', { default: false, example: false }),
  due: field({
    column: text('due'),
    checks: {
      format: (column) =>
        sql`${column} ~ '^[0-9]{4}-[0-9]{2}-[0-9]{2}(T[0-9]{2}:[0-9]{2}:[0-9]{2}(\\.[0-9]{1,9})?(Z|[+-][0-9]{2}:[0-9]{2}))?$'`,
    },
    schema: () => z.string().nullable().openapi({ description: DUE_DESCRIPTION }),
    example: null,
    input: nullableInput(readDue, { description: `${DUE_DESCRIPTION} Or null.`, example: '2026-12-24' }, TEXT_ARRAY),
  }),
  // Without one, the database puts a new todo at the top of its list (or of its parent's subtasks).
  position: positionField('The manual order within its list (a subtask: within its parent)'),
  // Set by the database when done becomes true, cleared when it becomes false (migration 0013).
  completedAt: instantField(instant('completed_at'), { nullable: true }),
  version: versionField(),
  createdAt: instantField(instant('created_at').notNull().defaultNow()),
  updatedAt: instantField(instant('updated_at').notNull().defaultNow()),
};
