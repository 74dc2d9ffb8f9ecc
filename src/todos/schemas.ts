import { z } from '@hono/zod-openapi';
import { decodeCursor } from '../lib/cursor.ts';
import { feedQuerySchema } from '../feed/query.ts';
import { documentOnly } from '../lib/document-only.ts';
import { once } from '../lib/once.ts';
import { cursorParam, limitParam, ONCE } from '../lib/query-params.ts';
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
import { placementFields } from '../db/placement.ts';
import { chosenIdSchema } from '../lib/resource-id.ts';
import { isCanonicalUuid } from '../lib/uuid.ts';
import { LIST_ID } from '../lists/fields.ts';
import { DUE_PROBLEM, dueOf } from './due.ts';
import { TODO_ID, todoFields } from './fields.ts';
import { listingOf } from './listing.ts';

export const todoSchema = documentOnly(() => responseSchema(todoFields, 'Todo'));

export const NewTodoSchema = once(() =>
  createSchema(todoFields, 'NewTodo', {
    ...placementFields('todo'),
    id: chosenIdSchema(
      "The new todo's id, chosen by the client (so it can refer to the todo before the server has seen it, and retry the create safely): a version 4 or 7 UUID in canonical lowercase form. Without it, the server makes a version 7 UUID.",
    ),
  }),
);

export const TodoPatchSchema = once(() => patchSchema(todoFields, 'TodoPatch', placementFields('todo')));

export const TodoIdParams = once(() => z.object({ id: TODO_ID.param }));

/** `?listId=`: one of the caller's lists (a list the caller cannot see is a 404 naming it). */
const listIdQuery = (description: string) =>
  z
    .string({ error: ONCE })
    .refine(isCanonicalUuid, 'must be a UUID in canonical lowercase form')
    .optional()
    .openapi({ param: { name: 'listId', in: 'query' }, format: 'uuid', description } as never);

/** A query parameter naming one todo or list: a malformed one is a 400 (a well-formed id the caller cannot see matches nothing). */
const idFilter = (is: (value: unknown) => boolean, description: string, name: string) =>
  z
    .string({ error: ONCE })
    .refine(is, 'must be a UUID in canonical lowercase form')
    .optional()
    .openapi({ param: { name, in: 'query' }, format: 'uuid', description } as never);

/** A due bound: a date or a date-time with an offset, as `due` takes them. */
const dueFilter = (description: string, name: string) =>
  z
    .string({ error: ONCE })
    .transform((value, ctx) => {
      const due = dueOf(value);
      if (due === undefined) ctx.addIssue({ code: 'custom', message: DUE_PROBLEM });
      return due ?? z.NEVER;
    })
    .optional()
    .openapi({ param: { name, in: 'query' }, description, example: '2026-12-24' } as never);

/** A true/false query parameter. */
const flag = (description: string, name: string) =>
  z
    .enum(['true', 'false'], { error: (issue) => (Array.isArray(issue.input) ? ONCE : 'must be true or false') })
    .transform((v) => v === 'true')
    .optional()
    .openapi({ param: { name, in: 'query' }, description } as never);

export const ListQuerySchema = once(() =>
  z
    .strictObject({
      listId: idFilter(
        (value) => LIST_ID.is(value),
        "Only this list's top-level todos, in their manual order (`position`, then `id`); its subtasks come with `parentId` or `subtasks=true`. A list the caller cannot see gives an empty page.",
        'listId',
      ),
      parentId: idFilter(
        (value) => TODO_ID.is(value),
        "Only this todo's subtasks, in their manual order (with `listId`: only if the todo is in that list).",
        'parentId',
      ),
      subtasks: flag(
        'With `listId`: every subtask of the list, grouped by parent (`parentId`, then `position`, `id`) instead of its top-level todos.',
        'subtasks',
      ),
      done: flag('Only todos with this done flag (true or false).', 'done'),
      dueBefore: dueFilter(
        'Only todos due strictly before this instant: a date (`YYYY-MM-DD`, the start of that day in UTC) or an RFC 3339 date-time with an offset. Todos without `due` never match.',
        'dueBefore',
      ),
      dueAfter: dueFilter(
        'Only todos due at or after this instant (a date: the start of that day in UTC). With `dueBefore`, a half-open window: `dueAfter=D&dueBefore=D+1` is exactly the day D in UTC.',
        'dueAfter',
      ),
      limit: limitParam(100, 20),
      cursor: cursorParam(
        (value) => decodeCursor(value, (id) => TODO_ID.is(id)),
        "The nextCursor of the previous page, of the same listing (another listing's order is a 400).",
      ),
    })
    // A combination no listing has, or a cursor of another order: named here, so the handler gets a valid listing.
    .superRefine((query, ctx) => {
      const listing = listingOf(query);
      if (Array.isArray(listing))
        for (const { path, message } of listing) ctx.addIssue({ code: 'custom', path: [path], message });
    }),
);

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
export const ImportQuerySchema = once(() =>
  z.strictObject({
    firstId: chosenIdSchema(
      "The first row's id, chosen by the client (version 4 or 7, canonical form): row k (0 for the first) gets this id plus k in its last 32 bits, which must not overflow. A row whose id is already the caller's, with the same values, counts as replayed; any other taken id refuses the whole import (409). Without it, the server makes version 7 ids that increase in file order.",
    )
      .optional()
      .openapi({ param: { name: 'firstId', in: 'query' }, example: '9b2f4c1e-3a5d-4e6f-8a7b-0c1d00000000' } as never),
    listId: listIdQuery("The list the rows go to, at its end in file order; without it, the caller's default list."),
  }),
);

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

export const ChangesQuerySchema = once(() => feedQuerySchema('every current todo'));

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
