import { z } from '@hono/zod-openapi';
import { documentOnly } from '../lib/document-only.ts';
import { once } from '../lib/once.ts';
import { cursorParam, limitParam } from '../lib/query-params.ts';
import { createSchema, patchSchema, responseSchema, type CreateOf, type JsonOf, type PatchOf } from '../lib/fields.ts';
import { decodePositionCursor } from '../lib/position-cursor.ts';
import { chosenIdSchema } from '../lib/resource-id.ts';
import { placementFields } from '../db/placement.ts';
import { LIST_ID, listFields } from './fields.ts';

export const listSchema = documentOnly(() => responseSchema(listFields, 'List'));

// A list is placed by a key (`position`) or by a neighbour (`after`/`before`: src/db/placement.ts), or goes last.
export const NewListSchema = once(() =>
  createSchema(listFields, 'NewList', {
    ...placementFields('list'),
    id: chosenIdSchema(
      "The new list's id, chosen by the client (so it can refer to the list, and put todos in it, before the server has seen it, and retry the create safely): a version 4 or 7 UUID in canonical lowercase form. Without it, the server makes a version 7 UUID.",
    ),
  }),
);

export const ListPatchSchema = once(() => patchSchema(listFields, 'ListPatch', placementFields('list')));

export const ListIdParams = once(() => z.object({ id: LIST_ID.param }));

/** The largest page of lists, and the page a client gets without `limit`: most owners' lists fit in one. */
export const LISTS_MAX_LIMIT = 100;

export const ListsQuerySchema = once(() =>
  z.strictObject({
    limit: limitParam(LISTS_MAX_LIMIT, LISTS_MAX_LIMIT),
    cursor: cursorParam(
      (value) => decodePositionCursor(value, (id) => LIST_ID.is(id)),
      'The nextCursor of the previous page.',
    ),
  }),
);

export const listPageSchema = documentOnly(() =>
  z
    .object({
      items: z.array(listSchema()),
      nextCursor: z
        .string()
        .nullable()
        .openapi({ description: 'Pass as ?cursor= for the next page; null on the last page.' }),
    })
    .openapi('ListPage'),
);

export type List = JsonOf<typeof listFields>;
export type NewList = CreateOf<typeof listFields>;
export type ListPatch = PatchOf<typeof listFields>;
