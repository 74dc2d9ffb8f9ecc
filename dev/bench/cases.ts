import { NIL_UUID } from '../../src/lib/uuid.ts';
import { todoText } from './seed.ts';

/** What a case's requests may draw on: the seeded ids, and ids created to be deleted once each. */
export interface CaseContext {
  /** Todos of the default list (10,000), never moved nor deleted. */
  ids: string[];
  /** The default list's id: the list of `ids`. */
  listId: string;
  /** Lists other than the default, never deleted. */
  lists: string[];
  /** Todos that the move case moves between `lists`. */
  movable: string[];
  /** A JWT from the stack's local issuer, which the benchmarked Worker trusts (its keys cached after the warm-up). */
  bearer: string;
  /** The next never-deleted id of the case's pool (todos, or lists); undefined when the pool ran dry. */
  takeDeletable: () => string | undefined;
}

/** One autocannon request template; `setupRequest` rewrites it before each send. */
export interface RequestSpec {
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  path: string;
  headers?: Record<string, string>;
  body?: string;
  setupRequest?: (req: RequestSpec) => RequestSpec;
}

export interface BenchCase {
  name: string;
  /** What the table shows as the request. */
  label: string;
  /** The status every response should have. */
  expectedStatus: number;
  /** Database round trips one request should make (the budget): 1 for every database endpoint, 0 for the floor. */
  expectedRoundTrips: number;
  /** The floor: runs the middleware chain and the router, touches no database. */
  floor?: boolean;
  /**
   * Measured in the interleaved budget rounds (see rounds.ts) at 16 and 64 connections, not in the plain
   * sequence; `versus` names the control case it is held against (CPU and, for list, throughput).
   */
  rounds?: { versus?: string };
  /** Served by the bench-only control Worker (dev/bench/control-worker.ts), not the deployed one; HTTP transport only. */
  control?: boolean;
  /** Each request deletes one item of a pool made for the case (`takeDeletable`): of todos, or of lists holding todos. */
  pool?: 'todos' | 'lists';
  request(ctx: CaseContext): RequestSpec;
}

const JSON_HEADERS = { 'content-type': 'application/json' };
const pick = <T>(items: T[]): T => items[Math.floor(Math.random() * items.length)]!;

/** What one request to an item draws: the item's id (undefined: the pool ran dry), and a JSON body and headers. */
interface ItemDraw {
  id: string | undefined;
  body?: unknown;
  headers?: Record<string, string>;
}

/**
 * A request to one item, `/<things>/{id}`, the id (and body) drawn afresh for
 * each request. The template's path names the nil UUID, as does a drawn id
 * that is missing: a 404, which the case's expected status shows.
 */
const itemRequest = (things: 'todos' | 'lists', method: RequestSpec['method'], draw: () => ItemDraw): RequestSpec => ({
  method,
  path: `/${things}/${NIL_UUID}`,
  ...(method === 'PATCH' ? { headers: JSON_HEADERS } : {}),
  setupRequest: (req) => {
    const { id, body, headers } = draw();
    return {
      ...req,
      path: `/${things}/${id ?? NIL_UUID}`,
      ...(headers ? { headers: { ...req.headers, ...headers } } : {}),
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    };
  },
});

/** POST /todos with a fresh realistic text: the same requests for the API and the control Worker. */
const newTodo = (): RequestSpec => ({
  method: 'POST',
  path: '/todos',
  headers: JSON_HEADERS,
  setupRequest: (req) => ({ ...req, body: JSON.stringify({ text: todoText(), done: Math.random() < 0.3 }) }),
});

/**
 * Every case, in the order they run. The floor is a 404 on an unknown path: the
 * whole middleware chain (request id, log, secure headers, CORS, db handle) and
 * the problem+json 404, without any database I/O or OpenAPI document work.
 */
export const CASES: BenchCase[] = [
  {
    name: 'floor',
    label: 'GET /bench-floor (404, no db)',
    expectedStatus: 404,
    expectedRoundTrips: 0,
    floor: true,
    request: () => ({ method: 'GET', path: '/bench-floor' }),
  },
  {
    name: 'health',
    label: 'GET /health',
    expectedStatus: 200,
    expectedRoundTrips: 1,
    request: () => ({ method: 'GET', path: '/health' }),
  },
  {
    name: 'list',
    label: 'GET /todos',
    expectedStatus: 200,
    expectedRoundTrips: 1,
    rounds: { versus: 'control' },
    request: () => ({ method: 'GET', path: '/todos' }),
  },
  {
    name: 'control',
    label: 'GET /todos, control Worker (driver only)',
    expectedStatus: 200,
    expectedRoundTrips: 1,
    control: true,
    rounds: {},
    request: () => ({ method: 'GET', path: '/todos' }),
  },
  {
    name: 'control-floor',
    label: 'GET /bench-floor, control Worker (bare 404)',
    expectedStatus: 404,
    expectedRoundTrips: 0,
    control: true,
    request: () => ({ method: 'GET', path: '/bench-floor' }),
  },
  {
    // The same request as `list` with a verified JWT instead of anonymous access: the difference is identity's CPU
    // (signature, claims; keys cached per isolate, so no subrequest).
    name: 'list-jwt',
    label: 'GET /todos with a JWT (ES256, keys cached)',
    expectedStatus: 200,
    expectedRoundTrips: 1,
    rounds: {},
    request: ({ bearer }) => ({ method: 'GET', path: '/todos', headers: { authorization: `Bearer ${bearer}` } }),
  },
  {
    // The caller's identity, usage and limits: one read of their usage row.
    name: 'me',
    label: 'GET /me',
    expectedStatus: 200,
    expectedRoundTrips: 1,
    request: () => ({ method: 'GET', path: '/me' }),
  },
  {
    name: 'list-done',
    label: 'GET /todos?done=true',
    expectedStatus: 200,
    expectedRoundTrips: 1,
    request: () => ({ method: 'GET', path: '/todos?done=true' }),
  },
  {
    // One page of the change feed from the beginning: 100 of the seeded todos, two index ranges merged.
    name: 'changes',
    label: 'GET /todos/changes (a page of 100)',
    expectedStatus: 200,
    expectedRoundTrips: 1,
    request: () => ({ method: 'GET', path: '/todos/changes' }),
  },
  {
    // The feed of lists and todos from the beginning: a page of 100 from four index ranges merged.
    name: 'changes-all',
    label: 'GET /changes (a page of 100)',
    expectedStatus: 200,
    expectedRoundTrips: 1,
    request: () => ({ method: 'GET', path: '/changes' }),
  },
  {
    name: 'get',
    label: 'GET /todos/{id}',
    expectedStatus: 200,
    expectedRoundTrips: 1,
    request: ({ ids }) => itemRequest('todos', 'GET', () => ({ id: pick(ids) })),
  },
  {
    name: 'create',
    label: 'POST /todos',
    expectedStatus: 201,
    expectedRoundTrips: 1,
    rounds: { versus: 'control-create' },
    request: newTodo,
  },
  {
    name: 'control-create',
    label: 'POST /todos, control Worker (driver only)',
    expectedStatus: 201,
    expectedRoundTrips: 1,
    control: true,
    rounds: {},
    request: newTodo,
  },
  {
    name: 'patch',
    label: 'PATCH /todos/{id}',
    expectedStatus: 200,
    expectedRoundTrips: 1,
    request: ({ ids }) => itemRequest('todos', 'PATCH', () => ({ id: pick(ids), body: { done: Math.random() < 0.5 } })),
  },
  {
    // The conditional path's whole statement (lock the row, compare, answer the current row), never a write:
    // version 0 never exists, so every request is a 412 whatever other cases did to the row meanwhile.
    name: 'patch-if-match',
    label: 'PATCH /todos/{id}, stale If-Match',
    expectedStatus: 412,
    expectedRoundTrips: 1,
    request: ({ ids }) =>
      itemRequest('todos', 'PATCH', () => {
        const id = pick(ids);
        return { id, headers: { 'if-match': `"${id}-0"` }, body: { done: true } };
      }),
  },
  {
    name: 'delete',
    label: 'DELETE /todos/{id}',
    expectedStatus: 204,
    expectedRoundTrips: 1,
    pool: 'todos',
    // Each id once: a pool created for the purpose, so every delete finds its row. A dry pool shows up as 404s.
    request: ({ takeDeletable }) => itemRequest('todos', 'DELETE', () => ({ id: takeDeletable() })),
  },
  {
    // One list's todos in manual order: the 10,000 seeded todos are in the default list; a page of 20, one index range.
    name: 'list-in-list',
    label: 'GET /todos?listId= (10,000 in the list)',
    expectedStatus: 200,
    expectedRoundTrips: 1,
    rounds: { versus: 'control' },
    request: ({ listId }) => ({ method: 'GET', path: `/todos?listId=${listId}` }),
  },
  {
    // A create the server places just after a todo of the list, in the same statement.
    name: 'create-after',
    label: 'POST /todos after a todo',
    expectedStatus: 201,
    expectedRoundTrips: 1,
    rounds: { versus: 'control-create' },
    request: ({ ids }) => ({
      method: 'POST',
      path: '/todos',
      headers: JSON_HEADERS,
      setupRequest: (req) => ({ ...req, body: JSON.stringify({ text: todoText(), after: pick(ids) }) }),
    }),
  },
  {
    name: 'reorder',
    label: 'PATCH /todos/{id} after another todo',
    expectedStatus: 200,
    expectedRoundTrips: 1,
    request: ({ ids }) =>
      itemRequest('todos', 'PATCH', () => {
        const [id, after] = [pick(ids), pick(ids)];
        return { id, body: { after: after === id ? null : after } };
      }),
  },
  {
    // To the top of another list (a list's change moves a todo's subtasks too, by the database's cascade).
    name: 'move',
    label: 'PATCH /todos/{id} to another list',
    expectedStatus: 200,
    expectedRoundTrips: 1,
    request: ({ movable, lists }) =>
      itemRequest('todos', 'PATCH', () => ({ id: pick(movable), body: { listId: pick(lists) } })),
  },
  {
    // One page of the feed of lists and todos from the beginning.
    name: 'changes-all',
    label: 'GET /changes (a page of 100)',
    expectedStatus: 200,
    expectedRoundTrips: 1,
    request: () => ({ method: 'GET', path: '/changes' }),
  },
  {
    name: 'lists',
    label: 'GET /lists',
    expectedStatus: 200,
    expectedRoundTrips: 1,
    request: () => ({ method: 'GET', path: '/lists' }),
  },
  {
    name: 'list-create',
    label: 'POST /lists',
    expectedStatus: 201,
    expectedRoundTrips: 1,
    request: () => ({
      method: 'POST',
      path: '/lists',
      headers: JSON_HEADERS,
      setupRequest: (req) => ({ ...req, body: JSON.stringify({ title: todoText().slice(0, 60).trim() }) }),
    }),
  },
  {
    name: 'list-get',
    label: 'GET /lists/{id}',
    expectedStatus: 200,
    expectedRoundTrips: 1,
    request: ({ lists }) => itemRequest('lists', 'GET', () => ({ id: pick(lists) })),
  },
  {
    name: 'list-patch',
    label: 'PATCH /lists/{id}',
    expectedStatus: 200,
    expectedRoundTrips: 1,
    request: ({ lists }) =>
      itemRequest('lists', 'PATCH', () => ({ id: pick(lists), body: { title: todoText().slice(0, 60).trim() } })),
  },
  {
    // A list and its todos go in one statement (the todos by the database's cascade, each leaving a tombstone).
    name: 'list-delete',
    label: 'DELETE /lists/{id} (with 5 todos)',
    expectedStatus: 204,
    expectedRoundTrips: 1,
    pool: 'lists',
    request: ({ takeDeletable }) => itemRequest('lists', 'DELETE', () => ({ id: takeDeletable() })),
  },
];

/** The cases named in `names` (all when empty); an unknown name is an error. */
export function selectCases(names: string[]): BenchCase[] {
  if (names.length === 0) return CASES;
  const unknown = names.filter((name) => !CASES.some((c) => c.name === name));
  if (unknown.length)
    throw new Error(`unknown case ${unknown.join(', ')}; known: ${CASES.map((c) => c.name).join(', ')}`);
  const chosen = CASES.filter((c) => names.includes(c.name));
  // The floor is every CPU ratio's denominator and the latency budget's base: always run it.
  return chosen.some((c) => c.floor) ? chosen : [CASES[0]!, ...chosen];
}
