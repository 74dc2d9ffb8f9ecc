import { z } from '@hono/zod-openapi';
import { defineRoute } from '../lib/define-route.ts';
import { documentOnly, lazySchema } from '../lib/document-only.ts';
import { itemRouteParts } from '../lib/item-routes.ts';
import { problemResponses } from '../lib/openapi-responses.ts';
import { jsonRequest, requestOf } from '../lib/request-parts.ts';
import { problemSchema } from '../lib/problem.ts';
import { listQuotaExceededResponse, listQuotaExceededSchema } from '../me/schemas.ts';
import { jsonBody } from '../middleware/body.ts';
import { DEFAULT_LIST_TITLE, LIST_ID } from './fields.ts';
import {
  ListIdParams,
  listPageSchema,
  ListPatchSchema,
  listSchema,
  ListsQuerySchema,
  LISTS_MAX_LIMIT,
  NewListSchema,
} from './schemas.ts';

const tags = ['lists'];
/** A response's JSON: only the document reads its schema (see documentOnly). */
const jsonOf = <T>(schema: () => T) => ({ 'application/json': lazySchema(schema) });
/** The problems of these routes, in the resource's own words. */
const problems = <Status extends number>(...statuses: Status[]) =>
  problemResponses(statuses, {
    404: "No list of the caller's with this id (an id that is not a UUID in canonical lowercase form names none).",
  });

const {
  idempotencyHeaders,
  replayedHeader,
  representationHeaders,
  ifMatchHeaders,
  ifNoneMatchHeaders,
  preconditionFailed,
} = itemRouteParts('list', LIST_ID.example);

const DEFAULT_LIST = `Every owner has one default list (\`isDefault: true\`, titled "${DEFAULT_LIST_TITLE}" until renamed), whose id is derived from the owner; until a write needs it, it is shown with version 1 and the time of the read as its createdAt and updatedAt.`;

export const createList = defineRoute({
  method: 'post',
  path: '/lists',
  operationId: 'createList',
  tags,
  summary: 'Create a list',
  description:
    "With `after` or `before` (a list of the caller's, the default list included, or null), the server places the list next to it; with neither, nor `position`, the list goes at the end of the caller's lists. With `id`, the client chooses the id: the same id with the same values (wherever `after` or `before` asks it to go) again answers the list as it is now, with `Idempotent-Replayed: true`; with other values, another owner's id or a deleted list's, 409.",
  middleware: jsonBody(),
  request: requestOf({ headers: idempotencyHeaders, body: jsonRequest(NewListSchema) }),
  responses: {
    201: {
      description:
        'Created (or, for a repeated Idempotency-Key or a repeated create of the same `id`, the list with `Idempotent-Replayed: true`).',
      headers: {
        Location: {
          description: "The new list's URL.",
          schema: { type: 'string', example: `/lists/${LIST_ID.example}` },
        },
        ...representationHeaders,
        ...replayedHeader,
      },
      content: jsonOf(listSchema),
    },
    409: {
      description: `${listQuotaExceededResponse[409].description} Or the \`id\` is taken: by another list, by a deleted one (ids are never reused), or by one first created with other values; nothing was written, and the answer is the same whoever took it.`,
      content: {
        'application/problem+json': lazySchema(
          documentOnly(() => z.union([listQuotaExceededSchema(), problemSchema()])),
        ),
      },
    },
    ...problems(400, 413, 415, 422, 429, 500, 503),
  },
});

export const listLists = defineRoute({
  method: 'get',
  path: '/lists',
  operationId: 'listLists',
  tags,
  summary: "The caller's lists, in their order",
  description: `Ordered by \`position\` (byte-wise), ties broken by id; ${LISTS_MAX_LIMIT} a page unless \`limit\` says fewer. ${DEFAULT_LIST} A read writes nothing.`,
  request: requestOf({ query: ListsQuerySchema }),
  responses: {
    200: { description: 'One page of lists.', content: jsonOf(listPageSchema) },
    ...problems(400, 429, 500, 503),
  },
});

export const getList = defineRoute({
  method: 'get',
  path: '/lists/{id}',
  operationId: 'getList',
  tags,
  summary: 'Get one list',
  description: DEFAULT_LIST,
  request: requestOf({ params: ListIdParams, headers: ifNoneMatchHeaders }),
  responses: {
    200: { description: 'The list.', headers: representationHeaders, content: jsonOf(listSchema) },
    304: { description: 'The copy named by If-None-Match is current: no body.', headers: representationHeaders },
    ...problems(400, 404, 429, 500, 503),
  },
});

export const updateList = defineRoute({
  method: 'patch',
  path: '/lists/{id}',
  operationId: 'updateList',
  tags,
  summary: 'Rename or move a list',
  middleware: jsonBody(),
  description:
    "`after` or `before` moves the list next to another of the caller's (null: first, or last). Every PATCH adds 1 to `version`, even one that changes nothing. With If-Match, the change happens only at that version (412 otherwise). The default list can be renamed and moved like any other.",
  request: requestOf({ params: ListIdParams, headers: ifMatchHeaders, body: jsonRequest(ListPatchSchema) }),
  responses: {
    200: { description: 'The updated list.', headers: representationHeaders, content: jsonOf(listSchema) },
    ...preconditionFailed,
    ...problems(400, 404, 413, 415, 429, 500, 503),
  },
});

export const deleteList = defineRoute({
  method: 'delete',
  path: '/lists/{id}',
  operationId: 'deleteList',
  tags,
  summary: 'Delete a list and its todos',
  description:
    'Its todos are deleted with it, each a deletion in the change feed, as the list is. The default list cannot be deleted (409).',
  request: requestOf({ params: ListIdParams, headers: ifMatchHeaders }),
  responses: {
    204: { description: 'Deleted, with its todos.' },
    ...preconditionFailed,
    ...problems(400, 404, 409, 429, 500, 503),
  },
});
