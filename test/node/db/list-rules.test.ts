import { neonConfig, Pool, type PoolClient } from '@neondatabase/serverless';
import ws from 'ws';
import { describe, expect, inject, it } from 'vitest';
import { SET_OWNER_SQL } from '../../../src/db/client.ts';
import { useLocalGateway } from '../../../src/db/local-gateway.ts';
import { until } from '../../support/poll.ts';
import { inRolledBackTransaction } from '../../support/rolled-back.ts';

// The rules of lists and subtasks that the database keeps whatever statement writes (migrations/0013_lists.sql):
// each test runs as the Worker's role for an owner of its own (row-level security applies), in a transaction that
// is rolled back, so nothing it writes is seen by other files.

type Query = (text: string, params?: unknown[]) => Promise<Record<string, unknown>[]>;

const ownerOf = (name: string) => `token:rules-${name}-${crypto.randomUUID().slice(0, 8)}`;

/** Runs `body` as the Worker's role with `owner` set, as every Worker transaction starts. */
const asOwner = (owner: string, body: (query: Query) => Promise<void>) =>
  inRolledBackTransaction(inject('databaseUrl'), async (client) => {
    await client.query(SET_OWNER_SQL, [owner]);
    await body(async (text, params) => (await client.query(text, params)).rows as Record<string, unknown>[]);
  });

const one = async (query: Query, text: string, params?: unknown[]) => (await query(text, params))[0]!;

/** A todo's id, inserted with `columns`. */
async function todo(query: Query, values: Record<string, unknown>): Promise<string> {
  const names = Object.keys(values);
  const row = await one(
    query,
    `insert into todos (${names.join(', ')}) values (${names.map((_, i) => `$${i + 1}`).join(', ')}) returning id`,
    Object.values(values),
  );
  return row.id as string;
}

const errorOf = async (work: Promise<unknown>) => {
  try {
    await work;
  } catch (err) {
    return err as { code?: string; constraint?: string };
  }
  throw new Error('expected the statement to fail');
};

describe('the default list', () => {
  it('is made by the first todo written without a list: "Tasks", first, version 1, its id derived from the owner', async () => {
    const owner = ownerOf('default');
    await asOwner(owner, async (query) => {
      expect(await query('select id from lists')).toEqual([]);
      await todo(query, { text: 'first' });
      await todo(query, { text: 'second' });
      const lists = await query(
        'select id, title, position, version, is_default, app_default_list_id(owner) = id as derived from lists',
      );
      expect(lists).toEqual([
        { id: expect.any(String), title: 'Tasks', position: 'a0', version: 1, is_default: true, derived: true },
      ]);
      const todos = await query('select text, list_id from todos order by position');
      expect(todos).toEqual([
        { text: 'second', list_id: lists[0]!.id },
        { text: 'first', list_id: lists[0]!.id },
      ]);
    });
  });

  it('is a version 8 UUID: no client can choose it (they may choose versions 4 and 7 only)', async () => {
    await asOwner(ownerOf('v8'), async (query) => {
      const { id } = await one(query, `select app_default_list_id('alice')::text as id`);
      expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    });
  });

  it('is made before a first list, which goes after it', async () => {
    await asOwner(ownerOf('first-list'), async (query) => {
      await query(`insert into lists (title) values ('Groceries')`);
      expect(await query('select title, position, is_default from lists order by position, id')).toEqual([
        { title: 'Tasks', position: 'a0', is_default: true },
        { title: 'Groceries', position: 'a1', is_default: false },
      ]);
    });
  });

  it('cannot be deleted by the Worker (DFLT1), nor made by hand under another id', async () => {
    await asOwner(ownerOf('keep'), async (query) => {
      await todo(query, { text: 'in the default list' });
      await query('savepoint s');
      expect(await errorOf(query('delete from lists where is_default'))).toMatchObject({ code: 'DFLT1' });
      await query('rollback to s');
      expect(
        await errorOf(query(`insert into lists (id, title, is_default) values (gen_random_uuid(), 'Fake', true)`)),
      ).toMatchObject({ code: '23514', constraint: 'lists_default_id' });
    });
  });
});

describe('subtasks', () => {
  it('are one level deep, in their parent list: the database refuses a second level, a cycle, itself, another list', async () => {
    await asOwner(ownerOf('levels'), async (query) => {
      const other = (await one(query, `insert into lists (title) values ('Other') returning id`)).id;
      const parent = await todo(query, { text: 'parent' });
      const child = await todo(query, { text: 'child', parent_id: parent });
      const refused = async (text: string, params: unknown[], expected: Record<string, string>) => {
        await query('savepoint s');
        expect(await errorOf(query(text, params))).toMatchObject(expected);
        await query('rollback to s');
      };
      const fk = { code: '23503', constraint: 'todos_parent_fk' };
      const top = { code: '23514', constraint: 'todos_parent_depth_top' };
      await refused(`insert into todos (text, parent_id) values ('grandchild', $1)`, [child], fk);
      await refused(`update todos set parent_id = $1 where id = $2`, [child, parent], top);
      await refused(`update todos set parent_id = id where id = $1`, [parent], top);
      await refused(`insert into todos (text, list_id, parent_id) values ('elsewhere', $1, $2)`, [other, parent], fk);
      await refused(`update todos set list_id = $1 where id = $2`, [other, child], fk);
    });
  });

  it('move with their parent to another list, and go with it when it is deleted, each leaving a tombstone', async () => {
    await asOwner(ownerOf('cascade'), async (query) => {
      const other = (await one(query, `insert into lists (title) values ('Other') returning id`)).id;
      const parent = await todo(query, { text: 'parent' });
      const children = [
        await todo(query, { text: 'a', parent_id: parent }),
        await todo(query, { text: 'b', parent_id: parent }),
      ];
      await query('update todos set list_id = $1 where id = $2', [other, parent]);
      const moved = await query('select id, list_id, version from todos where parent_id = $1 order by id', [parent]);
      expect(moved).toEqual([...children].sort().map((id) => ({ id, list_id: other, version: 2 })));
      await query('delete from todos where id = $1', [parent]);
      expect(await query('select id from todos')).toEqual([]);
      const buried = await query('select id, version from todo_tombstones order by id');
      expect(buried).toEqual([parent, ...children].sort().map((id) => ({ id, version: 3 })));
    });
  });
});

describe("the parent key's cascades", () => {
  it("find a parent's subtasks by an index of their own, not by scanning the table", async () => {
    // As the cascades run: foreign-key actions bypass row-level security, so no owner narrows their lookup (the
    // tables' owner with no owner set sees the same), for every deleted or moved todo.
    await inRolledBackTransaction(inject('ownerUrl'), async (client) => {
      await client.query('set local enable_seqscan = off');
      const { rows } = await client.query(
        `explain (format json) select 1 from todos where list_id = $1 and parent_id = $2 and parent_depth = 0`,
        [crypto.randomUUID(), crypto.randomUUID()],
      );
      expect(JSON.stringify(rows[0])).toContain('"Index Name":"todos_parent_idx"');
    });
  });
});

describe('deleting a list', () => {
  it('deletes its todos, each a todo tombstone, and leaves a list tombstone', async () => {
    const owner = ownerOf('delete-list');
    await asOwner(owner, async (query) => {
      const list = (await one(query, `insert into lists (title) values ('Going') returning id`)).id;
      const parent = await todo(query, { text: 'parent', list_id: list });
      const child = await todo(query, { text: 'child', list_id: list, parent_id: parent });
      const kept = await todo(query, { text: 'kept' });
      await query('delete from lists where id = $1', [list]);
      expect(await query('select id from todos')).toEqual([{ id: kept }]);
      expect((await query('select id from todo_tombstones order by id')).map((r) => r.id)).toEqual(
        [parent, child].sort(),
      );
      expect(await query('select id, version from list_tombstones')).toEqual([{ id: list, version: 2 }]);
      expect(await one(query, 'select todos, lists from owner_usage')).toEqual({ todos: 1, lists: 1 });
    });
  });
});

describe('completedAt', () => {
  it("is the database's: set when done becomes true, cleared when it becomes false, whatever the statement says", async () => {
    await asOwner(ownerOf('completed'), async (query) => {
      const id = await todo(query, { text: 'x', done: true });
      const set = await one(query, 'select completed_at is not null as set from todos where id = $1', [id]);
      expect(set).toEqual({ set: true });
      await query(`update todos set done = false, completed_at = now() where id = $1`, [id]);
      expect(await one(query, 'select completed_at from todos where id = $1', [id])).toEqual({ completed_at: null });
      await query(`update todos set completed_at = now() where id = $1`, [id]);
      expect(await one(query, 'select completed_at from todos where id = $1', [id])).toEqual({ completed_at: null });
    });
  });
});

describe('due', () => {
  it('compares as an instant: a date is the start of its day in UTC, a date-time keeps its offset', async () => {
    await asOwner(ownerOf('due'), async (query) => {
      await todo(query, { text: 'date', due: '2026-12-08' });
      await todo(query, { text: 'evening in New York', due: '2026-12-07T23:30:00-05:00' });
      const rows = await query(
        `select text, to_char(due_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI') as at from todos order by due_at`,
      );
      expect(rows).toEqual([
        { text: 'date', at: '2026-12-08T00:00' },
        { text: 'evening in New York', at: '2026-12-08T04:30' },
      ]);
      await query('savepoint s');
      expect(
        await errorOf(query(`insert into todos (text, due) values ('no offset', '2026-12-07T10:00:00')`)),
      ).toMatchObject({
        code: '23514',
        constraint: 'todos_due_format',
      });
      await query('rollback to s');
    });
  });
});

// Two first writes of one owner at once make one default list: the second waits for the first's insert of it.
// Only Postgres runs two writing transactions at once (the embedded upstream serialises them).
describe.runIf(inject('backend') === 'postgres')('two first writes at once', () => {
  it('make one default list, and both todos are in it', async () => {
    const owner = ownerOf('race');
    neonConfig.webSocketConstructor = ws;
    useLocalGateway(inject('gatewayAddress'));
    const pool = new Pool({ connectionString: inject('ownerUrl'), max: 3 });
    pool.on('error', () => undefined);
    const clients: PoolClient[] = [];
    try {
      const [first, second, watcher] = [await pool.connect(), await pool.connect(), await pool.connect()];
      clients.push(first, second, watcher);
      for (const client of [first, second]) {
        await client.query('begin');
        await client.query(`select set_config('app.user_id', $1, true)`, [owner]);
      }
      await first.query(`insert into todos (text) values ('first')`);
      const pending = second.query(`insert into todos (text) values ('second')`);
      const firstPid = (await first.query('select pg_backend_pid() as pid')).rows[0].pid as number;
      await until(async () => {
        const { rows } = await watcher.query(
          'select count(*)::int as n from pg_locks where not granted and $1 = any(pg_blocking_pids(pid))',
          [firstPid],
        );
        return rows[0].n > 0;
      }, 'the second write waiting for the first');
      await first.query('commit');
      await pending;
      await second.query('commit');
      const { rows } = await watcher.query(
        'select count(*)::int as lists, (select count(*)::int from todos where owner = $1) as todos from lists where owner = $1',
        [owner],
      );
      expect(rows).toEqual([{ lists: 1, todos: 2 }]);
    } finally {
      const cleanup = clients[2];
      await cleanup?.query(`delete from todos where owner = $1`, [owner]).catch(() => undefined);
      await cleanup?.query(`delete from lists where owner = $1`, [owner]).catch(() => undefined);
      for (const client of clients) client.release();
      await pool.end();
    }
  });
});
