import { env } from 'cloudflare:workers';
import { Pool, type PoolClient } from '@neondatabase/serverless';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { useTestGateway } from '../../support/driver.ts';
import { until } from '../../support/poll.ts';
import type { Todo } from './client.ts';
import {
  applyChanges,
  changesOf,
  feedCaller,
  keyOf,
  syncInto,
  type Change,
  type FeedCaller,
  type FeedPath,
} from './feed-client.ts';
import { createList, deleteList } from './list-writes.ts';

beforeAll(() => useTestGateway(env.NEON_LOCAL_GATEWAY!));

/** What the held transaction changes: a todo's text, or (GET /changes only) a list's title. */
type Held = 'todo' | 'list';
const HELD_TEXT = 'early, committed late';

/**
 * Makes a todo or a list and syncs `copy` from `feed`, then runs `during` while a change to it, made by a
 * transaction of its own, is in flight; then commits it and syncs `copy` until the change arrives. Gives the
 * held thing's key in the copy and what the feed said meanwhile. The held write is an UPDATE: a create would
 * hold the owner's usage row (the quota's lock) and so keep `during`'s creates from committing first.
 */
async function whileAWriteIsHeld(
  me: FeedCaller,
  copy: Map<string, Change>,
  { feed = '/todos/changes', held = 'todo' }: { feed?: FeedPath; held?: Held },
  during: () => Promise<void>,
): Promise<{ key: string; seenDuring: Change[]; token: string }> {
  const id =
    held === 'todo'
      ? (await me.call<Todo>('POST', '/todos', { json: { text: 'early' } })).body.id
      : (await createList(me, 'early')).id;
  const key = feed === '/changes' ? `${held} ${id}` : id;
  const token = await syncInto(copy, me, undefined, undefined, feed);
  // Not one of PgBouncer's two server connections: a direct one, as the tables' owner.
  const pool = new Pool({ connectionString: inject('ownerUrl') });
  pool.on('error', () => undefined);
  let early: PoolClient | undefined;
  try {
    early = await pool.connect();
    await early.query('begin');
    const [table, column] = held === 'todo' ? ['todos', 'text'] : ['lists', 'title'];
    await early.query(`update ${table} set ${column} = $3 where owner = $1 and id = $2`, [me.owner, id, HELD_TEXT]);
    await during();
    // A client syncs while the early write is in flight, then again once it has committed. One change a
    // page, so that a page handed out past the open transaction would carry the client's token past it.
    const read = await changesOf(me, token, 1, feed);
    expect(read.status).toBe(200);
    applyChanges(copy, read.body.changes);
    await early.query('commit');
    let next = read.body.next;
    await until(
      async () => {
        next = await syncInto(copy, me, next, undefined, feed);
        return copy.has(key);
      },
      'the early write in the client copy once it commits',
      { timeoutMs: 15_000 },
    );
    expect(copy.get(key)).toMatchObject({ id, [held === 'todo' ? 'text' : 'title']: HELD_TEXT, version: 2 });
    return { key, seenDuring: read.body.changes, token };
  } finally {
    early?.release();
    await pool.end();
  }
}

/** Waits until the feed after `token` holds a deletion of each of `keys`. */
const deletionsArrive = (me: FeedCaller, token: string, keys: string[], feed: FeedPath) =>
  until(
    async () => {
      const deleted = (await changesOf(me, token, undefined, feed)).body.changes
        .filter((c) => 'deleted' in c)
        .map(keyOf);
      return keys.every((key) => deleted.includes(key));
    },
    'the deletions after the held write',
    { timeoutMs: 15_000 },
  );

// Transactions commit in a different order from the one in which they drew their ids. A feed that
// hands out whatever is committed would move a client's token past a write still in flight, and
// never send it. Only Postgres runs two writing transactions at once (the embedded upstream
// serialises them), so only it can show this.
describe.runIf(inject('backend') === 'postgres')('a write that commits after a later one', () => {
  it('is held back while it is in flight, then handed out: the feed lags, it never skips', async () => {
    const me = feedCaller('order');
    const copy = new Map<string, Change>();
    let late: Todo | undefined;
    const { seenDuring } = await whileAWriteIsHeld(me, copy, {}, async () => {
      // Its transaction id drawn after the held transaction's, committed first, through the API.
      late = (await me.call<Todo>('POST', '/todos', { json: { text: 'late, committed first' } })).body;
    });
    expect(late).toMatchObject({ text: 'late, committed first' });
    await until(async () => (await syncInto(copy, me), copy.has(late!.id)), 'the late write', { timeoutMs: 15_000 });
    expect(copy.get(late!.id)).toEqual(late);
    // How: nothing at or after the open transaction's id was handed out while it was open.
    expect(seenDuring).toEqual([]);
  });

  it('holds back deletions committed after it too, so the held write still arrives', async () => {
    const me = feedCaller('order-deleted');
    const copy = new Map<string, Change>();
    const gone: string[] = [];
    const { seenDuring, token } = await whileAWriteIsHeld(me, copy, {}, async () => {
      for (const text of ['deleted meanwhile', 'deleted meanwhile too']) {
        const { id } = (await me.call<Todo>('POST', '/todos', { json: { text } })).body;
        expect((await me.call('DELETE', `/todos/${id}`)).status).toBe(204);
        gone.push(id);
      }
    });
    expect(seenDuring).toEqual([]);
    await deletionsArrive(me, token, gone, '/todos/changes');
  });
});

// The same, for the feed of lists and todos: its horizon holds back both kinds, whichever kind is in flight.
describe.runIf(inject('backend') === 'postgres')('GET /changes: a write that commits after a later one', () => {
  it("a list's, is held back while todos written after it commit first, then handed out", async () => {
    const me = feedCaller('order-all-list');
    const copy = new Map<string, Change>();
    let late: Todo | undefined;
    const { seenDuring } = await whileAWriteIsHeld(me, copy, { feed: '/changes', held: 'list' }, async () => {
      late = (await me.call<Todo>('POST', '/todos', { json: { text: 'late, committed first' } })).body;
    });
    expect(seenDuring).toEqual([]);
    await until(
      async () => (await syncInto(copy, me, undefined, undefined, '/changes'), copy.has(`todo ${late!.id}`)),
      'the late write',
      { timeoutMs: 15_000 },
    );
    expect(copy.get(`todo ${late!.id}`)).toEqual({ kind: 'todo', ...late });
  });

  it("a todo's, is held back while lists made and deleted after it commit first, then handed out", async () => {
    const me = feedCaller('order-all-todo');
    const copy = new Map<string, Change>();
    const gone: string[] = [];
    const { seenDuring, token } = await whileAWriteIsHeld(me, copy, { feed: '/changes', held: 'todo' }, async () => {
      for (const title of ['deleted meanwhile', 'deleted meanwhile too']) {
        const { id } = await createList(me, title);
        expect(await deleteList(me, id)).toBe(true);
        gone.push(`list ${id}`);
      }
    });
    expect(seenDuring).toEqual([]);
    await deletionsArrive(me, token, gone, '/changes');
  });
});
