import { z } from '@hono/zod-openapi';
import { decodeCursor } from '../lib/cursor.ts';
import { documentOnly } from '../lib/document-only.ts';
import {
  createSchema,
  csvColumnsOf,
  patchSchema,
  responseSchema,
  type CreateOf,
  type JsonOf,
  type PatchOf,
} from '../lib/fields.ts';
import { fieldErrorSchema, problemSchema } from '../lib/problem.ts';
import { chosenIdProblem, isCanonicalUuid } from '../lib/uuid.ts';
import { TODO_ID, todoFields } from './fields.ts';

export const todoSchema = documentOnly(() => responseSchema(todoFields, 'Todo'));

/** An id a client chooses: a version 4 or 7 UUID in canonical form. */
const chosenId = (description: string) =>
  z
    .string({ error: 'must be a string' })
    .superRefine((value, ctx) => {
      const problem = chosenIdProblem(value);
      if (problem) ctx.addIssue({ code: 'custom', message: problem });
    })
    .openapi({ format: 'uuid', description });

export const NewTodoSchema = createSchema(todoFields, 'NewTodo', {
  id: chosenId(
    "The new todo's id, chosen by the client (so it can refer to the todo before the server has seen it, and retry the create safely): a version 4 or 7 UUID in canonical lowercase form. Without it, the server makes a version 7 UUID.",
  ),
});

export const TodoPatchSchema = patchSchema(todoFields, 'TodoPatch');

export const TodoIdParams = z.object({ id: TODO_ID.param });

/** What a query parameter sent twice (`?limit=5&limit=6`, which arrives as an array) is told. */
const ONCE = 'must be given once';

/** `?listId=`: one of the caller's lists (a list the caller cannot see is a 404 naming it). */
const listIdQuery = (description: string) =>
  z
    .string({ error: ONCE })
    .refine(isCanonicalUuid, 'must be a UUID in canonical lowercase form')
    .optional()
    .openapi({ param: { name: 'listId', in: 'query' }, format: 'uuid', description } as never);

export const ListQuerySchema = z.strictObject({
  listId: listIdQuery(
    "Only this list's todos. With `Accept: text/csv`: the list's export, each top-level todo followed by its subtasks, both in the list's order.",
  ),
  done: z
    .enum(['true', 'false'], { error: (issue) => (Array.isArray(issue.input) ? ONCE : 'must be true or false') })
    .transform((v) => v === 'true')
    .optional()
    .openapi({
      param: { name: 'done', in: 'query' },
      description: 'Only todos with this done flag (true or false).',
    } as never),
  limit: z
    .string({ error: ONCE })
    .regex(/^\d{1,3}$/, 'must be an integer from 1 to 100')
    .transform(Number)
    .refine((n) => n >= 1 && n <= 100, 'must be an integer from 1 to 100')
    .optional()
    .openapi({
      param: { name: 'limit', in: 'query' },
      type: 'integer',
      minimum: 1,
      maximum: 100,
      default: 20,
    } as never),
  cursor: z
    .string({ error: ONCE })
    // Decoded here, once: the handler gets the Cursor itself.
    .transform((value, ctx) => {
      const cursor = decodeCursor(value, (id) => TODO_ID.is(id));
      if (!cursor) ctx.addIssue({ code: 'custom', message: 'is not a cursor this API issued' });
      return cursor ?? z.NEVER;
    })
    .optional()
    .openapi({ param: { name: 'cursor', in: 'query' }, description: 'The nextCursor of the previous page.' } as never),
});

export const todoListSchema = documentOnly(() =>
  z
    .object({
      items: z.array(todoSchema()),
      nextCursor: z
        .string()
        .nullable()
        .openapi({ description: 'Pass as ?cursor= for the next page; null on the last page.' }),
    })
    .openapi('TodoList'),
);

export type Todo = JsonOf<typeof todoFields>;
export type NewTodo = CreateOf<typeof todoFields>;
export type TodoPatch = PatchOf<typeof todoFields>;

export const importResultSchema = documentOnly(() =>
  z
    .object({
      inserted: z
        .number()
        .int()
        .min(0)
        .openapi({ description: 'Rows inserted (all or nothing: those not inserted are replayed).', example: 2 }),
      replayed: z.number().int().min(0).openapi({
        description:
          'Rows already in, with the id `firstId` gives them and the same values: an earlier import of them, not inserted again.',
        example: 0,
      }),
    })
    .openapi('ImportResult'),
);

/** `POST /todos/import`'s query: how its rows are named. */
export const ImportQuerySchema = z.strictObject({
  firstId: chosenId(
    "The first row's id, chosen by the client (version 4 or 7, canonical form): row k (0 for the first) gets this id plus k in its last 32 bits, which must not overflow. A row whose id is already the caller's, with the same values, counts as replayed; any other taken id refuses the whole import (409). Without it, the server makes version 7 ids that increase in file order.",
  )
    .optional()
    .openapi({ param: { name: 'firstId', in: 'query' }, example: '9b2f4c1e-3a5d-4e6f-8a7b-0c1d00000000' } as never),
  listId: listIdQuery("The list the rows go to, at its end in file order; without it, the caller's default list."),
});

const rowProblemSchema = documentOnly(() =>
  z.object({
    line: z
      .number()
      .int()
      .min(1)
      .openapi({ description: 'The CSV line on which the row starts (the header is line 1).', example: 3 }),
    row: z.number().int().min(0).openapi({
      description: "The data row's number (1 = first after the header; 0 = the header or the CSV grammar).",
      example: 2,
    }),
    errors: z.array(fieldErrorSchema()),
  }),
);

export const importProblemSchema = documentOnly(() =>
  problemSchema()
    .extend({
      rows: z.array(rowProblemSchema()).optional().openapi({
        description:
          'The first invalid rows (or the header/grammar problem): at most 100, fewer when more would pass the 16 KiB a problem may take.',
      }),
      invalidRows: z.number().int().min(0).optional().openapi({ description: 'How many rows are invalid in all.' }),
    })
    .openapi('ImportProblem'),
);

export const preconditionFailedSchema = documentOnly(() =>
  problemSchema()
    .extend({
      currentVersion: z
        .number()
        .int()
        .min(1)
        .openapi({ description: "The todo's version now (its ETag is also in the ETag header).", example: 3 }),
    })
    .openapi('PreconditionFailed'),
);

/** The largest page of the change feed, and the page a client gets without `limit`. */
export const CHANGES_MAX_LIMIT = 1000;
export const CHANGES_DEFAULT_LIMIT = 100;

export const ChangesQuerySchema = z.strictObject({
  since: z
    .string({ error: ONCE })
    // Decoded by the handler: whether it is valid depends on who asks.
    .regex(/^[A-Za-z0-9_-]{1,200}$/, 'is not a token this API issued')
    .optional()
    .openapi({
      param: { name: 'since', in: 'query' },
      description:
        'The `next` of the previous answer. Without it the feed starts from the beginning: paging to `more: false` gives every current todo.',
    } as never),
  limit: z
    .string({ error: ONCE })
    .regex(/^\d{1,4}$/, `must be an integer from 1 to ${CHANGES_MAX_LIMIT}`)
    .transform(Number)
    .refine((n) => n >= 1 && n <= CHANGES_MAX_LIMIT, `must be an integer from 1 to ${CHANGES_MAX_LIMIT}`)
    .optional()
    .openapi({
      param: { name: 'limit', in: 'query' },
      type: 'integer',
      minimum: 1,
      maximum: CHANGES_MAX_LIMIT,
      default: CHANGES_DEFAULT_LIMIT,
    } as never),
});

export const deletedTodoSchema = documentOnly(() =>
  z
    .object({
      id: TODO_ID.schema(),
      deleted: z.literal(true),
      version: z.number().int().min(2).openapi({ description: "The todo's last version + 1.", example: 4 }),
    })
    .openapi('DeletedTodo'),
);

export const changesSchema = documentOnly(() =>
  z
    .object({
      changes: z.array(z.union([todoSchema(), deletedTodoSchema()])).openapi({
        description:
          'In the order they happened (by transaction): each changed todo as it is now, or a deletion. A todo appears once per page, at its latest change.',
      }),
      next: z.string().openapi({ description: 'Pass as ?since= for what changed after this page.' }),
      more: z.boolean().openapi({ description: 'True: more changes are waiting; ask again at once with `next`.' }),
    })
    .openapi('Changes'),
);

/** The CSV export's columns, in order. */
export const CSV_COLUMNS = csvColumnsOf(todoFields);
