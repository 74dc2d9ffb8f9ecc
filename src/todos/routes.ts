import { z } from '@hono/zod-openapi';
import { defineRoute } from '../lib/define-route.ts';
import { itemRouteParts } from '../lib/item-routes.ts';
import { documentOnly, lazySchema } from '../lib/document-only.ts';
import { problemResponses } from '../lib/openapi-responses.ts';
import { jsonRequest, requestOf } from '../lib/request-parts.ts';
import { problemSchema } from '../lib/problem.ts';
import { quotaExceededResponse, quotaExceededSchema } from '../me/schemas.ts';
import { atOnce } from '../middleware/at-once.ts';
import { operationRateLimit } from '../middleware/rate-limit/index.ts';
import { csvBody, jsonBody } from '../middleware/body.ts';
import { csvRecord } from '../csv/format.ts';
import { csvExampleOf, listed } from '../lib/fields.ts';
import { TODO_ID, todoFields } from './fields.ts';
import {
  IMPORT_MAX_BYTES,
  IMPORT_MAX_ROWS,
  IMPORT_MAX_STATEMENT_BYTES,
  IMPORT_OPTIONAL,
  IMPORT_REQUIRED,
  IMPORT_SMALL_BYTES,
  IMPORTED,
  LINK_COLUMNS,
} from './import-rows.ts';
import {
  ChangesQuerySchema,
  changesSchema,
  importProblemSchema,
  ImportQuerySchema,
  importResultSchema,
  ListQuerySchema,
  NewTodoSchema,
  TodoIdParams,
  todoListSchema,
  TodoPatchSchema,
  todoSchema,
} from './schemas.ts';

const tags = ['todos'];
/** Names in code spans, listed (`a`, `a` and `b`). */
const named = (names: string[]) => listed(names.map((name) => `\`${name}\``));
/** A response's JSON: only the document reads its schema (see documentOnly). */
const jsonOf = <T>(schema: () => T) => ({ 'application/json': lazySchema(schema) });
const NO_TODO = 'No todo with this id (an id that is not a UUID in canonical lowercase form names none).';
const NO_LIST = "`listId` names none of your lists (a missing list and another owner's are answered alike).";
/** The problems of these routes, in the resource's own words. */
const problems = <Status extends number>(...statuses: Status[]) =>
  problemResponses(statuses, {
    404: NO_TODO,
    410: 'Deletions after the `since` token may have been forgotten (the token is older than their retention, or the owner has deleted more than the deletions kept for them, as many as the todo quota): start again without `since`.',
  });

const {
  idempotencyHeaders,
  replayedHeader,
  representationHeaders,
  ifMatchHeaders,
  ifNoneMatchHeaders,
  preconditionFailed,
} = itemRouteParts('todo', TODO_ID.example);

/** 409 of a write that creates todos: past the quota (with its numbers), or an id it gives is taken. */
const conflict = {
  409: {
    description: `${quotaExceededResponse[409].description} Or an id the request gives is taken: by another todo, by a deleted one (ids are never reused), or by one first created with other values; nothing was written, and the answer is the same whoever took it.`,
    content: {
      'application/problem+json': lazySchema(documentOnly(() => z.union([quotaExceededSchema(), problemSchema()]))),
    },
  },
};

/** 404 of a `listId` that names none of the caller's lists. */
const listNotFoundResponse = {
  description: "`listId` names no list of the caller's (`errors` names `listId`).",
  content: { 'application/problem+json': lazySchema(problemSchema) },
};

export const createTodo = defineRoute({
  method: 'post',
  path: '/todos',
  operationId: 'createTodo',
  tags,
  summary: 'Create a todo',
  description:
    "With `id`, the client chooses the id: the same id with the same values again answers the todo as it is now, with `Idempotent-Replayed: true`; with other values, another owner's id or a deleted todo's, 409. The todo goes into `listId` (absent: your default list; for a subtask, its parent's list) at the top of its siblings, unless `position` places it.",
  middleware: jsonBody(),
  request: requestOf({ headers: idempotencyHeaders, body: jsonRequest(NewTodoSchema) }),
  responses: {
    201: {
      description:
        'Created (or, for a repeated Idempotency-Key or a repeated create of the same `id`, the todo with `Idempotent-Replayed: true`).',
      headers: {
        Location: {
          description: "The new todo's URL.",
          schema: { type: 'string', example: `/todos/${TODO_ID.example}` },
        },
        ...representationHeaders,
        ...replayedHeader,
      },
      content: jsonOf(todoSchema),
    },
    ...conflict,
    ...problems(400, 413, 415, 422, 429, 500, 503),
    ...problemResponses<404>([404], { 404: NO_LIST }),
  },
});

export const listTodos = defineRoute({
  method: 'get',
  path: '/todos',
  operationId: 'listTodos',
  tags,
  summary: "List todos, newest first or in a list's order; or export them as CSV",
  description: [
    "Without `listId` or `parentId`: every todo, newest first. With `listId`: the list's top-level todos in their manual order; with `parentId`: that todo's subtasks; with `listId` and `subtasks=true`: all the list's subtasks, grouped by parent. `done`, `dueBefore` and `dueAfter` filter each of them; a cursor belongs to its listing's order (docs/api.md, \"Listing todos\").",
    "With `Accept: text/csv`, streams every matching todo (not `limit` or `cursor`): without `listId` or `parentId` oldest first, so that re-importing the file keeps their order; with `listId` alone, the whole list, each top-level todo followed by its subtasks, in the list's order (what an import into a list recreates); otherwise in the listing's order. A cell that starts with `=`, `+`, `-`, `@` or `'` is written behind one more `'`, so a spreadsheet shows it as text, not a formula; the import takes that `'` away.",
  ].join(' '),
  request: requestOf({ query: ListQuerySchema }),
  responses: {
    200: {
      description: 'One page of todos; or, for `Accept: text/csv`, all of them.',
      content: jsonOf(todoListSchema),
    },
    404: listNotFoundResponse,
    ...problems(400, 406, 429, 500, 503),
  },
});
// The CSV alternative joins the document after the route's type is fixed: a typed client
// (hc<AppType>) then sees the JSON page, which is what it asks for, not a union with text.
Object.assign(listTodos.responses[200].content, {
  'text/csv': lazySchema(documentOnly(() => z.string().openapi({ example: csvExampleOf(todoFields, csvRecord) }))),
});

export const importTodos = defineRoute({
  method: 'post',
  path: '/todos/import',
  operationId: 'importTodos',
  tags,
  summary: 'Import todos from CSV, all or nothing',
  description: [
    `A header row naming ${named(IMPORT_REQUIRED)} and optionally ${named([...IMPORT_OPTIONAL, ...LINK_COLUMNS])} (the export's ${IMPORTED.ignored.map((name) => `\`${name}\``).join(', ')} columns are accepted and ignored), then one todo per row.`,
    "Into `listId` (the caller's default list without it), at the end of the list in file order. `id` and `parentId` are labels within the file: a row whose `parentId` names another row's `id` becomes that row's subtask (subtasks in file order under their parent); a `parentId` naming no row of the file, a subtask, or its own row refuses the file (400, naming the row and line), and so do two rows with one `id`. The rows get new ids.",
    'RFC 4180 quoting, LF, CRLF or lone CR line ends, UTF-8 with an optional BOM; `done` is true/false, 1/0, yes/no in any case, empty for false.',
    `Every row obeys the rules of POST /todos; one bad row rejects the whole file. At most ${IMPORT_MAX_BYTES} bytes and ${IMPORT_MAX_ROWS} rows, blank lines included, and at most ${IMPORT_MAX_STATEMENT_BYTES} bytes of rows once encoded for the database (413 otherwise; npm run import sends a larger file in chunks).`,
    "A text that starts with `'` followed by `=`, `+`, `-`, `@` or `'` loses that one `'`: the export writes it before formula-like texts, so an export imports back as it was.",
    `One import over ${IMPORT_SMALL_BYTES} bytes (or of unstated length) at a time per server instance: another sent meanwhile is answered 503 with Retry-After before its body is read.`,
    'Rows get ids in file order: made by the server (version 7), or counted up from `firstId`, which makes a repeat of the import safe at any time (its rows already in are counted as `replayed`).',
  ].join(' '),
  // One large import at a time per isolate: each holds up to 4 MiB of rows, several times over while it is sent.
  middleware: [
    // Imports have a per-owner limit of their own, lower than every request's, counted before the body is read.
    operationRateLimit('IMPORT_RATE_LIMITER', 'imports'),
    atOnce({
      max: 1,
      what: 'import',
      exempt: (c) => Number(c.req.header('content-length')) <= IMPORT_SMALL_BYTES,
    }),
    csvBody(IMPORT_MAX_BYTES),
  ],
  request: requestOf({
    query: ImportQuerySchema,
    headers: idempotencyHeaders,
    body: () => ({
      required: true as const,
      content: {
        'text/csv': {
          schema: z.string().openapi({ example: 'text,done\nBuy milk,false\n"Call Ann, then Bob",yes\n' }),
        },
      },
    }),
  }),
  responses: {
    201: { description: 'Every row was inserted.', headers: replayedHeader, content: jsonOf(importResultSchema) },
    400: {
      description: 'Invalid rows (the first 100, in `rows`), a bad header or broken CSV; nothing was inserted.',
      content: { 'application/problem+json': lazySchema(importProblemSchema) },
    },
    404: listNotFoundResponse,
    ...conflict,
    ...problems(413, 415, 422, 429, 500, 503),
  },
});

export const listChanges = defineRoute({
  method: 'get',
  path: '/todos/changes',
  operationId: 'listChanges',
  tags,
  summary: 'What changed since a token: keep a local copy in sync',
  description: [
    'Without `since`, pages through every todo; then each call with the last `next` returns what changed since: todos as they are now, and deletions.',
    'It never misses a change: a change is handed out only once every transaction that started before it has ended, so a long transaction anywhere in the database delays changes, never loses them.',
    'Repeating a call with the same token is harmless. Deletions are kept for the retention (30 days by default): an older token is a 410, and the client starts again without `since`; so is a token issued before todo ids became UUIDs.',
  ].join(' '),
  request: requestOf({ query: ChangesQuerySchema }),
  responses: {
    200: { description: 'One page of changes.', content: jsonOf(changesSchema) },
    ...problems(400, 410, 429, 500, 503),
  },
});

export const getTodo = defineRoute({
  method: 'get',
  path: '/todos/{id}',
  operationId: 'getTodo',
  tags,
  summary: 'Get one todo',
  request: requestOf({ params: TodoIdParams, headers: ifNoneMatchHeaders }),
  responses: {
    200: { description: 'The todo.', headers: representationHeaders, content: jsonOf(todoSchema) },
    304: { description: 'The copy named by If-None-Match is current: no body.', headers: representationHeaders },
    ...problems(400, 404, 429, 500, 503),
  },
});

export const updateTodo = defineRoute({
  method: 'patch',
  path: '/todos/{id}',
  operationId: 'updateTodo',
  tags,
  summary: "Change some of a todo's fields",
  middleware: jsonBody(),
  description:
    "Every PATCH adds 1 to `version`, even one that changes nothing. With If-Match, the change happens only at that version (412 otherwise). A new `listId` moves the todo with its subtasks (a subtask alone cannot leave its parent's list: 400); a `parentId` of another list moves the todo there; a todo that changes list or parent goes to the top of its new siblings unless `position` places it.",
  request: requestOf({ params: TodoIdParams, headers: ifMatchHeaders, body: jsonRequest(TodoPatchSchema) }),
  responses: {
    200: { description: 'The updated todo.', headers: representationHeaders, content: jsonOf(todoSchema) },
    ...preconditionFailed,
    ...problems(400, 413, 415, 429, 500, 503),
    ...problemResponses<404>([404], { 404: `${NO_TODO} Or ${NO_LIST}` }),
  },
});

export const deleteTodo = defineRoute({
  method: 'delete',
  path: '/todos/{id}',
  operationId: 'deleteTodo',
  tags,
  summary: 'Delete a todo',
  request: requestOf({ params: TodoIdParams, headers: ifMatchHeaders }),
  responses: {
    204: { description: 'Deleted.' },
    ...preconditionFailed,
    ...problems(400, 404, 429, 500, 503),
  },
});
