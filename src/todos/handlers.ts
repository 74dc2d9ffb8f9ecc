import type { RouteHandler } from '@hono/zod-openapi';
import type { AppEnv } from '../env.ts';
import { decodeCursor, encodeCursor } from '../lib/cursor.ts';
import { ProblemError } from '../lib/problem.ts';
import * as queries from './queries.ts';
import type * as routes from './routes.ts';

const notFound = (id: number) => new ProblemError(404, `There is no todo with id ${id}.`);

export const createTodo: RouteHandler<typeof routes.createTodo, AppEnv> = async (c) => {
  const input = c.req.valid('json');
  const todo = await c.var.db.query((db) => queries.insertTodo(db, input), { idempotent: false });
  return c.json(todo, 201, { Location: `/todos/${todo.id}` });
};

export const listTodos: RouteHandler<typeof routes.listTodos, AppEnv> = async (c) => {
  const { done, limit = 20, cursor } = c.req.valid('query');
  const after = cursor === undefined ? undefined : decodeCursor(cursor);
  const rows = await c.var.db.query((db) => queries.listTodos(db, { done, limit, after }), { idempotent: true });
  const items = rows.slice(0, limit);
  const last = items[items.length - 1];
  return c.json({ items, nextCursor: rows.length > limit && last ? encodeCursor(last) : null }, 200);
};

export const getTodo: RouteHandler<typeof routes.getTodo, AppEnv> = async (c) => {
  const { id } = c.req.valid('param');
  const todo = await c.var.db.query((db) => queries.findTodo(db, id), { idempotent: true });
  if (!todo) throw notFound(id);
  return c.json(todo, 200);
};

export const updateTodo: RouteHandler<typeof routes.updateTodo, AppEnv> = async (c) => {
  const { id } = c.req.valid('param');
  const patch = c.req.valid('json');
  // Setting absolute values twice leaves the same state, so a retry is harmless.
  const todo = await c.var.db.query((db) => queries.updateTodo(db, id, patch), { idempotent: true });
  if (!todo) throw notFound(id);
  return c.json(todo, 200);
};

export const deleteTodo: RouteHandler<typeof routes.deleteTodo, AppEnv> = async (c) => {
  const { id } = c.req.valid('param');
  // Not retried: a repeat of a delete that did land would answer 404.
  const deleted = await c.var.db.query((db) => queries.deleteTodo(db, id), { idempotent: false });
  if (!deleted) throw notFound(id);
  return c.body(null, 204);
};
