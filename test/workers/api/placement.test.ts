import { env } from 'cloudflare:workers';
import { neon } from '@neondatabase/serverless';
import { beforeAll, describe, expect, it } from 'vitest';
import { useTestGateway } from '../../support/driver.ts';
import { changesAfter, changesOf, feedCaller, type FeedCaller } from './feed-client.ts';

// `after` / `before` on the todos' create and PATCH: the server computes the position in the same statement
// (migrations/0014_placement.sql), renumbering the sibling group when no key fits.

beforeAll(() => useTestGateway(env.NEON_LOCAL_GATEWAY!));

type Placed = { id: string; position: string; version: number; listId: string; parentId: string | null };

// The tables' owner, with no owner set: to make a second list before the lists resource exists, and to read a group's order.
const direct = () => neon(env.DATABASE_OWNER_URL);

/** A list of `who`'s own, made directly. */
async function newList(who: FeedCaller, position = 'a5'): Promise<string> {
  const [row] = await direct().query(
    `insert into lists (owner, title, position) values ($1, 'placement', $2) returning id`,
    [who.owner, position],
  );
  return row!.id as string;
}

/** A sibling group's ids in its order (the API's order: position byte-wise, then id). */
async function order(list: string, parent: string | null = null): Promise<string[]> {
  const rows = await direct().query(
    `select id from todos where list_id = $1 and parent_id is not distinct from $2 order by position collate "C", id`,
    [list, parent],
  );
  return rows.map((row) => row.id as string);
}

const create = async (who: FeedCaller, json: Record<string, unknown>): Promise<Placed> => {
  const res = await who.call<Placed>('POST', '/todos', { json: { text: 'placed', ...json } });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body;
};

const patch = async (who: FeedCaller, id: string, json: Record<string, unknown>, headers = {}): Promise<Placed> => {
  const res = await who.call<Placed>('PATCH', `/todos/${id}`, { json, headers });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body;
};

/** Three todos of a new list, top to bottom. */
async function threeInList(who: FeedCaller) {
  const list = await newList(who);
  const [a, b, c] = [
    await create(who, { listId: list, position: 'a1' }),
    await create(who, { listId: list, position: 'a2' }),
    await create(who, { listId: list, position: 'a3' }),
  ];
  return { list, a, b, c };
}

describe('placing a new todo', () => {
  it('after a sibling, before one, first (after: null) and last (before: null), each in one statement', async () => {
    const who = feedCaller('place');
    const { list, a, b, c } = await threeInList(who);
    const afterA = await create(who, { listId: list, after: a.id });
    const beforeC = await create(who, { listId: list, before: c.id });
    const first = await create(who, { listId: list, after: null });
    const last = await create(who, { listId: list, before: null });
    expect(await order(list)).toEqual([first.id, a.id, afterA.id, b.id, beforeC.id, c.id, last.id]);
    expect(afterA.position > a.position && afterA.position < b.position).toBe(true);
  });

  it('in the default list without a listId, with a chosen id, under an Idempotency-Key, and both', async () => {
    const who = feedCaller('default');
    const top = await create(who, {});
    const withId = await create(who, { id: crypto.randomUUID(), before: null });
    const keyed = await who.call<Placed>('POST', '/todos', {
      json: { text: 'keyed', after: top.id },
      headers: { 'idempotency-key': crypto.randomUUID() },
    });
    expect(keyed.status).toBe(201);
    const keyedWithId = await who.call<Placed>('POST', '/todos', {
      json: { text: 'keyed with id', id: crypto.randomUUID(), after: keyed.body.id },
      headers: { 'idempotency-key': crypto.randomUUID() },
    });
    expect(keyedWithId.status).toBe(201);
    expect(await order(top.listId)).toEqual([top.id, keyed.body.id, keyedWithId.body.id, withId.id]);
  });

  it('among a parent’s subtasks', async () => {
    const who = feedCaller('subtasks');
    const list = await newList(who);
    const parent = await create(who, { listId: list });
    const [s1, s2] = [
      await create(who, { listId: list, parentId: parent.id, position: 'a1' }),
      await create(who, { listId: list, parentId: parent.id, position: 'a2' }),
    ];
    const between = await create(who, { listId: list, parentId: parent.id, after: s1.id });
    expect(await order(list, parent.id)).toEqual([s1.id, between.id, s2.id]);
    expect(await order(list)).toEqual([parent.id]);
  });
});

describe('equal keys (two clients placed at one spot at once)', () => {
  it('after the first of two equal keys lands strictly between them; the renumbered todos are in the feed', async () => {
    const who = feedCaller('equal');
    const list = await newList(who);
    const twins = [
      await create(who, { listId: list, position: 'a5' }),
      await create(who, { listId: list, position: 'a5' }),
    ].sort((x, y) => (x.id < y.id ? -1 : 1));
    const since = await changesOf(who);
    const placed = await create(who, { listId: list, after: twins[0]!.id });
    expect(await order(list)).toEqual([twins[0]!.id, placed.id, twins[1]!.id]);
    const [low, high] = await Promise.all(
      twins.map(async (t) => (await who.call<Placed>('GET', `/todos/${t.id}`)).body),
    );
    // Strictly: by key alone, not by the ids' tie-break.
    expect(low!.position < placed.position && placed.position < high!.position).toBe(true);
    // Every todo whose key changed is a new version, and the feed hands it out.
    const changed = [low!, high!].filter((t, i) => t.position !== twins[i]!.position);
    expect(changed.length).toBeGreaterThan(0);
    for (const t of changed) expect(t.version).toBe(2);
    const seen = new Map(
      (await changesAfter(who, since.body.next, [placed.id, ...changed.map((t) => t.id)])).map((c) => [
        c.id,
        c as unknown as Placed,
      ]),
    );
    for (const t of changed) expect(seen.get(t.id)?.position).toBe(t.position);
  });
});

describe('moving a todo with PATCH', () => {
  it('after or before a sibling, with and without If-Match; the other todos keep their keys', async () => {
    const who = feedCaller('move');
    const { list, a, b, c } = await threeInList(who);
    const moved = await patch(who, c.id, { after: a.id });
    expect(moved.version).toBe(2);
    expect(await order(list)).toEqual([a.id, c.id, b.id]);
    await patch(who, a.id, { before: null, text: 'last now' }, { 'if-match': `"${a.id}-${a.version}"` });
    expect(await order(list)).toEqual([c.id, b.id, a.id]);
    expect((await who.call<Placed>('GET', `/todos/${b.id}`)).body.version).toBe(1);
  });

  it('into another list, next to a todo of that list', async () => {
    const who = feedCaller('move-list');
    const { list, a, b } = await threeInList(who);
    const other = await newList(who, 'a6');
    const there = await create(who, { listId: other });
    const moved = await patch(who, a.id, { listId: other, before: there.id });
    expect(moved.listId).toBe(other);
    expect(await order(other)).toEqual([a.id, there.id]);
    expect((await order(list))[0]).toBe(b.id);
  });
});

describe('a bad anchor is a 400 naming the field, and nothing changes', () => {
  it('a todo of another list, of another owner, a subtask for a top-level place, an unknown id, the todo itself', async () => {
    const who = feedCaller('bad');
    const { list, a, b } = await threeInList(who);
    const elsewhere = await create(who, { listId: await newList(who, 'a7') });
    const subtask = await create(who, { listId: list, parentId: b.id });
    const foreign = await create(feedCaller('stranger'), {});
    const refused = async (method: string, path: string, json: Record<string, unknown>, field: string) => {
      const res = await who.call(method, path, { json });
      expect(res.status, JSON.stringify(json)).toBe(400);
      expect(res.headers.get('content-type')).toBe('application/problem+json');
      expect(res.body.errors).toEqual([{ path: field, message: expect.any(String) }]);
    };
    await refused('POST', '/todos', { text: 'x', listId: list, after: elsewhere.id }, 'after');
    await refused('POST', '/todos', { text: 'x', listId: list, before: foreign.id }, 'before');
    await refused('POST', '/todos', { text: 'x', listId: list, after: subtask.id }, 'after');
    await refused('POST', '/todos', { text: 'x', listId: list, before: crypto.randomUUID() }, 'before');
    await refused('PATCH', `/todos/${a.id}`, { after: a.id }, 'after');
    await refused('PATCH', `/todos/${a.id}`, { before: foreign.id }, 'before');
    // Two ways of saying where: 400 before any statement.
    await refused('POST', '/todos', { text: 'x', after: a.id, before: b.id }, 'before');
    await refused('POST', '/todos', { text: 'x', position: 'a0', after: a.id }, 'after');
    await refused('PATCH', `/todos/${a.id}`, { position: 'a0', before: null }, 'before');
    await refused('POST', '/todos', { text: 'x', after: 'not-a-uuid' }, 'after');
    expect(await order(list)).toEqual([a.id, b.id, (await order(list))[2]]);
    expect((await who.call<Placed>('GET', `/todos/${a.id}`)).body.version).toBe(1);
  });
});
