import { env } from 'cloudflare:workers';
import { neon, type NeonQueryFunction } from '@neondatabase/serverless';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SET_OWNER_SQL } from '../../../src/db/client.ts';
import type { Todo } from '../api/client.ts';
import { changesAfter, changesOf, feedCaller, type FeedCaller } from '../api/feed-client.ts';
import { scratchName, scratchTable, useTestGateway } from '../../support/driver.ts';

// The change feed's rules are the database's (migration 0009's triggers): statements that are not the
// API's, run by hand, still move a todo in the feed, count its version and leave its tombstone.
beforeAll(() => useTestGateway(env.NEON_LOCAL_GATEWAY!));

/** The tables' owner, with no owner set. */
const direct = () => neon(env.DATABASE_OWNER_URL);

/** `statement` as the Worker's login role in one transaction, with `owner` set as every request sets it. */
async function asWorker(owner: string, statement: string, params: unknown[] = []) {
  const sql = neon(env.DATABASE_URL);
  const [, rows] = await sql.transaction([sql.query(SET_OWNER_SQL, [owner]), sql.query(statement, params)]);
  return rows!;
}

const create = async (who: FeedCaller, text: string): Promise<Todo> => {
  const res = await who.call<Todo>('POST', '/todos', { json: { text } });
  expect(res.status).toBe(201);
  return res.body;
};

/** The feed's token after everything `who` has now (the feed of a fresh caller, read to its end). */
async function tokenNow(who: FeedCaller): Promise<string> {
  let res = await changesOf(who);
  while (res.body.more) res = await changesOf(who, res.body.next);
  return res.body.next;
}

const tombstonesOf = (ids: string[]) =>
  direct().query('select id, owner, version from todo_tombstones where id = any($1::uuid[]) order by id', [ids]);

describe('a hand-run statement as the Worker role', () => {
  it('UPDATE todos SET done = true shows in the feed with its version bumped and updatedAt moved', async () => {
    const me = feedCaller('hand-update');
    const todo = await create(me, 'updated by hand');
    const since = await tokenNow(me);
    const [row] = await asWorker(me.owner, 'update todos set done = true where id = $1 returning version', [todo.id]);
    expect(row).toEqual({ version: 2 });
    const changes = await changesAfter(me, since, [todo.id]);
    const change = changes.find((c) => c.id === todo.id) as Todo;
    expect(change).toMatchObject({ id: todo.id, done: true, version: 2 });
    expect(change.updatedAt > todo.updatedAt).toBe(true);
    // The API sees the same version: its ETag moved, so a stale If-Match is refused.
    const stale = await me.call('PATCH', `/todos/${todo.id}`, {
      json: { done: false },
      headers: { 'if-match': '"1"' },
    });
    expect(stale.status).toBe(412);
  });

  it('an UPDATE that sets the version, the feed position or updatedAt itself still counts one version and moves both forward', async () => {
    const me = feedCaller('hand-version');
    const todo = await create(me, 'version set by hand');
    const [row] = await asWorker(me.owner, 'update todos set version = 100 where id = $1 returning version', [todo.id]);
    expect(row).toEqual({ version: 2 });
    const [again] = await asWorker(
      me.owner,
      `update todos set version = 1, changed_xid = '1', updated_at = '2000-01-01T00:00:00Z' where id = $1
       returning version, changed_xid = pg_current_xact_id() as "inThisTransaction", updated_at > now() - interval '1 hour' as recent`,
      [todo.id],
    );
    expect(again).toEqual({ version: 3, inThisTransaction: true, recent: true });
  });

  it('DELETE shows in the feed as its tombstone, one version past the last, under its owner', async () => {
    const me = feedCaller('hand-delete');
    const todo = await create(me, 'deleted by hand');
    const since = await tokenNow(me);
    expect(await asWorker(me.owner, 'delete from todos where id = $1 returning id', [todo.id])).toEqual([
      { id: todo.id },
    ]);
    const changes = await changesAfter(me, since, [todo.id]);
    expect(changes.filter((c) => c.id === todo.id)).toEqual([{ id: todo.id, deleted: true, version: 2 }]);
    expect(await tombstonesOf([todo.id])).toEqual([{ id: todo.id, owner: me.owner, version: 2 }]);
  });

  it('cannot write a tombstone itself: only the trigger does', async () => {
    await expect(
      asWorker(
        'token:forger',
        `insert into todo_tombstones (id, owner, version) values (gen_random_uuid(), 'token:forger', 1)`,
      ),
    ).rejects.toMatchObject({ code: '42501' });
  });
});

// A later parent table (lists) will cascade to todos. ON DELETE CASCADE deletes the referencing rows of
// every owner, whatever row-level security says, and runs their triggers as the tables' owner: each
// tombstone must still go to its own todo's owner. A scratch parent and a scratch column on todos, made
// for this file and removed after it.
describe('an ON DELETE CASCADE from a parent table', () => {
  const parents = scratchTable('cascade_parents');
  const column = scratchName('scratch_parent');
  const [a, b] = [feedCaller('cascade-a'), feedCaller('cascade-b')];

  /** DDL on todos, as the tables' owner: it waits at most briefly for other files' transactions, and tries again. */
  async function alterTodos(statement: string) {
    for (let attempt = 1; ; attempt++) {
      const sql = direct();
      try {
        await sql.transaction([sql.query(`set local lock_timeout = '500ms'`), sql.query(statement)]);
        return;
      } catch (err) {
        if ((err as { code?: string }).code !== '55P03' || attempt === 20) throw err;
      }
    }
  }

  beforeAll(async () => {
    await direct().query(`create table ${parents} (id int primary key)`);
    await alterTodos(`alter table todos add column ${column} int references ${parents} (id) on delete cascade`);
  });
  afterAll(async () => {
    await alterTodos(`alter table todos drop column if exists ${column}`);
    await direct().query(`drop table if exists ${parents}`);
  });

  /** Two todos of A and one of B under one parent, through the API; their ids, per owner. */
  async function family(parent: number) {
    await direct().query(`insert into ${parents} (id) values ($1)`, [parent]);
    const ids = { a: [] as string[], b: [] as string[] };
    for (const [who, name] of [
      [a, 'a'],
      [a, 'a'],
      [b, 'b'],
    ] as const) {
      const todo = await create(who, `child of ${parent}`);
      ids[name].push(todo.id);
    }
    await direct().query(`update todos set ${column} = $1 where id = any($2::uuid[])`, [parent, [...ids.a, ...ids.b]]);
    return ids;
  }

  /** Deletes the parent as the tables' owner, with `owner` set in that transaction (or none). */
  async function deleteParent(parent: number, owner?: string) {
    const sql: NeonQueryFunction<false, false> = direct();
    await sql.transaction([
      sql.query(`select set_config('app.user_id', $1, true)`, [owner ?? '']),
      sql.query(`delete from ${parents} where id = $1`, [parent]),
    ]);
  }

  async function expectEachBuriedUnderItsOwner(ids: { a: string[]; b: string[] }, since: { a: string; b: string }) {
    expect(await direct().query(`select id from todos where id = any($1::uuid[])`, [[...ids.a, ...ids.b]])).toEqual([]);
    // Each todo was updated once (the scratch column), so its deletion is version 3.
    expect(await tombstonesOf([...ids.a, ...ids.b])).toEqual(
      [
        ...ids.a.map((id) => ({ id, owner: a.owner, version: 3 })),
        ...ids.b.map((id) => ({ id, owner: b.owner, version: 3 })),
      ].sort((x, y) => x.id.localeCompare(y.id)),
    );
    const deletions = async (who: FeedCaller, token: string, mine: string[], theirs: string[]) => {
      const changes = await changesAfter(who, token, mine);
      expect(changes.filter((c) => 'deleted' in c)).toEqual(mine.map((id) => ({ id, deleted: true, version: 3 })));
      expect(changes.map((c) => c.id)).not.toEqual(expect.arrayContaining(theirs.slice(0, 1)));
    };
    await deletions(a, since.a, ids.a, ids.b);
    await deletions(b, since.b, ids.b, ids.a);
  }

  it("run by A's transaction, leaves each todo's tombstone under its own owner, and each owner's feed shows its own", async () => {
    const parent = Math.floor(Math.random() * 1e9);
    const ids = await family(parent);
    const since = { a: await tokenNow(a), b: await tokenNow(b) };
    await deleteParent(parent, a.owner);
    await expectEachBuriedUnderItsOwner(ids, since);
  });

  it('run with no owner set (by hand, as the tables owner), does the same', async () => {
    const parent = Math.floor(Math.random() * 1e9);
    const ids = await family(parent);
    const since = { a: await tokenNow(a), b: await tokenNow(b) };
    await deleteParent(parent);
    await expectEachBuriedUnderItsOwner(ids, since);
  });
});
