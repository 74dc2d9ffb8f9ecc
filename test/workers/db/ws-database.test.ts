import { env } from 'cloudflare:workers';
import { sql } from 'drizzle-orm';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { openWsDatabase } from '../../../src/db/ws-database.ts';
import { ProblemError } from '../../../src/lib/problem.ts';
import { findTodo, insertTodo, listTodos } from '../../../src/todos/queries.ts';
import { useTestGateway } from '../../support/driver.ts';

// The benchmark's WebSocket variant (dev/bench/ws-worker.ts) sets the owner, and checks the role, as HTTP does.
beforeAll(() => useTestGateway(env.NEON_LOCAL_GATEWAY!));

const pending: Promise<unknown>[] = [];
const open = (settings: typeof env, owner?: string) =>
  openWsDatabase(settings, {
    owner: () => owner,
    traceparent: () => undefined,
    waitUntil: (p) => void pending.push(p),
  });
const setting = sql`select current_setting('app.user_id', true) as setting`;

describe('the WebSocket database handle', () => {
  it("runs a statement with no owner for the owner '', and one with an owner for that owner", async () => {
    const none = await open(env).query((db) => db.execute(setting), { idempotent: true });
    expect(none.rows).toEqual([{ setting: '' }]);
    const a = await open(env, 'token:a').query((db) => db.execute(setting), { idempotent: true });
    expect(a.rows).toEqual([{ setting: 'token:a' }]);
    await Promise.all(pending);
  });

  it('runs the compiled queries the handlers use (insert, find, list) on the connection', async () => {
    const db = open(env, 'token:ws-compiled');
    const created = await db.query((d) => insertTodo(d, { text: 'over a WebSocket', done: false }), {
      idempotent: false,
    });
    expect(created).toMatchObject({ text: 'over a WebSocket', done: false, version: 1 });
    const found = await open(env, 'token:ws-compiled').query((d) => findTodo(d, created.id), { idempotent: true });
    expect(found).toEqual(created);
    const listed = await open(env, 'token:ws-compiled').query((d) => listTodos(d, { limit: 10 }), { idempotent: true });
    // A listing holds each todo as the JSON text Postgres wrote (sent on as it is).
    expect(listed.map((todo) => JSON.parse(todo) as unknown)).toContainEqual(created);
    await Promise.all(pending);
  });

  it("refuses the tables' owner with the same 500 as HTTP", async () => {
    const owner = new URL(inject('ownerUrl'));
    const url = new URL(env.DATABASE_URL);
    url.username = owner.username;
    url.password = owner.password;
    const error = await open({ ...env, DATABASE_URL: url.href })
      .query((db) => db.execute(setting), { idempotent: true })
      .catch((err: unknown) => err);
    expect(error).toBeInstanceOf(ProblemError);
    expect(error).toMatchObject({ status: 500, message: expect.stringContaining('bypasses row-level security') });
    await Promise.all(pending);
  });
});
