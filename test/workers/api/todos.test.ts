import { env } from 'cloudflare:workers';
import { beforeAll, describe, expect, it } from 'vitest';
import { encodeCursor } from '../../../src/lib/cursor.ts';
import { useTestGateway } from '../../support/driver.ts';
import { insertCreatedAt } from '../../support/rows.ts';
import { call, createTodo, cursorFrom, marker, pagesUntil } from './client.ts';

beforeAll(() => useTestGateway(env.NEON_LOCAL_GATEWAY!));

const RFC3339_MICROS = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/;

describe('POST /todos', () => {
  it('creates a todo: 201, Location, trimmed text, done false by default, RFC 3339 timestamps', async () => {
    const text = `  ${marker()} buy milk \n`;
    const res = await call('POST', '/todos', { json: { text } });
    expect(res.status).toBe(201);
    expect(res.headers.get('location')).toBe(`/todos/${res.body.id}`);
    expect(res.body).toMatchObject({ text: text.trim(), done: false });
    expect(res.body.createdAt).toMatch(RFC3339_MICROS);
    expect(res.body.updatedAt).toBe(res.body.createdAt);
  });

  it('stores done when given', async () => {
    expect((await createTodo(marker(), true)).done).toBe(true);
  });

  it('keeps unicode, emoji and right-to-left text intact', async () => {
    const text = `${marker()} ñ 😀 👩‍👩‍👧 مرحبا "quoted", comma`;
    const created = await createTodo(text);
    expect((await call('GET', `/todos/${created.id}`)).body.text).toBe(text);
  });

  it('accepts exactly 1000 characters counted as code points (emoji count once)', async () => {
    const text = '😀'.repeat(1000);
    expect((await createTodo(text)).text).toBe(text);
  });
});

describe('GET /todos/{id}', () => {
  it('returns the todo', async () => {
    const created = await createTodo(marker());
    const res = await call('GET', `/todos/${created.id}`);
    expect(res.status).toBe(200);
    expect(res.body).toEqual(created);
  });

  it('answers 404 with a problem for a well-formed id that does not exist', async () => {
    const res = await call('GET', `/todos/${crypto.randomUUID()}`);
    expect(res.status).toBe(404);
    expect(res.headers.get('content-type')).toBe('application/problem+json');
    expect(res.body).toMatchObject({ type: 'about:blank', title: 'Not Found', status: 404 });
  });
});

describe('PATCH /todos/{id}', () => {
  it('changes text and done, moves updatedAt forward and keeps createdAt', async () => {
    const created = await createTodo(marker());
    const first = await call('PATCH', `/todos/${created.id}`, { json: { done: true } });
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ id: created.id, text: created.text, done: true, createdAt: created.createdAt });
    expect(first.body.updatedAt > created.updatedAt).toBe(true);
    const second = await call('PATCH', `/todos/${created.id}`, { json: { text: ' renamed ' } });
    expect(second.body).toMatchObject({ text: 'renamed', done: true });
    expect(second.body.updatedAt > first.body.updatedAt).toBe(true);
  });

  it('moves updatedAt forward even for back-to-back patches', async () => {
    const created = await createTodo(marker());
    const stamps = [];
    for (let i = 0; i < 5; i++)
      stamps.push((await call('PATCH', `/todos/${created.id}`, { json: { done: i % 2 === 0 } })).body.updatedAt);
    expect(new Set(stamps).size).toBe(5);
    expect([...stamps].sort()).toEqual(stamps);
  });

  it('answers 404 for a missing todo', async () => {
    expect((await call('PATCH', `/todos/${crypto.randomUUID()}`, { json: { done: true } })).status).toBe(404);
  });
});

describe('DELETE /todos/{id}', () => {
  it('deletes: 204 with no body, then 404 on get and on a second delete', async () => {
    const created = await createTodo(marker());
    const res = await call('DELETE', `/todos/${created.id}`);
    expect(res.status).toBe(204);
    expect(res.body).toBe('');
    expect((await call('GET', `/todos/${created.id}`)).status).toBe(404);
    expect((await call('DELETE', `/todos/${created.id}`)).status).toBe(404);
  });
});

describe('GET /todos', () => {
  /** Whether the pages seen reach past `todo` in newest-first order. */
  const pastTodo = (todo: { id: string; createdAt: string }) => (seen: any[]) =>
    seen.some((t) => t.createdAt < todo.createdAt || (t.createdAt === todo.createdAt && t.id < todo.id));

  it('lists newest first; pages of `limit` chain through nextCursor with no duplicate or gap', async () => {
    const mine = [];
    for (let i = 0; i < 5; i++) mine.push(await createTodo(`${marker()} page ${i}`));
    // From just above the newest of them: rows other files add meanwhile are newer and stay out of the walk.
    const all = await pagesUntil('', 2, pastTodo(mine[0]!), cursorFrom(mine[4]!));
    const ids = all.map((t) => t.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (let i = 1; i < all.length; i++) {
      const [a, b] = [all[i - 1], all[i]];
      expect(a.createdAt > b.createdAt || (a.createdAt === b.createdAt && a.id > b.id)).toBe(true);
    }
    expect(ids[0]).toBe(mine[4]!.id);
    const positions = mine.map((t) => ids.indexOf(t.id));
    expect(positions.every((p) => p >= 0)).toBe(true);
    expect([...positions].sort((x, y) => y - x)).toEqual(positions); // created later = listed earlier
  });

  it('defaults to 20 items, with a cursor when more follow', async () => {
    for (let i = 0; i < 21; i++) await createTodo(marker());
    const page = await call('GET', '/todos');
    expect(page.body.items).toHaveLength(20);
    expect(page.body.nextCursor).toEqual(expect.any(String));
  });

  it('gives a null nextCursor on the last page: after the oldest rows, and past every row', async () => {
    // The two oldest rows of the table (no other test writes a creation time this early).
    const m = marker();
    const ids = await insertCreatedAt(env.DATABASE_OWNER_URL, [
      { text: `${m} older`, createdAt: '1971-01-01T00:00:00.000000Z' },
      { text: `${m} newer`, createdAt: '1971-01-02T00:00:00.000000Z' },
    ]);
    const [older, newer] = await Promise.all(ids.map(async (id) => (await call('GET', `/todos/${id}`)).body));
    const from = cursorFrom(newer);
    expect((await call('GET', `/todos?limit=2&cursor=${from}`)).body).toEqual({
      items: [newer, older],
      nextCursor: null,
    });
    const first = await call('GET', `/todos?limit=1&cursor=${from}`);
    expect(first.body).toEqual({ items: [newer], nextCursor: expect.any(String) });
    expect((await call('GET', `/todos?limit=1&cursor=${first.body.nextCursor}`)).body).toEqual({
      items: [older],
      nextCursor: null,
    });
    const beforeEveryRow = encodeCursor({
      createdAt: '1970-01-01T00:00:00.000000Z',
      id: '00000000-0000-4000-8000-000000000001',
    });
    expect((await call('GET', `/todos?cursor=${beforeEveryRow}`)).body).toEqual({ items: [], nextCursor: null });
  });

  it('filters by done=true and done=false', async () => {
    const open = await createTodo(marker(), false);
    const closed = await createTodo(marker(), true);
    // Each walk starts at the newer of the two and reaches past the older, so a wrongly included one would have been seen.
    const done = await pagesUntil('&done=true', 100, pastTodo(open), cursorFrom(closed));
    const notDone = await pagesUntil('&done=false', 100, pastTodo(open), cursorFrom(closed));
    expect(done.every((t) => t.done === true)).toBe(true);
    expect(notDone.every((t) => t.done === false)).toBe(true);
    expect(done.map((t) => t.id)).toContain(closed.id);
    expect(notDone.map((t) => t.id)).toContain(open.id);
    expect(done.map((t) => t.id)).not.toContain(open.id);
  });
});

describe('GET /health', () => {
  it('reports ok after a database round trip', async () => {
    const res = await call('GET', '/health');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ status: 'ok', database: 'ok' });
  });
});
