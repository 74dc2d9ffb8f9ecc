import { createRouter } from '../lib/create-router.ts';
import * as handlers from './handlers.ts';
import * as routes from './routes.ts';

/** The /todos resource: route declarations wired to their handlers. */
export const todosRouter = createRouter()
  .openapi(routes.createTodo, handlers.createTodo)
  .openapi(routes.importTodos, handlers.importTodos)
  .openapi(routes.listTodos, handlers.listTodos)
  .openapi(routes.getTodo, handlers.getTodo)
  .openapi(routes.updateTodo, handlers.updateTodo)
  .openapi(routes.deleteTodo, handlers.deleteTodo);
