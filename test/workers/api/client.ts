import { env, exports } from 'cloudflare:workers';
import { expect } from 'vitest';
import { app } from '../../../src/index.ts';
import type { Env } from '../../../src/env.ts';
import { encodeCursor } from '../../../src/lib/cursor.ts';
import { apiDocument } from '../../support/operations.ts';
import { responseErrors } from '../../support/openapi-validator.ts';

/** The OpenAPI document served at /openapi.json (a static asset: see apiDocument). */
export const servedDocument = async (): Promise<any> => apiDocument;

export interface Reply<T = any> {
  status: number;
  headers: Headers;
  body: T;
}

export interface CallOptions {
  json?: unknown;
  body?: BodyInit;
  headers?: Record<string, string>;
  /** Other settings for this request (the app is then called with them); default: the test Worker's own. */
  env?: Env;
}

/**
 * Calls the Worker as a client would and checks the response against the
 * OpenAPI document it serves (a response the document does not describe fails
 * the test). With `env`, the same app answers under those settings.
 */
export async function call<T = any>(
  method: string,
  path: string,
  { json, body, headers = {}, env: settings }: CallOptions = {},
): Promise<Reply<T>> {
  const init: RequestInit = { method, headers: { ...headers } };
  if (json !== undefined) {
    init.body = JSON.stringify(json);
    (init.headers as Record<string, string>)['content-type'] ??= 'application/json';
  } else if (body !== undefined) init.body = body;
  const res = settings
    ? await app.request(path, init, settings)
    : await exports.default.fetch(`http://localhost${path}`, init);
  return checked<T>(method, path, res);
}

/** Reads a response and checks it against the served OpenAPI document (see `call`). */
export async function checked<T = any>(method: string, path: string, res: Response): Promise<Reply<T>> {
  const text = await res.text();
  const contentType = res.headers.get('content-type');
  const parsed = text && contentType?.includes('json') ? JSON.parse(text) : text;
  const pathOnly = path.split('?')[0]!;
  if (!['/openapi.json', '/docs'].includes(pathOnly) && method !== 'OPTIONS' && method !== 'HEAD') {
    const known = (await servedDocument()).paths;
    const described = Object.keys(known).some((p) =>
      new RegExp(`^${p.replace(/\{[^}]+\}/g, '[^/]+')}$`).test(pathOnly),
    );
    if (described && res.status !== 405) {
      expect(
        responseErrors(await servedDocument(), method, pathOnly, res.status, contentType, parsed),
        `${method} ${path} -> ${res.status}`,
      ).toEqual([]);
    } else {
      expect(contentType, 'unknown routes answer with a problem').toBe('application/problem+json');
    }
  }
  return { status: res.status, headers: res.headers, body: parsed as T };
}

/** The test Worker's settings with some changed. */
export const withSettings = (settings: Partial<Env>): Env => ({ ...env, ...settings });

/** A database address where nothing listens: every connection is refused at once. */
export const UNREACHABLE = '127.0.0.1:1';

export type Todo = { id: string; text: string; done: boolean; version: number; createdAt: string; updatedAt: string };

/** Creates a todo and returns it (asserting the 201). */
export async function createTodo(text: string, done?: boolean) {
  const res = await call('POST', '/todos', { json: done === undefined ? { text } : { text, done } });
  expect(res.status).toBe(201);
  return res.body as Todo;
}

/** POST /todos/import with a CSV body. */
export const importCsv = (body: BodyInit, headers: Record<string, string> = {}, settings?: Env) =>
  call('POST', '/todos/import', { body, headers: { 'content-type': 'text/csv', ...headers }, env: settings });

/** A unique marker for texts, so tests sharing the database can find their own rows. */
export const marker = () => `t-${crypto.randomUUID().slice(0, 8)}`;

/** The UUID right after `id` (as a 128-bit number), in canonical form: a position just past it. */
export function uuidAfter(id: string): string {
  const hex = (BigInt(`0x${id.replace(/-/g, '')}`) + 1n).toString(16).padStart(32, '0');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** A list cursor whose first page starts with `todo` (newest first), skipping every newer row. */
export const cursorFrom = (todo: Pick<Todo, 'id' | 'createdAt'>) =>
  encodeCursor({ createdAt: todo.createdAt, id: uuidAfter(todo.id) });

/**
 * Pages through the list with `query`, newest first, from `cursor` (default:
 * the newest row), until `enough` says the pages so far cover what the test
 * needs, or the list ends. (The test database is shared and holds thousands
 * of rows from other files: start from a cursor next to the test's own rows.)
 */
export async function pagesUntil(
  query: string,
  limit: number,
  enough: (seen: any[]) => boolean = () => false,
  cursor: string | null = null,
) {
  const seen: any[] = [];
  do {
    const res: any = await call('GET', `/todos?limit=${limit}${query}${cursor ? `&cursor=${cursor}` : ''}`);
    expect(res.status).toBe(200);
    expect(res.body.items.length).toBeLessThanOrEqual(limit);
    seen.push(...res.body.items);
    cursor = res.body.nextCursor;
  } while (cursor && !enough(seen));
  return seen;
}
