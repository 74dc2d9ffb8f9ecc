import type { CallOptions } from './client.ts';

/** An id no row has: ids come from a sequence that never gets near it (the fuzzer keeps to 2e9 and above). */
export const NO_SUCH_ID = 2147483645;

const csv = { 'content-type': 'text/csv' };
const key = () => ({ 'idempotency-key': crypto.randomUUID() });

export interface Operation {
  name: string;
  method: string;
  path: string;
  /** Fresh each call (a new Idempotency-Key). */
  options: () => CallOptions;
  /** Attempts on a transient failure: 3 where repeating is harmless (reads, PATCH, keyed writes), else 1. */
  attempts: 1 | 3;
}

/** Every operation that reaches the database, each as a client would send it. */
export const databaseOperations: Operation[] = [
  { name: 'GET /health', method: 'GET', path: '/health', options: () => ({}), attempts: 3 },
  { name: 'GET /todos', method: 'GET', path: '/todos', options: () => ({}), attempts: 3 },
  {
    name: 'GET /todos as CSV (its first page)',
    method: 'GET',
    path: '/todos',
    options: () => ({ headers: { accept: 'text/csv' } }),
    attempts: 3,
  },
  { name: 'GET /todos/{id}', method: 'GET', path: `/todos/${NO_SUCH_ID}`, options: () => ({}), attempts: 3 },
  {
    name: 'PATCH /todos/{id}',
    method: 'PATCH',
    path: `/todos/${NO_SUCH_ID}`,
    options: () => ({ json: { done: true } }),
    attempts: 3,
  },
  {
    name: 'POST /todos with an Idempotency-Key',
    method: 'POST',
    path: '/todos',
    options: () => ({ json: { text: 'x' }, headers: key() }),
    attempts: 3,
  },
  {
    name: 'POST /todos/import with an Idempotency-Key',
    method: 'POST',
    path: '/todos/import',
    options: () => ({ body: 'text\nx\n', headers: { ...csv, ...key() } }),
    attempts: 3,
  },
  { name: 'POST /todos', method: 'POST', path: '/todos', options: () => ({ json: { text: 'x' } }), attempts: 1 },
  {
    name: 'POST /todos/import',
    method: 'POST',
    path: '/todos/import',
    options: () => ({ body: 'text\nx\n', headers: csv }),
    attempts: 1,
  },
  { name: 'DELETE /todos/{id}', method: 'DELETE', path: `/todos/${NO_SUCH_ID}`, options: () => ({}), attempts: 1 },
];
