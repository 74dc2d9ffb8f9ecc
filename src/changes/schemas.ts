import { z } from '@hono/zod-openapi';
import { feedQuerySchema } from '../feed/query.ts';
import { documentOnly } from '../lib/document-only.ts';
import { once } from '../lib/once.ts';
import { LIST_ID } from '../lists/fields.ts';
import { listSchema } from '../lists/schemas.ts';
import { TODO_ID } from '../todos/fields.ts';
import { todoSchema } from '../todos/schemas.ts';

export const ChangesQuerySchema = once(() => feedQuerySchema('every current list and todo'));

/** `kind` first, then the resource's own JSON. */
const kindOf = <Kind extends string>(kind: Kind, description: string) =>
  z.object({ kind: z.literal(kind).openapi({ description }) });

const deletion = (kind: 'list' | 'todo', id: () => z.ZodType) =>
  kindOf(kind, `A deleted ${kind}.`).extend({
    id: id(),
    deleted: z.literal(true),
    version: z
      .number()
      .int()
      .min(2)
      .openapi({ description: `The ${kind}'s last version + 1.`, example: 4 }),
  });

export const changeSchema = documentOnly(() =>
  z
    .union([
      kindOf('list', 'A list, as it is now.').and(listSchema()).openapi('ListChange'),
      kindOf('todo', 'A todo, as it is now.').and(todoSchema()).openapi('TodoChange'),
      deletion('list', LIST_ID.schema).openapi('DeletedListChange'),
      deletion('todo', TODO_ID.schema).openapi('DeletedTodoChange'),
    ])
    .openapi('Change', {
      description:
        'One change, named by `kind` ("list" or "todo"): the thing as it is now, or `{kind, id, deleted: true, version}` for a deletion.',
    }),
);

export const changesSchema = documentOnly(() =>
  z
    .object({
      changes: z.array(changeSchema()).openapi({
        description:
          'In the order they happened (by transaction; within one, lists before todos): each changed list or todo as it is now, or a deletion. Each appears once per page, at its latest change.',
      }),
      next: z
        .string()
        .openapi({ description: 'Pass as ?since= for what changed after this page (to GET /changes only).' }),
      more: z.boolean().openapi({ description: 'True: more changes are waiting; ask again at once with `next`.' }),
    })
    .openapi('AllChanges'),
);
