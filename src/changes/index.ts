import { createRouter } from '../lib/create-router.ts';
import { resource } from '../lib/resource.ts';
import * as handlers from './handlers.ts';
import * as routes from './routes.ts';

/** GET /changes: one change feed of everything the caller has, lists and todos. */
const router = createRouter().openapi(routes.listAllChanges, handlers.listAllChanges);

export const changes = resource({
  router,
  tag: { name: 'changes', description: 'One change feed of lists and todos, to keep a local copy in sync.' },
});
