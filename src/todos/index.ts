import { createRouter } from '../lib/create-router.ts';
import { resource } from '../lib/resource.ts';
import * as handlers from './handlers.ts';
import * as routes from './routes.ts';

/** The /todos resource: route declarations wired to their handlers. */
const router = createRouter()
  .openapi(routes.createTodo, handlers.createTodo)
  .openapi(routes.importTodos, handlers.importTodos)
  .openapi(routes.listTodos, handlers.listTodos)
  // Before /todos/{id}, which would otherwise take "changes" for an id.
  .openapi(routes.listChanges, handlers.listChanges)
  .openapi(routes.getTodo, handlers.getTodo)
  .openapi(routes.updateTodo, handlers.updateTodo)
  .openapi(routes.deleteTodo, handlers.deleteTodo);

export const todos = resource({
  router,
  tag: { name: 'todos', description: 'Create, list, read, change and delete todos.' },
});
