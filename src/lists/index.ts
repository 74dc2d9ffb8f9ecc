import { createRouter } from '../lib/create-router.ts';
import { resource } from '../lib/resource.ts';
import * as handlers from './handlers.ts';
import * as routes from './routes.ts';

/** The /lists resource: route declarations wired to their handlers. */
const router = createRouter()
  .openapi(routes.createList, handlers.createList)
  .openapi(routes.listLists, handlers.listLists)
  .openapi(routes.getList, handlers.getList)
  .openapi(routes.updateList, handlers.updateList)
  .openapi(routes.deleteList, handlers.deleteList);

export const lists = resource({
  router,
  tag: { name: 'lists', description: "Create, order, rename and delete the caller's lists of todos." },
});
