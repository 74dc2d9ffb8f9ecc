import type { RouteHandler } from '@hono/zod-openapi';
import type { AppEnv } from '../env.ts';
import { decodeCursor, encodeCursor } from '../lib/cursor.ts';
import { ProblemError } from '../lib/problem.ts';
import { idempotencyKey, replay, requestHash } from '../idempotency/key.ts';
import * as queries from './queries.ts';
import type { Todo } from './schemas.ts';
import type * as routes from './routes.ts';

const notFound = (id: number) => new ProblemError(404, `There is no todo with id ${id}.`);

export const createTodo: RouteHandler<typeof routes.createTodo, AppEnv> = async (c) => {
  const input = c.req.valid('json');
  const key = idempotencyKey(c.req.header('idempotency-key'));
  if (key === undefined) {
    // Without a key a repeat would create a second todo, so it is never retried.
    const todo = await c.var.db.query((db) => queries.insertTodo(db, input), { idempotent: false });
    return c.json(todo, 201, { Location: `/todos/${todo.id}` });
  }
  const hash = await requestHash({ text: input.text, done: input.done ?? false });
  const once = () => c.var.db.query((db) => queries.insertTodoOnce(db, { key, hash, ...input }), { idempotent: true });
  // A second run only happens when a concurrent request with this key won the race; it replays that one.
  const outcome = (await once()) ?? (await once());
  if (!outcome) throw new Error('idempotent create found neither a new nor an existing key');
  const body = outcome.created ? outcome.response : replay(outcome, hash);
  const todo = JSON.parse(body) as Todo;
  return c.json(todo, 201, { Location: `/todos/${todo.id}`, ...(outcome.created ? {} : { 'Idempotent-Replayed': 'true' }) });
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
