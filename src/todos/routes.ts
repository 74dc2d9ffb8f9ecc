import { createRoute, z } from '@hono/zod-openapi';
import { jsonBody } from '../middleware/json-body.ts';
import { problemResponses } from '../lib/openapi-responses.ts';
import { ListQuerySchema, NewTodoSchema, TodoIdParams, TodoListSchema, TodoPatchSchema, TodoSchema } from './schemas.ts';

const tags = ['todos'];
const json = <T>(schema: T) => ({ 'application/json': { schema } });
const security = [{ bearerAuth: [] }];

export const createTodo = createRoute({
  method: 'post', path: '/todos', operationId: 'createTodo', tags, security,
  summary: 'Create a todo',
  middleware: jsonBody(),
  request: {
    headers: z.object({
      'idempotency-key': z.string().optional().openapi({
        param: { in: 'header' },
        description: 'Makes retries safe: the same key with the same body returns the original 201 and creates nothing (for 24 h); with another body, 422.',
        example: '8e03978e-40d5-43e8-bc93-6894a57f9324',
      } as never),
    }),
    body: { required: true, content: json(NewTodoSchema) },
  },
  responses: {
    201: {
      description: 'Created (or, for a repeated Idempotency-Key, the original response with `Idempotent-Replayed: true`).',
      headers: {
        Location: { description: 'The new todo\'s URL.', schema: { type: 'string', example: '/todos/42' } },
        'Idempotent-Replayed': { description: 'Present and `true` when this is a replay.', schema: { type: 'string', enum: ['true'] } },
      },
      content: json(TodoSchema),
    },
    ...problemResponses(400, 401, 413, 415, 422, 429, 500, 503),
  },
});

export const listTodos = createRoute({
  method: 'get', path: '/todos', operationId: 'listTodos', tags, security,
  summary: 'List todos, newest first',
  request: { query: ListQuerySchema },
  responses: { 200: { description: 'One page of todos.', content: json(TodoListSchema) }, ...problemResponses(400, 401, 429, 500, 503) },
});

export const getTodo = createRoute({
  method: 'get', path: '/todos/{id}', operationId: 'getTodo', tags, security,
  summary: 'Get one todo',
  request: { params: TodoIdParams },
  responses: { 200: { description: 'The todo.', content: json(TodoSchema) }, ...problemResponses(400, 401, 404, 429, 500, 503) },
});

export const updateTodo = createRoute({
  method: 'patch', path: '/todos/{id}', operationId: 'updateTodo', tags, security,
  summary: 'Change a todo\'s text and/or done flag',
  middleware: jsonBody(),
  request: { params: TodoIdParams, body: { required: true, content: json(TodoPatchSchema) } },
  responses: { 200: { description: 'The updated todo.', content: json(TodoSchema) }, ...problemResponses(400, 401, 404, 413, 415, 429, 500, 503) },
});

export const deleteTodo = createRoute({
  method: 'delete', path: '/todos/{id}', operationId: 'deleteTodo', tags, security,
  summary: 'Delete a todo',
  request: { params: TodoIdParams },
  responses: { 204: { description: 'Deleted.' }, ...problemResponses(400, 401, 404, 429, 500, 503) },
});
