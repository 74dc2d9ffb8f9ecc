import { env } from 'cloudflare:workers';
import { neon } from '@neondatabase/serverless';
import { beforeAll, describe, expect, it } from 'vitest';
import { useTestGateway } from '../../support/driver.ts';
import { feedCaller, type FeedCaller } from './feed-client.ts';
import type { Todo } from './client.ts';

// Ids a client chooses (POST /todos "id", POST /todos/import?firstId=), each test with owners of its own.
beforeAll(() => useTestGateway(env.NEON_LOCAL_GATEWAY!));

const newId = () => crypto.randomUUID();
const direct = () => neon(env.DATABASE_OWNER_URL);
const create = (who: FeedCaller, json: unknown, headers: Record<string, string> = {}) =>
  who.call<Todo & { detail: string }>('POST', '/todos', { json, headers });

/** The one answer for an id that cannot be used, whatever took it. */
const TAKEN = {
  status: 409,
  detail:
    'An id in this request cannot be used: it names another record, or one that was deleted (ids are never reused), or it was first sent with other values. Nothing was changed: give a new record a new id (a random UUID).',
};
const taken = (res: { status: number; body: { detail?: string } }) => ({ status: res.status, detail: res.body.detail });

/** Every row with this id, of any owner, as the tables' owner sees them. */
const rowsWithId = (id: string) => direct()`select owner, text, done, version from todos where id = ${id}`;

describe('POST /todos with an id the client chose', () => {
  it('creates the todo under that id, with its Location and ETag', async () => {
    const me = feedCaller('chosen');
    const id = newId();
    const res = await create(me, { id, text: 'mine' });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ id, text: 'mine', done: false, version: 1 });
    expect(res.headers.get('location')).toBe(`/todos/${id}`);
    expect(res.headers.get('etag')).toBe(`"${id}-1"`);
    expect(res.headers.get('idempotent-replayed')).toBeNull();
    expect((await me.call('GET', `/todos/${id}`)).body).toEqual(res.body);
  });

  it('answers the same request again with the todo as it is now and Idempotent-Replayed: true, creating nothing', async () => {
    const me = feedCaller('replay');
    const id = newId();
    expect((await create(me, { id, text: ' retried ', done: true })).status).toBe(201);
    const patched = (await me.call<Todo>('PATCH', `/todos/${id}`, { json: { text: 'changed since' } })).body;
    // The same request: the text is trimmed before it is compared, and done given or defaulted the same.
    const again = await create(me, { id, text: 'retried', done: true });
    expect(again.status).toBe(201);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(again.body).toEqual(patched);
    expect(again.headers.get('etag')).toBe(`"${id}-2"`);
    expect(await rowsWithId(id)).toHaveLength(1);
    const defaulted = newId();
    expect((await create(me, { id: defaulted, text: 'x' })).status).toBe(201);
    expect((await create(me, { id: defaulted, text: 'x', done: false })).headers.get('idempotent-replayed')).toBe(
      'true',
    );
  });

  it.each([
    ['another text', { text: 'other' }],
    ['another done', { text: 'first', done: true }],
  ])('answers the same id with %s 409, changing nothing', async (_, other) => {
    const me = feedCaller('other');
    const id = newId();
    const first = (await create(me, { id, text: 'first' })).body;
    expect(taken(await create(me, { id, ...other }))).toEqual(TAKEN);
    expect((await me.call('GET', `/todos/${id}`)).body).toEqual(first);
  });

  it("answers another owner's id 409, exactly as for a deleted one, and neither reads nor changes their todo", async () => {
    const [alice, bob] = [feedCaller('alice'), feedCaller('bob')];
    const hers = newId();
    expect((await create(alice, { id: hers, text: 'secret of alice' })).status).toBe(201);
    // Bob even sends her very request: the answer says nothing of her, nor whether the id is live or deleted.
    const onLive = await create(bob, { id: hers, text: 'secret of alice' });
    expect(taken(onLive)).toEqual(TAKEN);
    expect(JSON.stringify(onLive.body)).not.toContain('secret');
    const gone = newId();
    expect((await create(alice, { id: gone, text: 'deleted by alice' })).status).toBe(201);
    expect((await alice.call('DELETE', `/todos/${gone}`)).status).toBe(204);
    expect(taken(await create(bob, { id: gone, text: 'deleted by alice' }))).toEqual(TAKEN);
    expect(await rowsWithId(hers)).toEqual([{ owner: alice.owner, text: 'secret of alice', done: false, version: 1 }]);
    expect((await bob.call('GET', `/todos/${hers}`)).status).toBe(404);
  });

  it('refuses a create retried after the delete (409, not a resurrection), for its owner too', async () => {
    const me = feedCaller('resurrect');
    const id = newId();
    expect((await create(me, { id, text: 'short-lived' })).status).toBe(201);
    expect((await me.call('DELETE', `/todos/${id}`)).status).toBe(204);
    expect(taken(await create(me, { id, text: 'short-lived' }))).toEqual(TAKEN);
    expect((await me.call('GET', `/todos/${id}`)).status).toBe(404);
    expect(await rowsWithId(id)).toEqual([]);
  });
});

describe('an id beside an Idempotency-Key', () => {
  it('replays the key first; a new key with the same id and request replays the create; another body under the key is a 422', async () => {
    const me = feedCaller('keyed');
    const id = newId();
    const first = await create(me, { id, text: 'keyed' }, { 'idempotency-key': 'k1' });
    expect(first.status).toBe(201);
    expect(first.headers.get('idempotent-replayed')).toBeNull();
    const byKey = await create(me, { id, text: 'keyed' }, { 'idempotency-key': 'k1' });
    expect(byKey.headers.get('idempotent-replayed')).toBe('true');
    expect(byKey.body).toEqual(first.body);
    const byId = await create(me, { id, text: 'keyed' }, { 'idempotency-key': 'k2' });
    expect(byId.status).toBe(201);
    expect(byId.headers.get('idempotent-replayed')).toBe('true');
    expect(byId.body).toEqual(first.body);
    expect((await create(me, { id: newId(), text: 'keyed' }, { 'idempotency-key': 'k1' })).status).toBe(422);
    expect(await rowsWithId(id)).toHaveLength(1);
  });

  it('answers a taken id 409 under a new key and leaves the key unused', async () => {
    const me = feedCaller('keyed409');
    const id = newId();
    expect((await create(me, { id, text: 'first' })).status).toBe(201);
    expect(taken(await create(me, { id, text: 'second' }, { 'idempotency-key': 'k' }))).toEqual(TAKEN);
    const fresh = await create(me, { id: newId(), text: 'second' }, { 'idempotency-key': 'k' });
    expect(fresh.status).toBe(201);
    expect(fresh.headers.get('idempotent-replayed')).toBeNull();
  });
});

/** `count` ids counted up from `first` in its last 32 bits, as the API names an import's rows. */
const countedFrom = (first: string, count: number) =>
  Array.from({ length: count }, (_, k) => {
    const low = (Number.parseInt(first.slice(-8), 16) + k).toString(16).padStart(8, '0');
    return `${first.slice(0, -8)}${low}`;
  });
const importAs = (who: FeedCaller, csv: string, firstId?: string) =>
  who.call('POST', `/todos/import${firstId ? `?firstId=${firstId}` : ''}`, {
    body: csv,
    headers: { 'content-type': 'text/csv' },
  });
const csvOf = (texts: string[]) => `text,done\n${texts.map((t, i) => `${t},${i % 2 === 0}`).join('\n')}\n`;
const FIRST = () => `${newId().slice(0, -8)}00000000`;

describe('POST /todos/import with firstId', () => {
  it('names the rows firstId, firstId + 1, ... in file order', async () => {
    const me = feedCaller('named');
    const first = FIRST();
    const texts = ['a', 'b', 'c'];
    expect(await importAs(me, csvOf(texts), first)).toMatchObject({ status: 201, body: { inserted: 3, replayed: 0 } });
    for (const [i, id] of countedFrom(first, 3).entries())
      expect((await me.call('GET', `/todos/${id}`)).body).toMatchObject({ id, text: texts[i], done: i % 2 === 0 });
  });

  it('counts rows already in with the same text and done as replayed and inserts only the rest, at any overlap', async () => {
    const me = feedCaller('overlap');
    const first = FIRST();
    const texts = Array.from({ length: 10 }, (_, i) => `row ${i}`);
    expect((await importAs(me, csvOf(texts.slice(0, 4)), first)).body).toEqual({ inserted: 4, replayed: 0 });
    // Rows 2..9, named from row 2's id on: a chunk of another size that straddles what is in.
    const fromRow2 = countedFrom(first, 3)[2]!;
    const straddling = csvOf(texts).split('\n').slice(3).join('\n');
    expect((await importAs(me, `text,done\n${straddling}`, fromRow2)).body).toEqual({ inserted: 6, replayed: 2 });
    expect((await importAs(me, csvOf(texts), first)).body).toEqual({ inserted: 0, replayed: 10 });
    const ids = countedFrom(first, 10);
    const stored = await direct()`select id, text from todos where id = any(${ids}::uuid[]) order by id`;
    expect(stored.map((r) => r.text)).toEqual(texts);
  });

  it('refuses the whole import (409, nothing written) when one id is taken by another request, another owner or a deletion', async () => {
    const [me, other] = [feedCaller('whole'), feedCaller('whole-other')];
    const texts = ['one', 'two', 'three'];
    const cases: [string, (ids: string[]) => Promise<unknown>][] = [
      ['my own with other values', (ids) => create(me, { id: ids[1], text: 'not two' })],
      ["another owner's", (ids) => create(other, { id: ids[2], text: 'three', done: true })],
      [
        'a deleted one',
        async (ids) => {
          await create(me, { id: ids[0], text: 'one', done: true });
          await me.call('DELETE', `/todos/${ids[0]}`);
        },
      ],
    ];
    for (const [what, occupy] of cases) {
      const first = FIRST();
      const ids = countedFrom(first, 3);
      await occupy(ids);
      const before = await direct()`select id, text from todos where id = any(${ids}::uuid[]) order by id`;
      expect(taken(await importAs(me, csvOf(texts), first)), what).toEqual(TAKEN);
      expect(await direct()`select id, text from todos where id = any(${ids}::uuid[]) order by id`, what).toEqual(
        before,
      );
    }
  });

  it('refuses a firstId that is not a UUID a client may choose, or that leaves no room for the rows (400)', async () => {
    const me = feedCaller('badfirst');
    for (const firstId of ['9B2F4C1E-3A5D-4E6F-8A7B-0C1D00000000', '00000000-0000-0000-0000-000000000000', 'x']) {
      const res = await importAs(me, csvOf(['a']), firstId);
      expect(res.status, firstId).toBe(400);
      expect(res.body.errors[0].path).toBe('firstId');
    }
    const res = await importAs(me, csvOf(['a', 'b']), '9b2f4c1e-3a5d-4e6f-8a7b-0c1dffffffff');
    expect(res.status).toBe(400);
    expect(res.body.errors).toEqual([
      {
        path: 'firstId',
        message: 'leaves no room for 2 rows: its last 32 bits count up one per row and must not overflow',
      },
    ]);
    expect((await importAs(me, csvOf(['a']), '9b2f4c1e-3a5d-4e6f-8a7b-0c1dffffffff')).status).toBe(201);
  });
});

describe('an import keeps file order', () => {
  it('imports 1,000 rows with server-made ids that increase in file order, and exports them in that order', async () => {
    const me = feedCaller('order');
    const texts = Array.from({ length: 1000 }, (_, i) => `line ${String(999 - i).padStart(4, '0')} ${i % 7}`);
    expect((await importAs(me, `text\n${texts.join('\n')}\n`)).body).toEqual({ inserted: 1000, replayed: 0 });
    const exported = await me.call<string>('GET', '/todos', { headers: { accept: 'text/csv' } });
    const [header, ...rows] = exported.body
      .trim()
      .split('\r\n')
      .map((row) => row.split(','));
    const column = (name: string) => rows.map((row) => row[header!.indexOf(name)]!);
    expect(column('text')).toEqual(texts);
    const ids = column('id');
    expect(ids.every((id) => /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/.test(id))).toBe(
      true,
    );
    expect([...ids].sort()).toEqual(ids);
  });
});
