import { env } from 'cloudflare:workers';
import { neon } from '@neondatabase/serverless';
import { beforeAll, describe, expect, it } from 'vitest';
import { changesFeed } from '../../../src/changes/feed.ts';
import { decodeBase64url, encodeBase64url } from '../../../src/lib/base64url.ts';
import { encodeFeedToken, feedOwnerTag, startOfXid } from '../../../src/feed/token.ts';
import { CLEANUP_JOBS, runCleanup } from '../../../src/scheduled/index.ts';
import { useTestGateway } from '../../support/driver.ts';
import { until } from '../../support/poll.ts';
import type { Todo } from './client.ts';
import {
  changesAfter,
  changesOf,
  feedCaller,
  keyOf,
  syncInto,
  type Change,
  type FeedCaller,
  type FeedPath,
} from './feed-client.ts';
import { asOwner, createList, deleteList, updateList } from './list-writes.ts';

// GET /changes: lists and todos in one stream, each change with its kind, with the guarantees of
// GET /todos/changes (changes.test.ts): each thing once per page at its latest change, deletions, paging,
// tokens bound to their owner and their feed, 410 past the retention of deletions.

beforeAll(() => useTestGateway(env.NEON_LOCAL_GATEWAY!));

const ALL: FeedPath = '/changes';
// The tables' owner, with no owner set: to age tombstones as time would.
const direct = () => neon(env.DATABASE_OWNER_URL);
const DAY_MS = 24 * 60 * 60 * 1000;

const createTodo = async (who: FeedCaller, text: string, extra: Record<string, unknown> = {}) => {
  const res = await who.call<Todo & { listId: string; parentId: string | null }>('POST', '/todos', {
    json: { text, ...extra },
  });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body;
};

/** The feed's token after everything `who` has now. */
async function tokenNow(who: FeedCaller): Promise<string> {
  return syncInto(new Map(), who, undefined, undefined, ALL);
}

/** A change's kind (GET /changes names one on each). */
const kindOf = (change: Change) => (change as { kind?: string }).kind;
const todo = (t: object) => ({ kind: 'todo', ...t });
const list = (l: object) => ({ kind: 'list', ...l });
const gone = (kind: 'list' | 'todo', id: string, version: number) => ({ kind, id, deleted: true, version });

describe('GET /changes: a first pass', () => {
  it("pages through every current list and todo of the caller, each named by its kind, and nothing of anyone else's", async () => {
    const [me, other] = [feedCaller('all-me'), feedCaller('all-other')];
    const groceries = await createList(me, 'Groceries');
    const todos = [
      await createTodo(me, 'in the default list'),
      await createTodo(me, 'milk', { listId: groceries.id }),
      await createTodo(me, 'bread', { listId: groceries.id }),
    ];
    await createTodo(other, 'not yours');
    await createList(other, 'not yours either');
    const copy = new Map<string, Change>();
    let pages = 0;
    await until(
      async () => {
        copy.clear();
        pages = 0;
        let token: string | undefined;
        for (let more = true; more; pages++) {
          const res = await changesOf(me, token, 2, ALL);
          expect(res.status).toBe(200);
          expect(res.body.changes.length).toBeLessThanOrEqual(2);
          for (const change of res.body.changes) copy.set(keyOf(change), change);
          token = res.body.next;
          more = res.body.more;
        }
        return copy.size === 5;
      },
      'the first pass',
      { timeoutMs: 15_000 },
    );
    // The caller's list and the default list (made by the first write that needed it); the three todos.
    const lists = [...copy.values()].filter((c) => kindOf(c) === 'list');
    expect(lists).toEqual(
      expect.arrayContaining([
        list(groceries),
        expect.objectContaining({ kind: 'list', isDefault: true, title: 'Tasks', id: todos[0]!.listId }),
      ]),
    );
    expect(lists).toHaveLength(2);
    for (const t of todos) expect(copy.get(`todo ${t.id}`)).toEqual(todo(t));
    expect(pages).toBeGreaterThanOrEqual(3);
    expect(JSON.stringify([...copy.values()])).not.toContain('not yours');
  });

  it('answers an empty feed with no changes, more false, and a token that later changes arrive after', async () => {
    const me = feedCaller('all-empty');
    const res = await changesOf(me, undefined, undefined, ALL);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ changes: [], next: expect.stringMatching(/^[A-Za-z0-9_-]+$/), more: false });
    expect(res.headers.get('cache-control')).toBe('private, no-store');
    const made = await createList(me, 'after the first call');
    const changes = await changesAfter(me, res.body.next, [`list ${made.id}`], ALL);
    expect(changes).toContainEqual(list(made));
  });
});

describe('GET /changes after a token', () => {
  it('returns each changed list and todo as it is now, once, in the order the changes happened; deletions as tombstones', async () => {
    const me = feedCaller('all-since');
    const [kept, renamed, removed] = [
      await createList(me, 'kept'),
      await createList(me, 'renamed'),
      await createList(me, 'removed'),
    ];
    const untouched = await createTodo(me, 'untouched', { listId: kept.id });
    const patched = await createTodo(me, 'patched', { listId: kept.id });
    const token = await tokenNow(me);

    await me.call('PATCH', `/todos/${patched.id}`, { json: { done: true } });
    const renamedNow = (await updateList(me, renamed.id, { title: 'renamed, twice' }))!;
    expect(await deleteList(me, removed.id)).toBe(true);
    const patchedNow = (await me.call<Todo>('PATCH', `/todos/${patched.id}`, { json: { text: 'patched again' } })).body;
    const added = await createTodo(me, 'added', { listId: renamed.id });

    const keys = [`todo ${patched.id}`, `list ${renamed.id}`, `list ${removed.id}`, `todo ${added.id}`];
    const changes = await changesAfter(me, token, keys, ALL);
    expect(changes).toEqual([list(renamedNow), gone('list', removed.id, 2), todo(patchedNow), todo(added)]);
    expect(changes.map(keyOf)).not.toContain(`todo ${untouched.id}`);
    expect(changes.map(keyOf)).not.toContain(`list ${kept.id}`);
    // Repeating a call is harmless: the same token gives the same changes.
    expect((await changesOf(me, token, undefined, ALL)).body.changes).toEqual(changes);
  });

  it("tells a list's deletion and each of its todos', subtasks included, as deletions", async () => {
    const me = feedCaller('all-cascade');
    const doomed = await createList(me, 'doomed');
    const parent = await createTodo(me, 'parent', { listId: doomed.id });
    const child = await createTodo(me, 'child', { listId: doomed.id, parentId: parent.id });
    const elsewhere = await createTodo(me, 'in the default list');
    const token = await tokenNow(me);
    const todosToken = await syncInto(new Map(), me);
    expect(await deleteList(me, doomed.id)).toBe(true);
    const keys = [`list ${doomed.id}`, `todo ${parent.id}`, `todo ${child.id}`];
    const changes = await changesAfter(me, token, keys, ALL);
    // One transaction deleted them all: the list first, then its todos by id.
    const todoIds = [parent.id, child.id].sort();
    expect(changes).toEqual([gone('list', doomed.id, 2), ...todoIds.map((id) => gone('todo', id, 2))]);
    expect(changes.map(keyOf)).not.toContain(`todo ${elsewhere.id}`);
    // The todos' own feed tells the same deletions, without kinds.
    expect(await changesAfter(me, todosToken, todoIds)).toEqual(
      todoIds.map((id) => ({ id, deleted: true, version: 2 })),
    );
  });

  it('hands out one change a page across kinds within one transaction, each once', async () => {
    const me = feedCaller('all-one-a-page');
    await createTodo(me, 'first, so that the default list is there before the token');
    const token = await tokenNow(me);
    // One statement writes a list and three todos in it: four changes of one transaction, two kinds. The
    // list's id sorts after the todos' (which the server makes, time-ordered): a position that compared
    // ids across kinds would skip the todos after the list, or hand the list out again after a todo.
    const id = `f${crypto.randomUUID().slice(1)}`;
    await asOwner(
      me.owner,
      `with l as (insert into lists (id, title) values ($1, 'one transaction') returning id)
       insert into todos (list_id, text) select l.id, 'todo ' || n from l, generate_series(1, 3) as n`,
      [id],
    );
    const all = await changesAfter(me, token, [`list ${id}`], ALL);
    expect(all.map(kindOf)).toEqual(['list', 'todo', 'todo', 'todo']);
    const paged: Change[] = [];
    let next = token;
    for (let more = true, pages = 0; more; pages++) {
      expect(pages, 'pages for four changes').toBeLessThan(all.length + 1);
      const res = await changesOf(me, next, 1, ALL);
      expect(res.status).toBe(200);
      paged.push(...res.body.changes);
      next = res.body.next;
      more = res.body.more;
    }
    expect(paged).toEqual(all);
  });
});

describe("GET /changes refuses what it did not issue to the caller, and the other feed's tokens", () => {
  it('answers a token of GET /todos/changes with a 400 saying so, and GET /todos/changes answers one of GET /changes the same way', async () => {
    const me = feedCaller('all-crossed');
    await createTodo(me, 'something');
    const todosToken = (await changesOf(me)).body.next;
    const allToken = (await changesOf(me, undefined, undefined, ALL)).body.next;
    for (const [token, feed, other] of [
      [todosToken, '/changes', 'GET /changes'],
      [allToken, '/todos/changes', 'GET /todos/changes'],
    ] as const) {
      const res = await changesOf(me, token, undefined, feed);
      expect(res.status, feed).toBe(400);
      expect(res.body.errors).toEqual([{ path: 'since', message: 'is a token of another change feed' }]);
      expect(res.body.detail).toContain(`${other} takes only the \`next\` of its own answers`);
    }
  });

  it("answers another caller's token with a 400 that shows nothing of theirs", async () => {
    const [me, other] = [feedCaller('all-owner'), feedCaller('all-intruder')];
    await createList(me, 'private');
    const token = (await changesOf(me, undefined, undefined, ALL)).body.next;
    const res = await changesOf(other, token, undefined, ALL);
    expect(res.status).toBe(400);
    expect(res.body.errors).toEqual([{ path: 'since', message: 'was issued to another caller' }]);
    expect(JSON.stringify(res.body)).not.toContain('private');
  });

  it('answers a tampered token (a kind it does not carry, no kind, position out of range) with a 400', async () => {
    const me = feedCaller('all-tamper');
    const token = (await changesOf(me, undefined, undefined, ALL)).body.next;
    const fields = JSON.parse(decodeBase64url(token)) as unknown[];
    expect(fields.slice(5)).toEqual(['changes', 'list']);
    for (const change of [
      { 6: 'note' },
      { 6: 0 },
      { 5: 'todos' },
      { 2: '99999999999999999999' },
      { 3: 'not-a-uuid' },
    ]) {
      const since = encodeBase64url(JSON.stringify(Object.assign([...fields], change)));
      expect((await changesOf(me, since, undefined, ALL)).status, JSON.stringify(change)).toBe(400);
    }
    const since = encodeBase64url(JSON.stringify(fields.slice(0, 6)));
    expect((await changesOf(me, since, undefined, ALL)).status).toBe(400);
  });

  it.each([['0'], ['1001'], ['ten']])('answers limit=%s with a 400', async (limit) => {
    const res = await feedCaller('all-limit').call('GET', `/changes?limit=${limit}`);
    expect(res.status).toBe(400);
    expect(res.body.errors[0]).toMatchObject({ path: 'limit' });
  });
});

describe('GET /changes tokens older than the retention of deletions', () => {
  it('answers a token issued longer ago than the retention with 410 Gone', async () => {
    const me = feedCaller('all-aged');
    const old = encodeFeedToken(
      changesFeed,
      startOfXid(changesFeed, '1'),
      await feedOwnerTag(me.owner),
      new Date(Date.now() - 31 * DAY_MS),
    );
    const res = await changesOf(me, old, undefined, ALL);
    expect(res.status).toBe(410);
    expect(res.body.detail).toMatch(/30-day retention .* start again without since/);
  });

  it("answers 410 when a list's deletion after the token has been purged, and a fresh pass works", async () => {
    const me = feedCaller('all-purged');
    const doomed = await createList(me, 'soon gone');
    const token = await tokenNow(me);
    expect(await deleteList(me, doomed.id)).toBe(true);
    await direct()`update list_tombstones set deleted_at = now() - interval '40 days' where id = ${doomed.id}`;
    await runCleanup(env, CLEANUP_JOBS['expired-tombstones']!);
    expect(await direct()`select id from list_tombstones where id = ${doomed.id}`).toEqual([]);

    const res = await changesOf(me, token, undefined, ALL);
    expect(res.status).toBe(410);
    expect(res.body.detail).toMatch(/Deletions after the since token have been forgotten/);
    const fresh = new Map<string, Change>();
    await syncInto(fresh, me, undefined, undefined, ALL);
    expect(fresh.has(`list ${doomed.id}`)).toBe(false);
  });
});
