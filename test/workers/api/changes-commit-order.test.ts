import { env } from 'cloudflare:workers';
import { Pool, type PoolClient } from '@neondatabase/serverless';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { useTestGateway } from '../../support/driver.ts';
import { until } from '../../support/poll.ts';
import type { Todo } from './client.ts';
import { applyChanges, changesOf, feedCaller, syncInto, type Change, type FeedCaller } from './feed-client.ts';

beforeAll(() => useTestGateway(env.NEON_LOCAL_GATEWAY!));

/**
 * Makes a todo and syncs `copy`, then runs `during` while a change to that todo, made by a transaction of
 * its own, is in flight; then commits it and syncs `copy` until the change arrives. Gives the held todo's
 * id and what the feed said meanwhile. The held write is an UPDATE: a create would hold the owner's usage
 * row (the quota's lock) and so keep `during`'s creates from committing first.
 */
async function whileAWriteIsHeld(
  me: FeedCaller,
  copy: Map<string, Todo>,
  during: () => Promise<void>,
): Promise<{ held: string; seenDuring: Change[]; token: string }> {
  const held = (await me.call<Todo>('POST', '/todos', { json: { text: 'early' } })).body.id;
  const token = await syncInto(copy, me);
  // Not one of PgBouncer's two server connections: a direct one, as the tables' owner.
  const pool = new Pool({ connectionString: inject('ownerUrl') });
  pool.on('error', () => undefined);
  let early: PoolClient | undefined;
  try {
    early = await pool.connect();
    await early.query('begin');
    await early.query(`update todos set text = 'early, committed late' where owner = $1 and id = $2`, [me.owner, held]);
    await during();
    // A client syncs while the early write is in flight, then again once it has committed. One change a
    // page, so that a page handed out past the open transaction would carry the client's token past it.
    const read = await changesOf(me, token, 1);
    expect(read.status).toBe(200);
    applyChanges(copy, read.body.changes);
    await early.query('commit');
    let next = read.body.next;
    await until(
      async () => {
        next = await syncInto(copy, me, next);
        return copy.has(held);
      },
      'the early write in the client copy once it commits',
      { timeoutMs: 15_000 },
    );
    expect(copy.get(held)).toMatchObject({ id: held, text: 'early, committed late', version: 2 });
    return { held, seenDuring: read.body.changes, token };
  } finally {
    early?.release();
    await pool.end();
  }
}

// Transactions commit in a different order from the one in which they drew their ids. A feed that
// hands out whatever is committed would move a client's token past a write still in flight, and
// never send it. Only Postgres runs two writing transactions at once (the embedded upstream
// serialises them), so only it can show this.
describe.runIf(inject('backend') === 'postgres')('a write that commits after a later one', () => {
  it('is held back while it is in flight, then handed out: the feed lags, it never skips', async () => {
    const me = feedCaller('order');
    const copy = new Map<string, Todo>();
    let late: Todo | undefined;
    const { seenDuring } = await whileAWriteIsHeld(me, copy, async () => {
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
    const copy = new Map<string, Todo>();
    const gone: string[] = [];
    const { seenDuring, token } = await whileAWriteIsHeld(me, copy, async () => {
      for (const text of ['deleted meanwhile', 'deleted meanwhile too']) {
        const { id } = (await me.call<Todo>('POST', '/todos', { json: { text } })).body;
        expect((await me.call('DELETE', `/todos/${id}`)).status).toBe(204);
        gone.push(id);
      }
    });
    expect(seenDuring).toEqual([]);
    await until(
      async () => {
        const deleted = (await changesOf(me, token)).body.changes.filter((c) => 'deleted' in c).map((c) => c.id);
        return gone.every((id) => deleted.includes(id));
      },
      'the deletions after the held write',
      { timeoutMs: 15_000 },
    );
  });
});
