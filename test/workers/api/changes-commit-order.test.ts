import { env } from 'cloudflare:workers';
import { Pool } from '@neondatabase/serverless';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { useTestGateway } from '../../support/driver.ts';
import { until } from '../../support/poll.ts';
import type { Todo } from './client.ts';
import { changesOf, feedCaller, syncInto } from './feed-client.ts';

beforeAll(() => useTestGateway(env.NEON_LOCAL_GATEWAY!));

// Transactions commit in a different order from the one in which they drew their ids. A feed that
// hands out whatever is committed would move a client's token past a write still in flight, and
// never send it. Only Postgres runs two writing transactions at once (the embedded upstream
// serialises them), so only it can show this.
describe.runIf(inject('backend') === 'postgres')('a write that commits after a later one', () => {
  it('is held back while it is in flight, then handed out: the feed lags, it never skips', async () => {
    const me = feedCaller('order');
    const copy = new Map<number, Todo>();
    const token = await syncInto(copy, me);

    // Not one of PgBouncer's two server connections: a direct one, as the tables' owner.
    const pool = new Pool({ connectionString: inject('ownerUrl') });
    pool.on('error', () => undefined);
    const early = await pool.connect();
    try {
      await early.query('begin');
      const held = (
        await early.query<{ id: number }>(
          `insert into todos (owner, text) values ($1, 'early, committed late') returning id`,
          [me.owner],
        )
      ).rows[0]!.id;
      // Drawn after the held transaction's id, committed first, through the API.
      const late = (await me.call<Todo>('POST', '/todos', { json: { text: 'late, committed first' } })).body;
      expect(late.id).toBeGreaterThan(held);

      // A client syncs while the early write is in flight, then again once it has committed.
      const during = await changesOf(me, token);
      expect(during.status).toBe(200);
      const seenDuring = during.body.changes.map((c) => c.id);
      for (const change of during.body.changes) copy.set(change.id, change as Todo);
      await early.query('commit');
      let next = during.body.next;
      await until(
        async () => {
          next = await syncInto(copy, me, next);
          return copy.has(held) && copy.has(late.id);
        },
        'both writes in the client copy once the early one commits',
        { timeoutMs: 15_000 },
      );
      expect(copy.get(late.id)).toEqual(late);
      expect(copy.get(held)).toMatchObject({ id: held, text: 'early, committed late', version: 1 });
      // How: nothing at or after the open transaction's id was handed out while it was open.
      expect(seenDuring).toEqual([]);
    } finally {
      early.release();
      await pool.end();
    }
  });
});
