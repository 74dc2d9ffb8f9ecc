import { env } from 'cloudflare:workers';
import { neon, Pool, type PoolClient } from '@neondatabase/serverless';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { useTestGateway } from '../../support/driver.ts';
import { until } from '../../support/poll.ts';
import { feedCaller, type FeedCaller } from './feed-client.ts';

// The placement lock of a sibling group (migrations/0014_placement.sql): a placement by the server waits for
// a renumbering of its group, and never holds a row of the group while it waits. Only Postgres behind
// PgBouncer runs two transactions at once (the embedded upstream serialises them).

beforeAll(() => useTestGateway(env.NEON_LOCAL_GATEWAY!));

type Placed = { id: string; position: string; version: number };

const owner = () => neon(inject('ownerUrl'));

async function groupOf(who: FeedCaller, keys: string[]) {
  const [made] = await owner().query(
    `insert into lists (owner, title, position) values ($1, 'concurrent', 'a5') returning id`,
    [who.owner],
  );
  const list = made!.id as string;
  const todos: Placed[] = [];
  for (const position of keys) {
    const res = await who.call<Placed>('POST', '/todos', { json: { text: position, listId: list, position } });
    expect(res.status).toBe(201);
    todos.push(res.body);
  }
  return { list, todos };
}

const order = async (list: string) =>
  (await owner().query(`select id from todos where list_id = $1 order by position collate "C", id`, [list])).map(
    (row) => row.id as string,
  );

/** Runs `body` with a transaction of the tables' owner held open; `blocked()` says whether a session waits on it. */
async function holding(body: (holder: PoolClient, blocked: () => Promise<boolean>) => Promise<void>) {
  const pool = new Pool({ connectionString: inject('ownerUrl') });
  pool.on('error', () => undefined);
  const holder = await pool.connect();
  try {
    await holder.query('begin');
    const { pid } = (await holder.query('select pg_backend_pid() as pid')).rows[0] as { pid: number };
    const blocked = async () =>
      (
        await owner().query(
          `select count(*)::int as n from pg_stat_activity where $1::int = any(pg_blocking_pids(pid))`,
          [pid],
        )
      )[0]!.n >= 1;
    await body(holder, blocked);
  } finally {
    await holder.query('rollback').catch(() => undefined);
    holder.release();
    await pool.end();
  }
}

describe.runIf(inject('backend') === 'postgres')('placements of one group at the same moment', () => {
  it('a placement waits for a renumbering of its group, then lands where it asked', async () => {
    const who = feedCaller('lock');
    // Equal keys: a placement between them renumbers the group.
    const { list, todos } = await groupOf(who, ['a1', 'a1', 'a2', 'a3']);
    const [low, high] = todos.slice(0, 2).sort((x, y) => (x.id < y.id ? -1 : 1));
    const [c, d] = todos.slice(2);
    await holding(async (holder, blocked) => {
      const held = await holder.query(
        `insert into todos (owner, list_id, text, position)
         values ($1, $2, 'held', app_place_todo($1, $2, null, $3, false, null)) returning id`,
        [who.owner, list, low!.id],
      );
      // Placed from the keys before the renumbering, it would land before c; it must wait instead.
      const request = who.call<Placed>('POST', '/todos', { json: { text: 'after c', listId: list, after: c!.id } });
      await until(blocked, 'the placement waiting for the group', { timeoutMs: 4000 });
      await holder.query('commit');
      const res = await request;
      expect(res.status).toBe(201);
      expect(await order(list)).toEqual([low!.id, held.rows[0].id, high!.id, c!.id, res.body.id, d!.id]);
    });
  });

  it('a conditional PATCH waits for the group before it locks its todo: a renumbering meanwhile cannot deadlock with it', async () => {
    const who = feedCaller('deadlock');
    const { list, todos } = await groupOf(who, ['a1', 'a2', 'a3']);
    const [a, b, c] = todos;
    await holding(async (holder, blocked) => {
      await holder.query('select app_todo_group_locked($1, null)', [list]);
      const request = who.call<Placed & { currentVersion?: number }>('PATCH', `/todos/${c!.id}`, {
        json: { after: a!.id },
        headers: { 'if-match': `"${c!.id}-${c!.version}"` },
      });
      await until(blocked, 'the PATCH waiting for the group', { timeoutMs: 4000 });
      // What a renumbering does to the todo the PATCH is about to move: it is free, not locked by the waiting PATCH.
      await holder.query('select id from todos where id = $1 for update nowait', [c!.id]);
      await holder.query(`update todos set position = 'a2V' where id = $1`, [c!.id]);
      await holder.query('commit');
      const res = await request;
      // The todo changed while the PATCH waited: its If-Match names an old version.
      expect(res.status).toBe(412);
      expect(res.body.currentVersion).toBe(2);
      expect(await order(list)).toEqual([a!.id, b!.id, c!.id]);
    });
  });

  it("a list's PATCH, conditional or not, waits for the owner's lists before it locks its list", async () => {
    const who = feedCaller('listlock');
    const made = [];
    for (const title of ['a', 'b']) {
      const res = await who.call<Placed>('POST', '/lists', { json: { title } });
      expect(res.status).toBe(201);
      made.push(res.body);
    }
    const [a, b] = made;
    for (const headers of [{ 'if-match': `"${b!.id}-${b!.version}"` }, {}] as Record<string, string>[]) {
      await holding(async (holder, blocked) => {
        await holder.query(`select set_config('app.user_id', $1, true), app_list_group_locked()`, [who.owner]);
        const request = who.call<Placed>('PATCH', `/lists/${b!.id}`, { json: { before: a!.id }, headers });
        await until(blocked, 'the PATCH waiting for the lists', { timeoutMs: 4000 });
        // The list the PATCH is about to move is free: not locked by the waiting PATCH.
        await holder.query('select id from lists where id = $1 for update nowait', [b!.id]);
        await holder.query('commit');
        expect((await request).status).toBe(200);
      });
    }
  });
});
