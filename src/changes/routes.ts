import { defineRoute } from '../lib/define-route.ts';
import { requestOf } from '../lib/request-parts.ts';
import { lazySchema } from '../lib/document-only.ts';
import { problemResponses } from '../lib/openapi-responses.ts';
import { ChangesQuerySchema, changesSchema } from './schemas.ts';

export const listAllChanges = defineRoute({
  method: 'get',
  path: '/changes',
  operationId: 'listAllChanges',
  tags: ['changes'],
  summary: 'What changed since a token, lists and todos: keep a local copy of everything in sync',
  description: [
    'Without `since`, pages through every list and todo; then each call with the last `next` returns what changed since: lists and todos as they are now, and deletions, each named by `kind`.',
    "Deleting a list deletes its todos: each arrives as a todo deletion, beside the list's.",
    'It never misses a change: a change is handed out only once every transaction that started before it has ended, so a long transaction anywhere in the database delays changes, never loses them.',
    'Repeating a call with the same token is harmless. Deletions are kept for the retention (30 days by default): an older token is a 410, and the client starts again without `since`. A token of GET /todos/changes is a 400 here (and one of this feed a 400 there).',
  ].join(' '),
  request: requestOf({ query: ChangesQuerySchema }),
  responses: {
    200: { description: 'One page of changes.', content: { 'application/json': lazySchema(changesSchema) } },
    ...problemResponses([400, 410, 429, 500, 503], {
      410: 'Deletions after the `since` token may have been forgotten (the token is older than their retention, or the owner has deleted more todos than the deletions kept for them, as many as the todo quota): start again without `since`.',
    }),
  },
});
