import { exports } from 'cloudflare:workers';
import { expect } from 'vitest';
import { responseErrors } from '../../support/openapi-validator.ts';

let document: Promise<any> | undefined;
const served = () => (document ??= exports.default.fetch('http://localhost/openapi.json').then((r: Response) => r.json()));

export interface Reply<T = any> {
  status: number;
  headers: Headers;
  body: T;
}

export interface CallOptions {
  json?: unknown;
  body?: BodyInit;
  headers?: Record<string, string>;
}

/**
 * Calls the Worker as a client would and checks the response against the
 * OpenAPI document it serves (a response the document does not describe fails
 * the test).
 */
export async function call<T = any>(method: string, path: string, { json, body, headers = {} }: CallOptions = {}): Promise<Reply<T>> {
  const init: RequestInit = { method, headers: { ...headers } };
  if (json !== undefined) {
    init.body = JSON.stringify(json);
    (init.headers as Record<string, string>)['content-type'] ??= 'application/json';
  } else if (body !== undefined) init.body = body;
  const res = await exports.default.fetch(`http://localhost${path}`, init);
  const text = await res.text();
  const contentType = res.headers.get('content-type');
  const parsed = text && contentType?.includes('json') ? JSON.parse(text) : text;
  if (!['/openapi.json', '/docs'].includes(path.split('?')[0]!) && method !== 'OPTIONS' && method !== 'HEAD') {
    const known = (await served()).paths;
    const pathOnly = path.split('?')[0]!;
    const described = Object.keys(known).some((p) => new RegExp(`^${p.replace(/\{[^}]+\}/g, '[^/]+')}$`).test(pathOnly));
    if (described && res.status !== 405) {
      expect(responseErrors(await served(), method, pathOnly, res.status, contentType, parsed), `${method} ${path} -> ${res.status}`).toEqual([]);
    } else {
      expect(contentType, 'unknown routes answer with a problem').toBe('application/problem+json');
    }
  }
  return { status: res.status, headers: res.headers, body: parsed as T };
}

/** Creates a todo and returns it (asserting the 201). */
export async function createTodo(text: string, done?: boolean) {
  const res = await call('POST', '/todos', { json: done === undefined ? { text } : { text, done } });
  expect(res.status).toBe(201);
  return res.body as { id: number; text: string; done: boolean; createdAt: string; updatedAt: string };
}

/** A unique marker for texts, so tests sharing the database can find their own rows. */
export const marker = () => `t-${crypto.randomUUID().slice(0, 8)}`;

/**
 * Pages through the list with `query`, newest first, until `enough` says the
 * pages so far cover what the test needs, or the list ends. (The test
 * database is shared and holds thousands of rows from other files: walking
 * all of it two at a time would take minutes.)
 */
export async function pagesUntil(query: string, limit: number, enough: (seen: any[]) => boolean = () => false) {
  const seen: any[] = [];
  let cursor: string | null = null;
  do {
    const res: any = await call('GET', `/todos?limit=${limit}${query}${cursor ? `&cursor=${cursor}` : ''}`);
    expect(res.status).toBe(200);
    expect(res.body.items.length).toBeLessThanOrEqual(limit);
    seen.push(...res.body.items);
    cursor = res.body.nextCursor;
  } while (cursor && !enough(seen));
  return seen;
}
