import { env } from 'cloudflare:workers';
import { neon } from '@neondatabase/serverless';
import { beforeAll, describe, expect, it } from 'vitest';
import { useTestGateway } from '../../support/driver.ts';
import { feedCaller, type FeedCaller, type List } from './feed-client.ts';

// `after` / `before` on the lists' create and PATCH: the server computes the position among the caller's
// lists in the same statement (migrations/0014_placement.sql, src/db/placement.ts).

beforeAll(() => useTestGateway(env.NEON_LOCAL_GATEWAY!));

type Problem = { detail?: string; errors?: { path: string; message: string }[] };

/** The tables' owner, with no owner set: what is really stored, and a list written with no default list yet. */
const direct = () => neon(env.DATABASE_OWNER_URL);

const post = (who: FeedCaller, json: Record<string, unknown>, headers: Record<string, string> = {}) =>
  who.call<List & Problem>('POST', '/lists', { json: { title: 'placed', ...json }, headers });

const create = async (who: FeedCaller, json: Record<string, unknown> = {}, headers: Record<string, string> = {}) => {
  const res = await post(who, json, headers);
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body;
};

const patch = (who: FeedCaller, id: string, json: Record<string, unknown>, headers: Record<string, string> = {}) =>
  who.call<List & Problem>('PATCH', `/lists/${id}`, { json, headers });

/** The caller's lists in the API's order (one page holds them all here). */
async function lists(who: FeedCaller): Promise<List[]> {
  const res = await who.call<{ items: List[] }>('GET', '/lists');
  expect(res.status).toBe(200);
  return res.body.items;
}
const order = async (who: FeedCaller) => (await lists(who)).map((list) => list.id);
const defaultId = async (who: FeedCaller) => (await lists(who)).find((list) => list.isDefault)!.id;

/** The default list and three lists, in that order. */
async function three(who: FeedCaller) {
  const [a, b, c] = [await create(who), await create(who), await create(who)];
  return { d: await defaultId(who), a: a.id, b: b.id, c: c.id };
}

/** A 400 naming `path`, after which the caller's lists are as they were. */
async function refused(who: FeedCaller, send: () => Promise<{ status: number; body: Problem }>, path: string) {
  const before = await lists(who);
  const res = await send();
  expect(res.status, JSON.stringify(res.body)).toBe(400);
  expect(res.body.errors?.map((error) => error.path)).toEqual([path]);
  expect(await lists(who)).toEqual(before);
}

describe('placing a new list', () => {
  it('after a list, before one, first (after: null) and last (before: null)', async () => {
    const who = feedCaller('lplace');
    const { d, a, b, c } = await three(who);
    const afterA = await create(who, { after: a });
    const beforeC = await create(who, { before: c });
    const first = await create(who, { after: null });
    const last = await create(who, { before: null });
    expect(await order(who)).toEqual([first.id, d, a, afterA.id, b, beforeC.id, c, last.id]);
  });

  it('with a chosen id, under an Idempotency-Key, and both; a replay placed elsewhere is the list as created', async () => {
    const who = feedCaller('lplacekeyed');
    const { d, a, b } = await three(who);
    const chosen = crypto.randomUUID();
    const withId = await create(who, { id: chosen, after: a });
    const keyed = await create(who, { after: d }, { 'idempotency-key': crypto.randomUUID() });
    const both = await create(who, { id: crypto.randomUUID(), before: b }, { 'idempotency-key': crypto.randomUUID() });
    const all = await order(who);
    expect(all.indexOf(withId.id)).toBe(all.indexOf(a) + 1);
    expect(all.indexOf(keyed.id)).toBe(all.indexOf(d) + 1);
    expect(all.indexOf(both.id)).toBe(all.indexOf(b) - 1);
    // The placement says where a create goes, not what it is: the same id and values again replay it.
    const again = await post(who, { id: chosen, before: null });
    expect(again.status).toBe(201);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(again.body).toEqual(withId);
  });

  it("next to an owner's default list before any write has made it", async () => {
    const after = feedCaller('lplacefresh');
    const d = await defaultId(after);
    const placed = await create(after, { after: d });
    expect(await order(after)).toEqual([d, placed.id]);
    const first = feedCaller('lplacefirst');
    const top = await create(first, { after: null });
    expect(await order(first)).toEqual([top.id, await defaultId(first)]);
  });
});

describe('moving a list', () => {
  it('after a list, and before one under If-Match (a stale version moves nothing)', async () => {
    const who = feedCaller('lmove');
    const { d, a, b, c } = await three(who);
    const moved = await patch(who, c, { after: d });
    expect(moved.status, JSON.stringify(moved.body)).toBe(200);
    expect(moved.body.version).toBe(2);
    expect(await order(who)).toEqual([d, c, a, b]);
    const stale = await patch(who, a, { before: null }, { 'if-match': `"${a}-2"` });
    expect(stale.status).toBe(412);
    expect(await order(who)).toEqual([d, c, a, b]);
    const renamed = await patch(who, a, { title: 'last', before: null }, { 'if-match': `"${a}-1"` });
    expect(renamed.status, JSON.stringify(renamed.body)).toBe(200);
    expect(renamed.body).toMatchObject({ title: 'last', version: 2 });
    expect(await order(who)).toEqual([d, c, b, a]);
  });

  it("next to the owner's default list before any write has made it", async () => {
    const who = feedCaller('lmovefresh');
    // Written by the tables' owner, with no caller set: no trigger writes the default list.
    const [row] = await direct().query(
      `insert into lists (owner, title, position) values ($1, 'x', 'a5') returning id`,
      [who.owner],
    );
    const id = row!.id as string;
    const d = await defaultId(who);
    expect(await order(who)).toEqual([d, id]);
    const moved = await patch(who, id, { before: d }, { 'if-match': `"${id}-1"` });
    expect(moved.status, JSON.stringify(moved.body)).toBe(200);
    expect(await order(who)).toEqual([id, d]);
    const stored = await direct().query('select count(*)::int as n from lists where owner = $1', [who.owner]);
    expect(stored[0]!.n).toBe(2);
  });
});

describe('a placement that names no list of the caller', () => {
  it('is a 400 naming the field, and changes nothing', async () => {
    const who = feedCaller('lbad');
    const other = feedCaller('lbadother');
    const { a } = await three(who);
    const theirs = (await create(other)).id;
    const todo = await who.call<{ id: string }>('POST', '/todos', { json: { text: 'not a list' } });
    expect(todo.status).toBe(201);
    const nowhere = crypto.randomUUID();
    for (const [field, anchor] of [
      ['after', todo.body.id],
      ['before', theirs],
      ['after', nowhere],
      ['before', await defaultId(other)],
    ] as const) {
      await refused(who, () => post(who, { [field]: anchor }), field);
      await refused(who, () => patch(who, a, { [field]: anchor }), field);
      await refused(who, () => patch(who, a, { [field]: anchor }, { 'if-match': `"${a}-1"` }), field);
    }
    await refused(who, () => patch(who, a, { before: a }), 'before');
    await refused(who, () => post(who, { after: 'not-a-uuid' }), 'after');
    await refused(who, () => patch(who, a, { before: a.toUpperCase() }), 'before');
  });

  it('is a 400 when it is given twice, or with a position', async () => {
    const who = feedCaller('lboth');
    const { a, b } = await three(who);
    await refused(who, () => post(who, { after: a, before: b }), 'before');
    await refused(who, () => post(who, { after: a, position: 'a5' }), 'after');
    await refused(who, () => patch(who, a, { after: null, before: null }), 'before');
    await refused(who, () => patch(who, a, { before: b, position: 'a5' }, { 'if-match': `"${a}-1"` }), 'before');
  });
});
