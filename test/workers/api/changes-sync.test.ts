import { env } from 'cloudflare:workers';
import { generateNKeysBetween } from 'fractional-indexing';
import { beforeAll, describe, expect, it } from 'vitest';
import { useTestGateway } from '../../support/driver.ts';
import { until } from '../../support/poll.ts';
import type { Todo } from './client.ts';
import { feedCaller, listedTodos, syncInto, type Change, type FeedCaller, type FeedPath } from './feed-client.ts';
import { createList, deleteList, storedLists, updateList } from './list-writes.ts';

beforeAll(() => useTestGateway(env.NEON_LOCAL_GATEWAY!));

const WRITERS = 6;
/** How long a load may take to reach its goal before the test fails saying so (the machine may be slow). */
const LOAD_LIMIT_MS = 120_000;

/** What a writer is given: whether to go on, and where to count a write that landed (by kind of write). */
interface Load {
  going: () => boolean;
  landed: (op: string) => void;
}

/** A random element of `items`, if any. */
const pick = <T>(items: T[]): T | undefined => items[Math.floor(Math.random() * items.length)];

/** What a writer is told of a write: landed, or lost a race with another writer (the target gone or moved). */
const LOST_RACE = [400, 404, 409];

/** One writer: creates, patches and deletes the caller's todos at random while the load goes on. */
async function todoWriter(who: FeedCaller, live: string[], load: Load, name: string): Promise<void> {
  for (let n = 0; load.going(); n++) {
    const roll = Math.random();
    const id = pick(live);
    if (roll < 0.4 || id === undefined) {
      const res = await who.call<Todo>('POST', '/todos', { json: { text: `${name} ${n}` } });
      expect(res.status).toBe(201);
      live.push(res.body.id);
      load.landed('create');
    } else if (roll < 0.8) {
      const json = Math.random() < 0.5 ? { done: Math.random() < 0.5 } : { text: `${name} ${n} edited` };
      const res = await who.call('PATCH', `/todos/${id}`, { json });
      expect([200, 404]).toContain(res.status); // another writer may have deleted it
      if (res.status === 200) load.landed('patch');
    } else {
      live.splice(live.indexOf(id), 1);
      const res = await who.call('DELETE', `/todos/${id}`);
      expect([204, 404]).toContain(res.status);
      if (res.status === 204) load.landed('delete');
    }
  }
}

/** Keys a reorder picks from: valid fractional-indexing keys, so a reorder is refused only for a lost race. */
const KEYS = generateNKeysBetween(null, null, 40);

/** The ids a writer of lists and todos knows of: lists, and each todo with its list. */
interface Known {
  lists: string[];
  todos: { id: string; listId: string }[];
}

/**
 * One writer of lists and todos: creates lists and todos (some as subtasks), moves todos between lists
 * (PATCH listId), reorders them (PATCH position) and lists, reparents todos (PATCH parentId), renames
 * and deletes lists (with their todos) and deletes todos, at random, all through the API (list-writes.ts for
 * lists), unchecked against the document (the feed's answers are what this test checks).
 */
async function listAndTodoWriter(who: FeedCaller, known: Known, load: Load, name: string): Promise<void> {
  const patch = async (id: string, json: Record<string, unknown>) => {
    const res = await who.send<Todo & { listId: string }>('PATCH', `/todos/${id}`, json);
    expect([200, ...LOST_RACE], JSON.stringify(res.body)).toContain(res.status);
    return res.status === 200 ? res.body : undefined;
  };
  for (let n = 0; load.going(); n++) {
    const roll = Math.random();
    const list = pick(known.lists);
    const todo = pick(known.todos);
    let done: unknown;
    let op: string;
    if (roll < 0.08 || list === undefined) {
      op = 'create list';
      done = known.lists.push((await createList(who, `${name} list ${n}`)).id);
    } else if (roll < 0.12) {
      op = 'change list';
      done = await updateList(who, list, Math.random() < 0.5 ? { title: `${name} ${n}` } : { position: pick(KEYS) });
    } else if (roll < 0.16) {
      op = 'delete list';
      known.lists.splice(known.lists.indexOf(list), 1);
      done = (await deleteList(who, list)) || undefined;
    } else if (roll < 0.45 || todo === undefined) {
      op = 'create todo';
      // A subtask of a todo the writer knows, or a top-level todo of a list.
      const parent = Math.random() < 0.3 ? todo : undefined;
      const json = parent
        ? { text: `${name} ${n}`, listId: parent.listId, parentId: parent.id }
        : { text: `${name} ${n}`, listId: list };
      const res = await who.send<Todo & { listId: string }>('POST', '/todos', json);
      expect([201, ...LOST_RACE], JSON.stringify(res.body)).toContain(res.status);
      if (res.status === 201) done = known.todos.push({ id: res.body.id, listId: res.body.listId });
    } else if (roll < 0.6) {
      op = 'move';
      const moved = await patch(todo.id, { listId: list });
      if (moved) todo.listId = moved.listId;
      done = moved;
    } else if (roll < 0.72) {
      op = 'reorder';
      done = await patch(todo.id, { position: pick(KEYS) });
    } else if (roll < 0.84) {
      op = 'reparent';
      const parent = pick(known.todos.filter((t) => t.listId === todo.listId && t.id !== todo.id));
      done = await patch(todo.id, { parentId: Math.random() < 0.3 || !parent ? null : parent.id });
    } else if (roll < 0.92) {
      op = 'done';
      done = await patch(todo.id, { done: Math.random() < 0.5 });
    } else {
      op = 'delete todo';
      known.todos.splice(known.todos.indexOf(todo), 1);
      const res = await who.send('DELETE', `/todos/${todo.id}`);
      expect([204, 404]).toContain(res.status);
      done = res.status === 204 || undefined;
    }
    if (done !== undefined) load.landed(op);
  }
}

/**
 * Runs `writers` until the writes that landed meet `goal` (and the client has synced a few times meanwhile)
 * while a client syncs a local copy from `feed`, then polls until the copy equals `server()` (the last
 * writes are handed out once every transaction older than them has ended, other test files' too) and
 * checks that it does.
 */
async function syncUnderLoad(
  who: FeedCaller,
  feed: FeedPath,
  writers: ((load: Load) => Promise<void>)[],
  goal: (tally: Record<string, number>) => boolean,
  server: () => Promise<Map<string, unknown>>,
) {
  const copy = new Map<string, Change>();
  const tally: Record<string, number> = {};
  const limit = Date.now() + LOAD_LIMIT_MS;
  let token: string | undefined;
  let polls = 0;
  const done = () => (goal(tally) && polls > 3) || Date.now() > limit;
  const syncing = (async () => {
    // A small page, so that polls also page while writes go on.
    while (!done()) {
      token = await syncInto(copy, who, token, 7, feed);
      polls++;
    }
  })();
  const load: Load = { going: () => !done(), landed: (op) => void (tally[op] = (tally[op] ?? 0) + 1) };
  await Promise.all(writers.map((write) => write(load)));
  await syncing;
  expect(goal(tally), `the load's goal, with ${JSON.stringify(tally)} landed`).toBe(true);

  const sorted = (map: Map<string, unknown>) => new Map([...map].sort(([a], [b]) => a.localeCompare(b)));
  let state = new Map<string, unknown>();
  await until(
    async () => {
      token = await syncInto(copy, who, token, 7, feed);
      state = await server();
      return JSON.stringify([...sorted(copy)]) === JSON.stringify([...sorted(state)]);
    },
    'the local copy equal to the server',
    { timeoutMs: 15_000 },
  ).catch(() => undefined);
  // Same keys, and for each the same fields and version; nothing deleted is still there.
  expect(sorted(copy)).toEqual(sorted(state));
  expect(state.size).toBeGreaterThan(0);
  return state;
}

/** Writes landed in all. */
const total = (tally: Record<string, number>) => Object.values(tally).reduce((a, b) => a + b, 0);

describe('syncing through the change feed under load', () => {
  it('keeps a local copy equal to the server, with writers creating, patching and deleting all along', async () => {
    const who = feedCaller('sync');
    const live: string[] = [];
    const writers = Array.from(
      { length: WRITERS },
      (_, i) => (load: Load) => todoWriter(who, live, load, `writer ${i}`),
    );
    const goal = (tally: Record<string, number>) => total(tally) > 60 && (tally.delete ?? 0) > 0;
    await syncUnderLoad(who, '/todos/changes', writers, goal, () => listedTodos(who));
  });

  it('through GET /changes, keeps lists and todos equal to the server while writers create, move, reorder, reparent and delete both', async () => {
    const who = feedCaller('sync-all');
    const known: Known = { lists: [], todos: [] };
    const writers = Array.from(
      { length: WRITERS },
      (_, i) => (load: Load) => listAndTodoWriter(who, known, load, `writer ${i}`),
    );
    // Every kind of write, several times each.
    const kinds = ['create list', 'change list', 'delete list', 'create todo', 'move', 'reorder', 'reparent'];
    const goal = (tally: Record<string, number>) => total(tally) > 120 && kinds.every((op) => (tally[op] ?? 0) > 2);
    const server = async () => {
      const state = new Map<string, unknown>();
      for (const [id, list] of await storedLists(who)) state.set(`list ${id}`, { kind: 'list', ...list });
      for (const [id, todo] of await listedTodos(who)) state.set(`todo ${id}`, { kind: 'todo', ...todo });
      return state;
    };
    const state = await syncUnderLoad(who, '/changes', writers, goal, server);
    // The end state has what the load made: lists and subtasks.
    const values = [...state.values()] as { kind: string; parentId?: string | null; listId?: string }[];
    expect(values.filter((v) => v.kind === 'list').length).toBeGreaterThan(2);
    expect(values.some((v) => v.kind === 'todo' && v.parentId)).toBe(true);
  });
});
