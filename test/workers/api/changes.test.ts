import { env } from 'cloudflare:workers';
import { neon } from '@neondatabase/serverless';
import { beforeAll, describe, expect, it } from 'vitest';
import { CLEANUP_JOBS, runCleanup } from '../../../src/scheduled/index.ts';
import { decodeBase64url, encodeBase64url } from '../../../src/lib/base64url.ts';
import { encodeFeedToken, feedOwnerTag, startOfXid } from '../../../src/feed/token.ts';
import { todosFeed } from '../../../src/todos/feed.ts';
import { useTestGateway } from '../../support/driver.ts';
import { until } from '../../support/poll.ts';
import type { Todo } from './client.ts';
import { changesAfter, changesOf, feedCaller, syncInto, type Change, type FeedCaller } from './feed-client.ts';

beforeAll(() => useTestGateway(env.NEON_LOCAL_GATEWAY!));

// The tables' owner, with no owner set: to age tombstones as time would.
const direct = () => neon(env.DATABASE_OWNER_URL);
const DAY_MS = 24 * 60 * 60 * 1000;

const create = async (who: FeedCaller, text: string) => {
  const res = await who.call<Todo>('POST', '/todos', { json: { text } });
  expect(res.status).toBe(201);
  return res.body;
};

describe('the change feed: a first pass', () => {
  it("pages through every current todo of the caller, and nothing of anyone else's", async () => {
    const [me, other] = [feedCaller('me'), feedCaller('other')];
    const mine = [];
    for (let i = 0; i < 5; i++) mine.push(await create(me, `mine ${i}`));
    await create(other, 'not yours');
    const copy = new Map<string, Todo>();
    let pages = 0;
    let token: string | undefined;
    await until(
      async () => {
        copy.clear();
        pages = 0;
        token = undefined;
        for (let more = true; more; pages++) {
          const res = await changesOf(me, token, 2);
          expect(res.status).toBe(200);
          expect(res.body.changes.length).toBeLessThanOrEqual(2);
          for (const change of res.body.changes) copy.set(change.id, change as Todo);
          token = res.body.next;
          more = res.body.more;
        }
        return copy.size === mine.length;
      },
      'the first pass',
      { timeoutMs: 15_000 },
    );
    expect([...copy.values()].sort((a, b) => a.id.localeCompare(b.id))).toEqual(mine);
    expect(pages).toBeGreaterThanOrEqual(3); // five changes, two a page
  });

  it('answers an empty feed with no changes, more false, and a token that later changes arrive after', async () => {
    const me = feedCaller('empty');
    const res = await changesOf(me);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ changes: [], next: expect.stringMatching(/^[A-Za-z0-9_-]+$/), more: false });
    expect(res.headers.get('cache-control')).toBe('private, no-store');
    const todo = await create(me, 'after the first call');
    expect(await changesAfter(me, res.body.next, [todo.id])).toEqual([todo]);
  });
});

describe('the change feed after a token', () => {
  it('returns each changed todo as it is now, deletions as tombstones one version past the last, and nothing unchanged', async () => {
    const me = feedCaller('since');
    const [kept, patched, removed] = [
      await create(me, 'kept'),
      await create(me, 'patched'),
      await create(me, 'removed'),
    ];
    const copy = new Map<string, Todo>();
    await until(async () => (await syncInto(copy, me), copy.size === 3), 'the first pass', { timeoutMs: 15_000 });
    const token = await syncInto(copy, me);

    await me.call('PATCH', `/todos/${patched.id}`, { json: { done: true } });
    expect((await me.call('DELETE', `/todos/${removed.id}`)).status).toBe(204);
    // The second PATCH conditional, after the deletion: each way of writing moves the todo to its end of the feed.
    const renamed = (
      await me.call<Todo>('PATCH', `/todos/${patched.id}`, {
        json: { text: 'renamed' },
        headers: { 'if-match': `"${patched.id}-2"` },
      })
    ).body;
    const added = await create(me, 'added');

    const changes = await changesAfter(me, token, [patched.id, removed.id, added.id]);
    // Once each, at its latest change, in the order the changes happened; the untouched todo not at all.
    expect(changes).toEqual([{ id: removed.id, deleted: true, version: 2 }, renamed, added]);
    expect(changes.map((c) => c.id)).not.toContain(kept.id);
    expect(renamed).toMatchObject({ version: 3, done: true, text: 'renamed' });

    // Repeating a call is harmless: the same token gives the same changes.
    expect((await changesOf(me, token)).body.changes).toEqual(changes);
  });

  it('hands a page of `limit` changes, then the rest after its `next`', async () => {
    const me = feedCaller('paged');
    const first = await changesOf(me);
    const todos = [];
    for (let i = 0; i < 3; i++) todos.push(await create(me, `paged ${i}`));
    await changesAfter(
      me,
      first.body.next,
      todos.map((t) => t.id),
    );
    const page = await changesOf(me, first.body.next, 2);
    expect(page.body).toMatchObject({ changes: todos.slice(0, 2), more: true });
    const rest = await changesOf(me, page.body.next, 2);
    expect(rest.body).toMatchObject({ changes: todos.slice(2), more: false });
  });
});

describe('the change feed one change a page', () => {
  it('moves past each change, deletions included, handing each out once', async () => {
    const me = feedCaller('one-a-page');
    const token = (await changesOf(me)).body.next;
    const todos = [];
    for (let i = 0; i < 4; i++) todos.push(await create(me, `one a page ${i}`));
    for (const gone of [todos[1]!, todos[2]!]) expect((await me.call('DELETE', `/todos/${gone.id}`)).status).toBe(204);
    const all = await changesAfter(
      me,
      token,
      todos.map((t) => t.id),
    );
    expect(all).toHaveLength(4);

    const paged: Change[] = [];
    let next = token;
    for (let more = true, pages = 0; more; pages++) {
      expect(pages, 'pages for four changes').toBeLessThan(all.length + 1);
      const res = await changesOf(me, next, 1);
      expect(res.status).toBe(200);
      paged.push(...res.body.changes);
      next = res.body.next;
      more = res.body.more;
    }
    expect(paged).toEqual(all);
  });
});

describe('the change feed refuses what it did not issue to the caller', () => {
  it("answers another caller's token with a 400 that shows nothing of theirs", async () => {
    const [me, other] = [feedCaller('owner'), feedCaller('intruder')];
    await create(me, 'private');
    const token = (await changesOf(me)).body.next;
    const res = await changesOf(other, token);
    expect(res.status).toBe(400);
    expect(res.body.errors).toEqual([{ path: 'since', message: 'was issued to another caller' }]);
    expect(JSON.stringify(res.body)).not.toContain('private');
  });

  it.each([
    ['not base64url', '!!!!'],
    ['base64url of nothing useful', 'AAAA'],
    ['a cursor of the list', 'WyIyMDI2LTExLTI1VDEwOjAwOjAwLjAwMDAwMFoiLDFd'],
    ['too long', 'A'.repeat(201)],
  ])('answers a token that is %s with a 400', async (_, since) => {
    const res = await changesOf(feedCaller('bad'), since);
    expect(res.status).toBe(400);
    expect(res.body.errors?.[0]).toMatchObject({ path: 'since' });
  });

  it('answers a tampered token (position out of range, another format) with a 400', async () => {
    const me = feedCaller('tamper');
    const token = (await changesOf(me)).body.next;
    const fields = JSON.parse(decodeBase64url(token)) as unknown[];
    for (const change of [
      { 2: '99999999999999999999' }, // beyond xid8
      { 2: '-1' },
      { 3: 2 ** 31 },
      { 3: 'not-a-uuid' },
      { 3: '0192E4A4-7B0C-7D3E-9A41-5F1C2B3D4E5F' },
      { 0: 3 },
    ]) {
      const forged = Object.assign([...fields], change);
      const since = encodeBase64url(JSON.stringify(forged));
      const res = await changesOf(me, since);
      expect(res.status, JSON.stringify(change)).toBe(400);
    }
  });

  it('answers since or limit given twice with a 400', async () => {
    const me = feedCaller('twice');
    const token = (await changesOf(me)).body.next;
    for (const [query, path] of [
      [`since=${token}&since=${token}`, 'since'],
      ['limit=5&limit=6', 'limit'],
    ]) {
      const res = await me.call('GET', `/todos/changes?${query}`);
      expect(res.status).toBe(400);
      expect(res.body.errors).toEqual([{ path, message: 'must be given once' }]);
    }
  });

  it.each([['0'], ['1001'], ['ten'], ['1.5']])('answers limit=%s with a 400', async (limit) => {
    const res = await feedCaller('limit').call('GET', `/todos/changes?limit=${limit}`);
    expect(res.status).toBe(400);
    expect(res.body.errors[0]).toMatchObject({ path: 'limit' });
  });
});

describe('tokens of before the UUID ids', () => {
  it('answers a token issued when ids were integers (format 1) with 410 Gone: every id has changed since', async () => {
    const me = feedCaller('int-ids');
    const old = encodeBase64url(
      JSON.stringify([1, await feedOwnerTag(me.owner), '5', 42, Math.floor(Date.now() / 1000)]),
    );
    const res = await changesOf(me, old);
    expect(res.status).toBe(410);
    expect(res.body.detail).toMatch(/issued before todo ids became UUIDs.*Start again without since/);
  });
});

describe('tokens older than the retention of deletions', () => {
  it('answers a token issued longer ago than the retention with 410 Gone, and one inside it with 200', async () => {
    const me = feedCaller('aged');
    const old = encodeFeedToken(
      todosFeed,
      startOfXid(todosFeed, '1'),
      await feedOwnerTag(me.owner),
      new Date(Date.now() - 31 * DAY_MS),
    );
    const res = await changesOf(me, old);
    expect(res.status).toBe(410);
    expect(res.body.detail).toMatch(/30-day retention .* start again without since/);
    // The retention is a setting: with 60 days the same token is still good.
    expect((await changesOf(me.under({ CHANGES_RETENTION_DAYS: '60' }), old)).status).toBe(200);
  });

  it('answers 410 when deletions after the token have been purged, and a fresh pass works', async () => {
    const me = feedCaller('purged');
    const todo = await create(me, 'soon gone');
    const token = (await changesOf(me)).body.next; // may or may not include the todo yet: either way, before its deletion
    expect((await me.call('DELETE', `/todos/${todo.id}`)).status).toBe(204);
    await direct()`update todo_tombstones set deleted_at = now() - interval '40 days' where id = ${todo.id}`;
    await runCleanup(env, CLEANUP_JOBS['expired-tombstones']!);
    expect(await direct()`select id from todo_tombstones where id = ${todo.id}`).toEqual([]);

    const res = await changesOf(me, token);
    expect(res.status).toBe(410);
    const fresh = new Map<string, Todo>();
    await syncInto(fresh, me);
    expect(fresh.has(todo.id)).toBe(false);
  });
});
