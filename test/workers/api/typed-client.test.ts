import { exports } from 'cloudflare:workers';
import { hc } from 'hono/client';
import { describe, expect, expectTypeOf, it } from 'vitest';
import type { AppType } from '../../../src/app.ts';
import { marker } from './client.ts';

// The README's example: a typed client from the app's type, here calling the Worker in workerd.
//
// The `expectTypeOf` lines below assert nothing when this file runs (vitest does not type-check it):
// they count in `npm run typecheck` (tsc --noEmit, which includes test/), which `npm test` runs first.
// What this file checks at run time is the status and body assertions.
const client = hc<AppType>('http://localhost', {
  fetch: (input: RequestInfo | URL, init?: RequestInit) => exports.default.fetch(input, init),
});

describe('hc<AppType>: typed calls', () => {
  it('creates, reads, lists, patches and deletes a todo with typed inputs and outputs', async () => {
    const text = marker();
    const created = await client.todos.$post({ json: { text, done: false }, header: {} });
    expect(created.status).toBe(201);
    if (created.status !== 201) return;
    const todo = await created.json();
    expectTypeOf(todo).toEqualTypeOf<{
      id: string;
      listId: string;
      parentId: string | null;
      text: string;
      notes: string | null;
      done: boolean;
      due: string | null;
      position: string;
      completedAt: string | null;
      version: number;
      createdAt: string;
      updatedAt: string;
    }>();
    expect(todo).toMatchObject({ text, done: false });

    const read = await client.todos[':id'].$get({ param: { id: String(todo.id) }, header: {} });
    expect(read.status).toBe(200);
    if (read.status === 200) expect(await read.json()).toEqual(todo);

    const patched = await client.todos[':id'].$patch({
      param: { id: String(todo.id) },
      header: { 'if-match': read.headers.get('etag')! },
      json: { done: true },
    });
    expect(patched.status).toBe(200);
    if (patched.status === 200) expect(await patched.json()).toMatchObject({ done: true, version: 2 });

    const page = await client.todos.$get({ query: { done: 'true', limit: '100' } });
    expect(page.status).toBe(200);
    if (page.status === 200) {
      const body = await page.json();
      expectTypeOf(body.nextCursor).toEqualTypeOf<string | null>();
      // Other files add done todos concurrently, so ours may be past this page: check the page's shape and filter.
      expect(body.items.length).toBeGreaterThan(0);
      expect(body.items.every((item) => item.done)).toBe(true);
    }

    const deleted = await client.todos[':id'].$delete({ param: { id: String(todo.id) }, header: {} });
    expect(deleted.status).toBe(204);
  });

  it('sends the optional fields typed, and types the 404 of a list that is not there', async () => {
    const parent = await client.todos.$post({ json: { text: marker(), notes: 'n', due: '2026-12-24' }, header: {} });
    expect(parent.status).toBe(201);
    if (parent.status !== 201) return;
    const { id, listId } = await parent.json();
    const subtask = await client.todos.$post({ json: { text: marker(), parentId: id, position: 'a0' }, header: {} });
    expect(subtask.status).toBe(201);
    if (subtask.status === 201) expect(await subtask.json()).toMatchObject({ parentId: id, listId, position: 'a0' });
    const elsewhere = await client.todos.$post({ json: { text: marker(), listId: crypto.randomUUID() }, header: {} });
    expect(elsewhere.status).toBe(404);
    if (elsewhere.status === 404)
      expect((await elsewhere.json()).errors).toEqual([{ path: 'listId', message: 'names none of your lists' }]);
  });

  it('types problems too: a 400 carries errors', async () => {
    const res = await client.todos.$post({ json: { text: '   ' }, header: {} });
    expect(res.status).toBe(400);
    if (res.status === 400) {
      const problem = await res.json();
      expectTypeOf(problem.detail).toBeString();
      expect(problem.errors).toEqual([{ path: 'text', message: 'must not be empty or only whitespace' }]);
    }
  });

  it('posts a CSV import (its body is text, so it goes in the request init)', async () => {
    const m = marker();
    const res = await client.todos.import.$post(
      { query: {}, header: {} },
      { init: { body: `text\n${m} a\n${m} b\n`, headers: { 'content-type': 'text/csv' } } },
    );
    expect(res.status).toBe(201);
    if (res.status === 201) expect(await res.json()).toEqual({ inserted: 2, replayed: 0 });
  });
});
