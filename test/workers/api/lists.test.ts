import { env } from 'cloudflare:workers';
import { neon, Pool, type PoolClient } from '@neondatabase/serverless';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { useTestGateway } from '../../support/driver.ts';
import { until } from '../../support/poll.ts';
import { feedCaller, type FeedCaller } from './feed-client.ts';

// The /lists resource: each test a caller (owner) of its own, so its lists are only what it made.
beforeAll(() => useTestGateway(env.NEON_LOCAL_GATEWAY!));

type List = {
  id: string;
  title: string;
  position: string;
  version: number;
  isDefault: boolean;
  createdAt: string;
  updatedAt: string;
};
type Page = { items: List[]; nextCursor: string | null };

/** The tables' owner, with no owner set: what is really stored. */
const direct = () => neon(env.DATABASE_OWNER_URL);
const storedLists = (owner: string) =>
  direct().query('select id, title, position, version, is_default from lists where owner = $1 order by position, id', [
    owner,
  ]);

const newId = () => crypto.randomUUID();
const etagOf = (list: { id: string; version: number }) => `"${list.id}-${list.version}"`;

const create = (who: FeedCaller, json: unknown, headers: Record<string, string> = {}) =>
  who.call<List & { detail?: string }>('POST', '/lists', { json, headers });
const page = (who: FeedCaller, query = '') => who.call<Page & { errors?: unknown[] }>('GET', `/lists${query}`);
const patch = (who: FeedCaller, id: string, json: unknown, ifMatch?: string) =>
  who.call<List & { detail?: string; currentVersion?: number }>('PATCH', `/lists/${id}`, {
    json,
    headers: ifMatch === undefined ? {} : { 'if-match': ifMatch },
  });
const remove = (who: FeedCaller, id: string, ifMatch?: string) =>
  who.call('DELETE', `/lists/${id}`, { headers: ifMatch === undefined ? {} : { 'if-match': ifMatch } });

/** Every list of `who`, through the pages of GET /lists. */
async function allLists(who: FeedCaller, limit = 100): Promise<List[]> {
  const all: List[] = [];
  let cursor: string | null = null;
  do {
    const res = await page(who, `?limit=${limit}${cursor ? `&cursor=${cursor}` : ''}`);
    expect(res.status).toBe(200);
    expect(res.body.items.length).toBeLessThanOrEqual(limit);
    all.push(...res.body.items);
    cursor = res.body.nextCursor;
  } while (cursor);
  return all;
}

/** The caller's default list, as GET /lists shows it. */
const defaultOf = async (who: FeedCaller) => (await allLists(who)).find((list) => list.isDefault)!;

/** The one answer for an id that cannot be used, whatever took it (as for todos). */
const TAKEN =
  'An id in this request cannot be used: it names another record, or one that was deleted (ids are never reused), or it was first sent with other values. Nothing was changed: give a new record a new id (a random UUID).';

describe('the default list', () => {
  it('is in GET /lists of an owner who never wrote, and the read writes nothing', async () => {
    const me = feedCaller('fresh');
    const res = await page(me);
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('private, no-store');
    expect(res.body.nextCursor).toBeNull();
    expect(res.body.items).toEqual([
      {
        id: expect.stringMatching(/^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/),
        title: 'Tasks',
        position: 'a0',
        version: 1,
        isDefault: true,
        createdAt: expect.any(String),
        updatedAt: expect.any(String),
      },
    ]);
    const [shown] = res.body.items;
    // The id the database derives for this owner, and nothing written anywhere: no list, no usage row.
    const [derived] = await direct().query('select app_default_list_id($1)::text as id', [me.owner]);
    expect(shown!.id).toBe(derived!.id);
    expect((await me.call<List>('GET', `/lists/${shown!.id}`)).body).toMatchObject({ id: shown!.id, version: 1 });
    expect(await storedLists(me.owner)).toEqual([]);
    expect(await direct().query('select * from owner_usage where owner = $1', [me.owner])).toEqual([]);
    expect(await direct().query('select * from list_tombstones where owner = $1', [me.owner])).toEqual([]);
  });

  it('is the list a todo goes to when it names none, written then, with the same id and version 1', async () => {
    const me = feedCaller('todo-first');
    const shown = await defaultOf(me);
    const todo = await me.call<{ listId: string }>('POST', '/todos', { json: { text: 'in the default list' } });
    expect(todo.status).toBe(201);
    expect(todo.body.listId).toBe(shown.id);
    expect(await storedLists(me.owner)).toEqual([
      { id: shown.id, title: 'Tasks', position: 'a0', version: 1, is_default: true },
    ]);
    // Shown once: as written now, no longer as the unwritten one.
    expect(await allLists(me)).toEqual([{ ...shown, createdAt: expect.any(String), updatedAt: expect.any(String) }]);
  });

  it('can be renamed before any write has made it: the PATCH writes it, against the ETag GET showed', async () => {
    const me = feedCaller('rename');
    const shown = await defaultOf(me);
    const got = await me.call('GET', `/lists/${shown.id}`);
    expect(got.headers.get('etag')).toBe(etagOf(shown));
    const renamed = await patch(me, shown.id, { title: '  Inbox ' }, etagOf(shown));
    expect(renamed.status).toBe(200);
    expect(renamed.body).toMatchObject({ id: shown.id, title: 'Inbox', version: 2, isDefault: true, position: 'a0' });
    expect(renamed.headers.get('etag')).toBe(`"${shown.id}-2"`);
    expect(await storedLists(me.owner)).toEqual([
      { id: shown.id, title: 'Inbox', position: 'a0', version: 2, is_default: true },
    ]);
    // Once written, as any list: a stale If-Match is a 412.
    const stale = await patch(me, shown.id, { title: 'Again' }, etagOf(shown));
    expect(stale.status).toBe(412);
    expect(stale.body.currentVersion).toBe(2);
  });

  it('answers a stale If-Match on the unwritten default list 412 with version 1, as it was shown', async () => {
    const me = feedCaller('stale-default');
    const shown = await defaultOf(me);
    const res = await patch(me, shown.id, { title: 'Never' }, `"${shown.id}-7"`);
    expect(res.status).toBe(412);
    expect(res.body.currentVersion).toBe(1);
    expect(res.headers.get('etag')).toBe(etagOf(shown));
    // The PATCH wrote the default list before its condition failed: as it was shown, nothing else.
    expect(await storedLists(me.owner)).toEqual([
      { id: shown.id, title: 'Tasks', position: 'a0', version: 1, is_default: true },
    ]);
  });

  it('cannot be deleted, written or not (409), and the refused delete writes nothing', async () => {
    const me = feedCaller('keep');
    const shown = await defaultOf(me);
    const unwritten = await remove(me, shown.id);
    expect(unwritten.status).toBe(409);
    expect(unwritten.headers.get('content-type')).toBe('application/problem+json');
    expect(JSON.stringify(unwritten.body)).toContain('default list cannot be deleted');
    expect(await storedLists(me.owner)).toEqual([]);
    expect((await create(me, { title: 'Other' })).status).toBe(201);
    const written = await remove(me, shown.id);
    expect(written.status).toBe(409);
    expect(JSON.stringify(written.body)).not.toMatch(/DFLT1|trigger|select|sqlstate/i);
    expect((await storedLists(me.owner)).filter((l) => l.is_default)).toHaveLength(1);
  });

  it('is made once by two first writes at the same time', async () => {
    const me = feedCaller('race');
    const answers = await Promise.all([
      create(me, { title: 'One' }),
      create(me, { title: 'Two' }),
      me.call('POST', '/todos', { json: { text: 'three' } }),
    ]);
    expect(answers.map((a) => a.status)).toEqual([201, 201, 201]);
    const stored = await storedLists(me.owner);
    expect(stored.filter((l) => l.is_default)).toHaveLength(1);
    expect(stored.map((l) => l.title).sort()).toEqual(['One', 'Tasks', 'Two']);
    const [usage] = await direct().query('select lists from owner_usage where owner = $1', [me.owner]);
    expect(usage).toEqual({ lists: 3 });
  });

  it("is another owner's 404: the id of someone else's default list names nothing", async () => {
    const [alice, bob] = [feedCaller('alice'), feedCaller('bob')];
    const hers = await defaultOf(alice);
    expect((await bob.call('GET', `/lists/${hers.id}`)).status).toBe(404);
    expect((await patch(bob, hers.id, { title: 'Mine now' })).status).toBe(404);
    expect((await remove(bob, hers.id)).status).toBe(404);
    expect(await storedLists(alice.owner)).toEqual([]);
  });
});

describe('POST /lists', () => {
  it("creates a list at the end of the owner's lists, with Location, ETag and version 1", async () => {
    const me = feedCaller('create');
    const res = await create(me, { title: ' Groceries ' });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ title: 'Groceries', version: 1, isDefault: false });
    expect(res.headers.get('location')).toBe(`/lists/${res.body.id}`);
    expect(res.headers.get('etag')).toBe(etagOf(res.body));
    expect(res.headers.get('cache-control')).toBe('private, no-cache');
    const second = await create(me, { title: 'Hardware' });
    const titles = (await allLists(me)).map((l) => l.title);
    expect(titles).toEqual(['Tasks', 'Groceries', 'Hardware']);
    expect(second.body.position > res.body.position).toBe(true);
    expect((await me.call('GET', `/lists/${res.body.id}`)).body).toEqual(res.body);
  });

  it('keeps a position the client gives, and orders byte-wise with ties broken by id', async () => {
    const me = feedCaller('order');
    const made = [];
    for (const position of ['a1', 'Zz', 'a0V', 'a1']) made.push((await create(me, { title: position, position })).body);
    const listed = await allLists(me);
    // `Zz` before `a0` (upper case sorts first byte-wise), the default list at `a0`, the two `a1` by id.
    const ties = made
      .filter((l) => l.position === 'a1')
      .map((l) => l.id)
      .sort();
    expect(listed.map((l) => l.position)).toEqual(['Zz', 'a0', 'a0V', 'a1', 'a1']);
    expect(listed.slice(3).map((l) => l.id)).toEqual(ties);
    // Every page size gives the same order, across the unwritten-then-written default list.
    for (const limit of [1, 2, 3]) expect(await allLists(me, limit)).toEqual(listed);
  });

  it.each([
    ['an empty title', { title: '' }],
    ['a title of whitespace', { title: ' \t\n ' }],
    ['a title of 201 characters', { title: 'x'.repeat(201) }],
    ['a title with NUL', { title: 'a\u0000b' }],
    ['a title that is not a string', { title: 42 }],
    ['a null title', { title: null }],
    ['no title', {}],
    ['a title with a lone surrogate', { title: 'a\ud800b' }],
    ['an unknown field', { title: 'ok', isDefault: true }],
    ['a position that is not a key', { title: 'ok', position: 'a b' }],
    ['a position of 129 characters', { title: 'ok', position: `a${'V'.repeat(128)}` }],
    ['an id that is not version 4 or 7', { title: 'ok', id: '0192e4a4-7b0c-8d3e-9a41-5f1c2b3d4e5f' }],
    ['an id in upper case', { title: 'ok', id: newId().toUpperCase() }],
  ])('refuses %s with a 400 naming the field, writing nothing', async (_, body) => {
    const me = feedCaller('bad');
    const res = await create(me, body);
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toBe('application/problem+json');
    expect(JSON.stringify(res.body)).toMatch(/title|isDefault|position|id/);
    expect(await storedLists(me.owner)).toEqual([]);
  });

  it('accepts a title of 200 characters (code points), and refuses a position the database finds invalid', async () => {
    const me = feedCaller('edges');
    const long = '😀'.repeat(200);
    expect((await create(me, { title: long })).body.title).toBe(long);
    // The shape of a key, but not one fractional-indexing makes (a trailing 0): the database's domain refuses it.
    const invalid = await create(me, { title: 'trailing zero', position: 'a00' });
    expect(invalid.status).toBe(400);
    expect((await storedLists(me.owner)).map((l) => l.title)).toEqual(['Tasks', long]);
  });

  it('refuses a JSON body that is not an object (400)', async () => {
    const me = feedCaller('array');
    for (const body of ['[]', '"Groceries"', 'null', '{"title":'])
      expect((await me.call('POST', '/lists', { body, headers: { 'content-type': 'application/json' } })).status).toBe(
        400,
      );
    expect(await storedLists(me.owner)).toEqual([]);
  });

  it('refuses a body that is not JSON (415), or over the size limit (413)', async () => {
    const me = feedCaller('body');
    expect(
      (await me.call('POST', '/lists', { body: 'title=x', headers: { 'content-type': 'text/plain' } })).status,
    ).toBe(415);
    const huge = await me.call('POST', '/lists', { json: { title: 'x', pad: 'y'.repeat(200_000) } });
    expect(huge.status).toBe(413);
    expect(await storedLists(me.owner)).toEqual([]);
  });

  describe('with an id the client chose', () => {
    it('creates it under that id; the same request again is a replay, with the list as it is now', async () => {
      const me = feedCaller('chosen');
      const id = newId();
      const first = await create(me, { id, title: 'Chosen' });
      expect(first.status).toBe(201);
      expect(first.body).toMatchObject({ id, title: 'Chosen', version: 1 });
      expect(first.headers.get('location')).toBe(`/lists/${id}`);
      expect(first.headers.get('idempotent-replayed')).toBeNull();
      const renamed = (await patch(me, id, { title: 'Renamed since' })).body;
      const again = await create(me, { id, title: ' Chosen ' });
      expect(again.status).toBe(201);
      expect(again.headers.get('idempotent-replayed')).toBe('true');
      expect(again.body).toEqual(renamed);
      expect((await storedLists(me.owner)).filter((l) => l.id === id)).toHaveLength(1);
    });

    it.each([
      ['another title', { title: 'Other' }],
      ['a position', { title: 'First', position: 'a5' }],
    ])('answers the same id with %s 409, changing nothing', async (_, other) => {
      const me = feedCaller('other');
      const id = newId();
      const first = (await create(me, { id, title: 'First' })).body;
      const res = await create(me, { id, ...other });
      expect({ status: res.status, detail: res.body.detail }).toEqual({ status: 409, detail: TAKEN });
      expect((await me.call('GET', `/lists/${id}`)).body).toEqual(first);
    });

    it("answers another owner's id, or a deleted list's, the same 409, and reads nothing of theirs", async () => {
      const [alice, bob] = [feedCaller('alice'), feedCaller('bob')];
      const hers = newId();
      expect((await create(alice, { id: hers, title: 'secret of alice' })).status).toBe(201);
      const onLive = await create(bob, { id: hers, title: 'secret of alice' });
      expect({ status: onLive.status, detail: onLive.body.detail }).toEqual({ status: 409, detail: TAKEN });
      expect(JSON.stringify(onLive.body)).not.toContain('secret');
      const gone = newId();
      expect((await create(alice, { id: gone, title: 'deleted' })).status).toBe(201);
      expect((await remove(alice, gone)).status).toBe(204);
      for (const who of [alice, bob]) {
        const res = await create(who, { id: gone, title: 'deleted' });
        expect({ status: res.status, detail: res.body.detail }).toEqual({ status: 409, detail: TAKEN });
      }
      expect((await storedLists(bob.owner)).map((l) => l.title)).toEqual([]);
    });
  });

  it('replays a repeated Idempotency-Key, and refuses it with another body (422)', async () => {
    const me = feedCaller('keyed');
    const key = newId();
    const first = await create(me, { title: 'Keyed' }, { 'idempotency-key': key });
    expect(first.status).toBe(201);
    const again = await create(me, { title: 'Keyed' }, { 'idempotency-key': key });
    expect(again.status).toBe(201);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(again.body).toEqual(first.body);
    expect((await create(me, { title: 'Another' }, { 'idempotency-key': key })).status).toBe(422);
    // With a client id too: a new key and the same id and request replay the create.
    const id = newId();
    expect((await create(me, { id, title: 'Both' }, { 'idempotency-key': newId() })).status).toBe(201);
    const byId = await create(me, { id, title: 'Both' }, { 'idempotency-key': newId() });
    expect(byId.headers.get('idempotent-replayed')).toBe('true');
    expect((await storedLists(me.owner)).map((l) => l.title)).toEqual(['Tasks', 'Keyed', 'Both']);
  });
});

describe('GET /lists', () => {
  it.each([
    ['limit=0', 'limit'],
    ['limit=101', 'limit'],
    ['limit=abc', 'limit'],
    ['limit=1&limit=2', 'limit'],
    ['cursor=not-a-cursor', 'cursor'],
    [`cursor=${btoa(JSON.stringify(['a b', newId()]))}`, 'cursor'],
    [`cursor=${btoa(JSON.stringify(['a0', 'not-an-id']))}`, 'cursor'],
    ['done=true', 'done'],
    [`cursor=${btoa(JSON.stringify([`a${'V'.repeat(200)}`, newId()]))}`, 'cursor'],
  ])('refuses ?%s with a 400 naming %s', async (query, name) => {
    const res = await page(feedCaller('query'), `?${query}`);
    expect(res.status).toBe(400);
    expect(JSON.stringify(res.body.errors)).toContain(name);
  });

  it("reads only the caller's lists, even from a cursor another owner was given", async () => {
    const [alice, bob] = [feedCaller('alice'), feedCaller('bob')];
    for (const title of ['A1', 'A2']) await create(alice, { title });
    await create(bob, { title: 'B1' });
    const first = await page(alice, '?limit=1');
    const fromHers = await page(bob, `?cursor=${first.body.nextCursor}`);
    expect(fromHers.status).toBe(200);
    // A cursor is a position only: bob reads his own lists after it, never hers.
    const his = await allLists(bob);
    for (const list of fromHers.body.items) expect(his).toContainEqual(list);
    expect((await allLists(bob)).map((l) => l.title)).toEqual(['Tasks', 'B1']);
  });
});

describe('GET, PATCH and DELETE /lists/{id}', () => {
  it('answers 304 to If-None-Match while the list is at that version, 200 after a change', async () => {
    const me = feedCaller('etag');
    const list = (await create(me, { title: 'Tagged' })).body;
    const same = await me.call('GET', `/lists/${list.id}`, { headers: { 'if-none-match': etagOf(list) } });
    expect(same.status).toBe(304);
    expect(same.body).toBe('');
    expect(same.headers.get('etag')).toBe(etagOf(list));
    await patch(me, list.id, { title: 'Changed' });
    const changed = await me.call('GET', `/lists/${list.id}`, { headers: { 'if-none-match': etagOf(list) } });
    expect(changed.status).toBe(200);
    expect(changed.body).toMatchObject({ title: 'Changed', version: 2 });
  });

  it('renames and moves a list, +1 version each time; If-Match of another version is a 412 that changes nothing', async () => {
    const me = feedCaller('patch');
    const list = (await create(me, { title: 'Before' })).body;
    const moved = await patch(me, list.id, { position: 'Zz' }, etagOf(list));
    expect(moved.status).toBe(200);
    expect(moved.body).toMatchObject({ title: 'Before', position: 'Zz', version: 2 });
    expect((await allLists(me)).map((l) => l.title)).toEqual(['Before', 'Tasks']);
    const stale = await patch(me, list.id, { title: 'Lost' }, etagOf(list));
    expect(stale.status).toBe(412);
    expect(stale.body.currentVersion).toBe(2);
    expect(stale.headers.get('etag')).toBe(`"${list.id}-2"`);
    expect((await me.call<List>('GET', `/lists/${list.id}`)).body.title).toBe('Before');
    const renamed = await patch(me, list.id, { title: 'After' }, `"${list.id}-2"`);
    expect(renamed.body).toMatchObject({ title: 'After', version: 3 });
  });

  it('answers a malformed or weak If-Match 412: it names no version', async () => {
    const me = feedCaller('weak');
    const list = (await create(me, { title: 'Strong only' })).body;
    for (const tag of [`W/${etagOf(list)}`, 'garbage', `"${list.id}"`]) {
      const res = await patch(me, list.id, { title: 'Changed' }, tag);
      expect(res.status, tag).toBe(412);
    }
    expect((await me.call('GET', `/lists/${list.id}`)).body).toEqual(list);
  });

  it.each([
    ['an empty object', {}],
    ['an empty title', { title: ' ' }],
    ['a long title', { title: 'y'.repeat(201) }],
    ['a null title', { title: null }],
    ['isDefault', { isDefault: true }],
    ['a version', { version: 9 }],
    ['an id', { id: newId() }],
  ])('refuses a PATCH with %s (400), changing nothing', async (_, body) => {
    const me = feedCaller('badpatch');
    const list = (await create(me, { title: 'Kept' })).body;
    const res = await patch(me, list.id, body);
    expect(res.status).toBe(400);
    expect((await me.call('GET', `/lists/${list.id}`)).body).toEqual(list);
  });

  it.each([
    ['not a UUID', 'groceries'],
    ['upper case', '0192E4A4-7B0C-7D3E-9A41-5F1C2B3D4E5F'],
    ['unknown', '0192e4a4-7b0c-7d3e-9a41-5f1c2b3d4e5f'],
    ['a todo', 'TODO'],
  ])('answers an id that is %s 404 on GET, PATCH and DELETE', async (_, given) => {
    const me = feedCaller('notfound');
    const id =
      given === 'TODO'
        ? (await me.call<{ id: string }>('POST', '/todos', { json: { text: 'a todo, not a list' } })).body.id
        : given;
    for (const res of [
      await me.call('GET', `/lists/${id}`),
      await patch(me, id, { title: 'x' }),
      await remove(me, id),
    ]) {
      expect(res.status).toBe(404);
      expect(res.headers.get('content-type')).toBe('application/problem+json');
    }
  });

  it("does not let bob see, change or delete alice's list", async () => {
    const [alice, bob] = [feedCaller('alice'), feedCaller('bob')];
    const hers = (await create(alice, { title: 'secret of alice' })).body;
    for (const res of [
      await bob.call('GET', `/lists/${hers.id}`),
      await patch(bob, hers.id, { title: 'bob was here' }),
      await patch(bob, hers.id, { title: 'bob was here' }, etagOf(hers)),
      await remove(bob, hers.id),
      await remove(bob, hers.id, etagOf(hers)),
    ]) {
      expect(res.status).toBe(404);
      expect(JSON.stringify(res.body)).not.toContain('secret');
    }
    expect((await allLists(bob)).map((l) => l.title)).toEqual(['Tasks']);
    expect((await alice.call('GET', `/lists/${hers.id}`)).body).toEqual(hers);
  });

  it('deletes a list with its todos, each leaving its tombstone, and the list its own', async () => {
    const me = feedCaller('cascade');
    const list = (await create(me, { title: 'Doomed' })).body;
    const kept = (await create(me, { title: 'Kept' })).body;
    const todo = (text: string, listId: string) =>
      me.call<{ id: string; listId: string }>('POST', '/todos', { json: { text, listId } });
    const doomed = [(await todo('one', list.id)).body, (await todo('two', list.id)).body];
    expect(doomed.map((t) => t.listId)).toEqual([list.id, list.id]);
    const survivor = (await todo('elsewhere', kept.id)).body;
    const stale = await remove(me, list.id, `"${list.id}-9"`);
    expect(stale.status).toBe(412);
    expect((await me.call('GET', `/todos/${doomed[0]!.id}`)).status).toBe(200);
    const res = await remove(me, list.id, etagOf(list));
    expect(res.status).toBe(204);
    expect((await me.call('GET', `/lists/${list.id}`)).status).toBe(404);
    for (const { id } of doomed) expect((await me.call('GET', `/todos/${id}`)).status).toBe(404);
    expect((await me.call('GET', `/todos/${survivor.id}`)).status).toBe(200);
    const ids = doomed.map((t) => t.id);
    const tombstones = await direct().query(
      'select id::text, version from todo_tombstones where owner = $1 and id = any($2::uuid[]) order by id',
      [me.owner, ids],
    );
    expect(tombstones).toEqual(ids.sort().map((id) => ({ id, version: 2 })));
    expect(await direct().query('select version from list_tombstones where id = $1', [list.id])).toEqual([
      { version: 2 },
    ]);
    expect((await remove(me, list.id)).status).toBe(404);
    const [usage] = await direct().query('select lists, todos from owner_usage where owner = $1', [me.owner]);
    expect(usage).toEqual({ lists: 2, todos: 1 });
  });
});

describe('the quota of lists', () => {
  it('counts the default list in GET /me for an owner whose usage row has no lists yet (deleted all before lists existed)', async () => {
    const me = feedCaller('usage-row');
    await direct().query('insert into owner_usage (owner, todos, tombstones) values ($1, 0, 1)', [me.owner]);
    expect((await me.call('GET', '/me')).body.usage).toMatchObject({ todos: 0, lists: 1 });
  });

  it('refuses the create past it with a 409 naming the quota, the default list counted; GET /me shows both', async () => {
    const me = feedCaller('quota', { LIST_QUOTA: '3' });
    const fresh = await me.call('GET', '/me');
    expect(fresh.body.usage).toMatchObject({ lists: 1, listQuota: 3 });
    expect(fresh.body.limits).toMatchObject({ lists: 3, titleLength: 200 });
    for (const title of ['one', 'two']) expect((await create(me, { title })).status).toBe(201);
    const refused = await create(me, { title: 'three' });
    expect(refused.status).toBe(409);
    expect(refused.body).toMatchObject({ status: 409, quota: 3, lists: 3, adding: 1 });
    expect(refused.body.detail).toContain('quota of 3 lists');
    expect(JSON.stringify(refused.body)).not.toMatch(/select|insert|owner_usage|trigger|sqlstate|todos/i);
    expect((await storedLists(me.owner)).map((l) => l.title)).toEqual(['Tasks', 'one', 'two']);
    expect((await me.call('GET', '/me')).body.usage).toMatchObject({ lists: 3, listQuota: 3, todos: 0 });
    // A delete gives the room back.
    const [, first] = await allLists(me);
    expect((await remove(me, first!.id)).status).toBe(204);
    expect((await create(me, { title: 'three' })).status).toBe(201);
  });
});

// Two first writes at once, for certain: the first holds its transaction open on a direct connection, having made
// the default list, so the second (through the API, PgBouncer and the Worker's role) must wait for its key. Only
// Postgres runs two writing transactions at once (the embedded upstream serialises them).
describe.runIf(inject('backend') === 'postgres')('a first write while another holds the new default list', () => {
  async function race(settle: 'commit' | 'rollback') {
    const me = feedCaller(`held-${settle}`);
    const pool = new Pool({ connectionString: inject('ownerUrl') });
    pool.on('error', () => undefined);
    let held: PoolClient | undefined;
    try {
      held = await pool.connect();
      await held.query('begin');
      await held.query(`select set_config('app.user_id', $1, true)`, [me.owner]);
      await held.query(`insert into todos (text) values ('first, held open')`);
      const second = create(me, { title: 'Second, through the API' });
      const heldPid = (await held.query('select pg_backend_pid() as pid')).rows[0].pid as number;
      await until(async () => {
        const [row] = await direct().query(
          'select count(*)::int as n from pg_locks where not granted and $1 = any(pg_blocking_pids(pid))',
          [heldPid],
        );
        return row!.n > 0;
      }, 'the API waiting for the held default list');
      await held.query(settle);
      return { answer: await second, stored: await storedLists(me.owner) };
    } finally {
      held?.release();
      await pool.end();
    }
  }

  it.each(['commit', 'rollback'] as const)('makes one default list when the first ends with %s', async (settle) => {
    const { answer, stored } = await race(settle);
    expect(answer.status).toBe(201);
    expect(stored.filter((l) => l.is_default)).toHaveLength(1);
    expect(stored.map((l) => l.title)).toEqual(['Tasks', 'Second, through the API']);
  });
});
