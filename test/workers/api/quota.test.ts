import { env } from 'cloudflare:workers';
import { neon, Pool, type PoolClient } from '@neondatabase/serverless';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { useTestGateway } from '../../support/driver.ts';
import { until } from '../../support/poll.ts';
import type { Todo } from './client.ts';
import { changesOf, feedCaller, type FeedCaller } from './feed-client.ts';

// The per-owner quota of todos (migration 0011's triggers, TODO_QUOTA): each test is a caller of its own under a
// small quota, so the boundary is a few requests away.
beforeAll(() => useTestGateway(env.NEON_LOCAL_GATEWAY!));

/** The tables' owner, with no owner set: what is really stored. */
const direct = () => neon(env.DATABASE_OWNER_URL);

const QUOTA = 3;
const caller = (name: string) => feedCaller(`quota-${name}`, { TODO_QUOTA: String(QUOTA) });

async function create(who: FeedCaller, text: string) {
  return who.call<Todo & Record<string, unknown>>('POST', '/todos', { json: { text } });
}

async function stored(owner: string) {
  const [todos] = await direct().query('select count(*)::int as n from todos where owner = $1', [owner]);
  const [tombstones] = await direct().query('select count(*)::int as n from todo_tombstones where owner = $1', [owner]);
  const [usage] = await direct().query('select todos, tombstones from owner_usage where owner = $1', [owner]);
  return { todos: todos!.n as number, tombstones: tombstones!.n as number, usage };
}

const importCsv = (who: FeedCaller, rows: string[], key?: string) =>
  who.call('POST', '/todos/import', {
    body: `text\n${rows.join('\n')}\n`,
    headers: { 'content-type': 'text/csv', ...(key ? { 'idempotency-key': key } : {}) },
  });

describe('the quota of todos per owner', () => {
  it('refuses the create past it with a 409 naming the quota and the count, and writes nothing', async () => {
    const me = caller('create');
    for (let i = 0; i < QUOTA; i++) expect((await create(me, `q${i}`)).status).toBe(201);
    const refused = await create(me, 'one too many');
    expect(refused.status).toBe(409);
    expect(refused.headers.get('content-type')).toBe('application/problem+json');
    expect(refused.body).toMatchObject({ status: 409, quota: QUOTA, todos: QUOTA, adding: 1 });
    expect(refused.body.detail).toContain(`quota of ${QUOTA} todos`);
    expect(JSON.stringify(refused.body)).not.toMatch(/select|insert|owner_usage|trigger|sqlstate/i);
    expect(await stored(me.owner)).toEqual({ todos: QUOTA, tombstones: 0, usage: { todos: QUOTA, tombstones: 0 } });
  });

  it('refuses a keyed create past it, and the key stays free: the same request succeeds once there is room', async () => {
    const me = caller('keyed');
    for (let i = 0; i < QUOTA; i++) expect((await create(me, `k${i}`)).status).toBe(201);
    const key = crypto.randomUUID();
    const send = () => me.call('POST', '/todos', { json: { text: 'keyed' }, headers: { 'idempotency-key': key } });
    expect((await send()).status).toBe(409);
    const [first] = (await me.call<{ items: Todo[] }>('GET', '/todos?limit=1')).body.items;
    expect((await me.call('DELETE', `/todos/${first!.id}`)).status).toBe(204);
    expect((await send()).status).toBe(201);
    expect((await stored(me.owner)).todos).toBe(QUOTA);
  });

  it('refuses an import that would cross it whole: nothing of the file is written, and the answer says why', async () => {
    const me = caller('import');
    expect((await create(me, 'already here')).status).toBe(201);
    const refused = await importCsv(me, ['a', 'b', 'c'], crypto.randomUUID());
    expect(refused.status).toBe(409);
    expect(refused.body).toMatchObject({ quota: QUOTA, todos: 1, adding: 3 });
    expect(await stored(me.owner)).toEqual({ todos: 1, tombstones: 0, usage: { todos: 1, tombstones: 0 } });
    // Exactly up to the quota is in.
    expect((await importCsv(me, ['a', 'b'])).status).toBe(201);
    expect((await stored(me.owner)).usage).toEqual({ todos: QUOTA, tombstones: 0 });
  });

  it('counts per owner: one at its quota leaves another free to create', async () => {
    const [full, other] = [caller('full'), caller('other')];
    for (let i = 0; i < QUOTA; i++) expect((await create(full, `f${i}`)).status).toBe(201);
    expect((await create(full, 'over')).status).toBe(409);
    expect((await create(other, 'fine')).status).toBe(201);
  });

  it('gives the room a delete frees back', async () => {
    const me = caller('delete');
    const ids: string[] = [];
    for (let i = 0; i < QUOTA; i++) ids.push((await create(me, `d${i}`)).body.id);
    expect((await me.call('DELETE', `/todos/${ids[0]}`)).status).toBe(204);
    expect((await stored(me.owner)).usage).toEqual({ todos: QUOTA - 1, tombstones: 1 });
    expect((await create(me, 'in the freed room')).status).toBe(201);
    expect((await create(me, 'over')).status).toBe(409);
  });
});

describe('deletions kept per owner', () => {
  it('keeps at most the quota of tombstones under create-delete churn: the oldest go, and an older `since` is a 410', async () => {
    const me = caller('churn');
    const start = (await changesOf(me)).body.next;
    const deleted: string[] = [];
    for (let round = 0; round < 2 * QUOTA; round++) {
      const { id } = (await create(me, `churn ${round}`)).body;
      expect((await me.call('DELETE', `/todos/${id}`)).status).toBe(204);
      deleted.push(id);
    }
    expect(await stored(me.owner)).toEqual({ todos: 0, tombstones: QUOTA, usage: { todos: 0, tombstones: QUOTA } });
    const kept = await direct().query('select id from todo_tombstones where owner = $1 order by id', [me.owner]);
    expect(kept.map((r) => r.id)).toEqual(deleted.slice(-QUOTA));
    // A client that synced before the forgotten deletions cannot be told of them: it starts again.
    const gone = await changesOf(me, start);
    expect(gone.status).toBe(410);
    // It is told why: not the token's age (it is seconds old), but the deletions kept per owner.
    expect(JSON.stringify(gone.body)).toContain(`at most ${QUOTA} per owner`);
  });
});

// Two creates at quota - 1, at the same time: exactly one wins. Only Postgres runs two writing transactions
// at once (the embedded upstream serialises them). The first holds its transaction open on a direct connection,
// so the second (through the API, PgBouncer and the Worker's role) must wait for it, whatever it decides.
describe.runIf(inject('backend') === 'postgres')('two creates at quota - 1, at once', () => {
  async function race(settle: 'commit' | 'rollback') {
    const me = caller(`race-${settle}`);
    for (let i = 0; i < QUOTA - 1; i++) expect((await create(me, `r${i}`)).status).toBe(201);
    const pool = new Pool({ connectionString: inject('ownerUrl') });
    pool.on('error', () => undefined);
    let held: PoolClient | undefined;
    try {
      held = await pool.connect();
      await held.query('begin');
      await held.query(`select set_config('app.user_id', $1, true), set_config('app.todo_quota', $2, true)`, [
        me.owner,
        String(QUOTA),
      ]);
      await held.query(`insert into todos (text) values ('first, held open')`);
      const second = create(me, 'second, through the API');
      // Ready signal: a session waits for a lock the held transaction has (pg_locks shows every role's sessions,
      // pg_stat_activity hides their details): the API's insert, waiting for the owner's usage row.
      const heldPid = (await held.query('select pg_backend_pid() as pid')).rows[0].pid as number;
      await until(async () => {
        const [row] = await direct().query(
          'select count(*)::int as n from pg_locks where not granted and $1 = any(pg_blocking_pids(pid))',
          [heldPid],
        );
        return row!.n > 0;
      }, 'the second create waiting for the first');
      await held.query(settle);
      return { answer: await second, state: await stored(me.owner) };
    } finally {
      held?.release();
      await pool.end();
    }
  }

  it('the second is refused when the first commits', async () => {
    const { answer, state } = await race('commit');
    expect(answer.status).toBe(409);
    expect(answer.body).toMatchObject({ quota: QUOTA, todos: QUOTA, adding: 1 });
    expect(state).toEqual({ todos: QUOTA, tombstones: 0, usage: { todos: QUOTA, tombstones: 0 } });
  });

  it('the second is created when the first rolls back', async () => {
    const { answer, state } = await race('rollback');
    expect(answer.status).toBe(201);
    expect(state).toEqual({ todos: QUOTA, tombstones: 0, usage: { todos: QUOTA, tombstones: 0 } });
  });
});
