import { env } from 'cloudflare:workers';
import { neon, Pool } from '@neondatabase/serverless';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { createApp } from '../../../src/app.ts';
import { databaseHandle, openDatabase } from '../../../src/db/client.ts';
import { useTestGateway } from '../../support/driver.ts';
import { until } from '../../support/poll.ts';
import { call, checked, createTodo, marker, type Todo } from './client.ts';

beforeAll(() => useTestGateway(env.NEON_LOCAL_GATEWAY!));

const etagOf = (todo: { id: string; version: number }) => `"${todo.id}-${todo.version}"`;
const MISSING = '9b2f4c1e-3a5d-4e6f-8a7b-00000000dead';

const patch = (id: string, json: unknown, ifMatch?: string) =>
  call('PATCH', `/todos/${id}`, { json, headers: ifMatch === undefined ? {} : { 'if-match': ifMatch } });
const remove = (id: string, ifMatch?: string) =>
  call('DELETE', `/todos/${id}`, { headers: ifMatch === undefined ? {} : { 'if-match': ifMatch } });
const read = async (id: string) => (await call<Todo>('GET', `/todos/${id}`)).body;

describe('versions and ETags', () => {
  it('starts at version 1 and adds 1 on every PATCH, even one that changes nothing', async () => {
    const created = await createTodo(marker());
    expect(created).toMatchObject({ version: 1 });
    expect((await patch(created.id, { done: false })).body).toMatchObject({ version: 2, done: false });
    expect((await patch(created.id, { done: true })).body).toMatchObject({ version: 3, done: true });
    expect(await read(created.id)).toMatchObject({ version: 3 });
  });

  it('answers GET, POST and PATCH of one todo with a strong ETag of id and version, and Cache-Control: private, no-cache', async () => {
    const created = await call('POST', '/todos', { json: { text: marker() } });
    const got = await call('GET', `/todos/${created.body.id}`);
    const patched = await patch(created.body.id, { text: 'renamed' });
    for (const [res, version] of [
      [created, 1],
      [got, 1],
      [patched, 2],
    ] as const) {
      expect(res.headers.get('etag')).toBe(`"${created.body.id}-${version}"`);
      expect(res.headers.get('cache-control')).toBe('private, no-cache');
      expect(res.body.version).toBe(version);
    }
  });
});

describe('GET with If-None-Match', () => {
  it('answers 304 with the ETag and no body while the todo is at that version', async () => {
    const todo = await createTodo(marker());
    for (const tag of [etagOf(todo), `W/${etagOf(todo)}`, `"other", ${etagOf(todo)}`, '*']) {
      const res = await call('GET', `/todos/${todo.id}`, { headers: { 'if-none-match': tag } });
      expect(res.status, tag).toBe(304);
      expect(res.body).toBe('');
      expect(res.headers.get('etag')).toBe(etagOf(todo));
      expect(res.headers.get('cache-control')).toBe('private, no-cache');
    }
  });

  it('answers 200 with the todo once it has changed', async () => {
    const todo = await createTodo(marker());
    await patch(todo.id, { done: true });
    const res = await call('GET', `/todos/${todo.id}`, { headers: { 'if-none-match': etagOf(todo) } });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ version: 2, done: true });
  });

  it('answers 404 for a missing todo', async () => {
    expect((await call('GET', `/todos/${MISSING}`, { headers: { 'if-none-match': '*' } })).status).toBe(404);
  });
});

describe('PATCH and DELETE with If-Match', () => {
  it('applies a PATCH at the named version', async () => {
    const todo = await createTodo(marker());
    const res = await patch(todo.id, { done: true }, etagOf(todo));
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ id: todo.id, done: true, version: 2 });
    expect(res.headers.get('etag')).toBe(`"${todo.id}-2"`);
  });

  it('answers a stale PATCH with 412 carrying the current version, and changes nothing', async () => {
    const todo = await createTodo(marker());
    const current = (await patch(todo.id, { text: 'second' })).body;
    const res = await patch(todo.id, { text: 'third', done: true }, etagOf(todo));
    expect(res.status).toBe(412);
    expect(res.headers.get('content-type')).toBe('application/problem+json');
    expect(res.body).toMatchObject({ status: 412, title: 'Precondition Failed', currentVersion: 2 });
    expect(res.headers.get('etag')).toBe(`"${todo.id}-2"`);
    expect(await read(todo.id)).toEqual(current);
  });

  it('answers a stale DELETE with 412 carrying the current version, and keeps the todo', async () => {
    const todo = await createTodo(marker());
    const current = (await patch(todo.id, { done: true })).body;
    const res = await remove(todo.id, etagOf(todo));
    expect(res.status).toBe(412);
    expect(res.body).toMatchObject({ status: 412, currentVersion: 2 });
    expect(await read(todo.id)).toEqual(current);
    expect((await remove(todo.id, etagOf(current))).status).toBe(204);
    expect((await call('GET', `/todos/${todo.id}`)).status).toBe(404);
  });

  it("fails with 412 for a weak tag, another todo's tag or a malformed one (If-Match compares strongly)", async () => {
    const todo = await createTodo(marker());
    for (const tag of [`W/${etagOf(todo)}`, `"${todo.id + 1}-1"`, 'garbage', '""']) {
      const res = await patch(todo.id, { done: true }, tag);
      expect(res.status, tag).toBe(412);
    }
    expect(await read(todo.id)).toEqual(todo);
  });

  it('matches any of several tags', async () => {
    const todo = await createTodo(marker());
    expect((await patch(todo.id, { done: true }, `"${todo.id}-7", ${etagOf(todo)}`)).status).toBe(200);
  });

  it('takes * as any current version', async () => {
    const todo = await createTodo(marker());
    await patch(todo.id, { done: true });
    expect((await patch(todo.id, { text: 'any' }, '*')).body).toMatchObject({ text: 'any', version: 3 });
    expect((await remove(todo.id, '*')).status).toBe(204);
  });

  it('answers 404, not 412, for a missing todo, whatever If-Match says', async () => {
    for (const tag of ['*', `"${MISSING}-1"`, '"1-1"']) {
      expect((await patch(MISSING, { done: true }, tag)).status, tag).toBe(404);
      expect((await remove(MISSING, tag)).status, tag).toBe(404);
    }
  });

  it('lets exactly one of two clients racing on one version win', async () => {
    for (let round = 0; round < 8; round++) {
      const todo = await createTodo(marker());
      const answers = await Promise.all([
        patch(todo.id, { text: 'from A' }, etagOf(todo)),
        patch(todo.id, { text: 'from B' }, etagOf(todo)),
      ]);
      const statuses = answers.map((a) => a.status).sort();
      expect(statuses).toEqual([200, 412]);
      const winner = answers.find((a) => a.status === 200)!.body;
      const loser = answers.find((a) => a.status === 412)!.body;
      expect(loser.currentVersion).toBe(2); // the version that beat it, not the one it read before waiting
      expect(await read(todo.id)).toEqual(winner);
    }
  });

  it('lets exactly one of a racing PATCH and DELETE on one version win', async () => {
    for (let round = 0; round < 4; round++) {
      const todo = await createTodo(marker());
      const answers = await Promise.all([patch(todo.id, { done: true }, etagOf(todo)), remove(todo.id, etagOf(todo))]);
      const statuses = answers.map((a) => a.status);
      // PATCH first: the DELETE is stale (412). DELETE first: the PATCH finds nothing (404).
      expect([
        [200, 412],
        [404, 204],
      ]).toContainEqual(statuses);
    }
  });
});

// Only Postgres behind PgBouncer runs two transactions at once (the embedded upstream serialises them).
describe.runIf(inject('backend') === 'postgres')('two If-Match PATCHes inside Postgres at the same moment', () => {
  it('lets exactly one win, and tells the other the winning version', async () => {
    const todo = await createTodo(marker());
    // A transaction of the test's holds the todo's row, so both requests are inside Postgres,
    // waiting on it, before either can act; once it ends, they race for the row.
    const pool = new Pool({ connectionString: inject('ownerUrl') });
    pool.on('error', () => undefined);
    const holder = await pool.connect();
    try {
      await holder.query('begin');
      await holder.query('select id from todos where id = $1 for update', [todo.id]);
      const { pid } = (await holder.query('select pg_backend_pid() as pid')).rows[0];
      const racing = Promise.all([
        patch(todo.id, { text: 'from A' }, etagOf(todo)),
        patch(todo.id, { text: 'from B' }, etagOf(todo)),
      ]);
      // The first waits on the holder, the second on the first (the row's tuple lock); their query text is
      // hidden from the tables' owner (they run as the Worker's role), so count every blocked session.
      const waiting = async () =>
        (
          await neon(inject('ownerUrl'))`select count(*)::int as n from pg_stat_activity
             where cardinality(pg_blocking_pids(pid)) > 0 and pid <> ${pid}::int`
        )[0]!.n >= 2;
      await until(waiting, 'both requests waiting on the held row', { timeoutMs: 4000 });
      await holder.query('commit');
      const answers = await racing;
      expect(answers.map((a) => a.status).sort()).toEqual([200, 412]);
      const winner = answers.find((a) => a.status === 200)!.body;
      expect(answers.find((a) => a.status === 412)!.body.currentVersion).toBe(2);
      expect(await read(todo.id)).toEqual(winner);
    } finally {
      holder.release();
      await pool.end();
    }
  });
});

describe("the Worker's own retry of a conditional PATCH", () => {
  /** An app whose database loses the answer of the first attempt of each request, after it committed. */
  const lossy = createApp({
    database: (settings, options) => {
      const real = openDatabase(settings, options);
      let attempts = 0;
      return databaseHandle(settings, async (statement) => {
        const result = await real.query(statement, { idempotent: false });
        if (attempts++ === 0) throw new Error('fetch failed'); // a transient failure: retried where harmless
        return result;
      });
    },
  });
  const lossyPatch = async (id: string, json: unknown, headers: Record<string, string>) =>
    checked(
      'PATCH',
      `/todos/${id}`,
      await lossy.request(
        `/todos/${id}`,
        { method: 'PATCH', body: JSON.stringify(json), headers: { 'content-type': 'application/json', ...headers } },
        env,
      ),
    );

  it('answers 200 with the row when its first attempt had landed', async () => {
    const todo = await createTodo(marker());
    const res = await lossyPatch(todo.id, { text: 'once', done: true }, { 'if-match': etagOf(todo) });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ text: 'once', done: true, version: 2 });
    expect(await read(todo.id)).toEqual(res.body);
  });

  it('still answers 412 when the version moved for another reason', async () => {
    const todo = await createTodo(marker());
    await patch(todo.id, { text: 'someone else' });
    const res = await lossyPatch(todo.id, { text: 'mine' }, { 'if-match': etagOf(todo) });
    expect(res.status).toBe(412);
    expect(await read(todo.id)).toMatchObject({ text: 'someone else', version: 2 });
  });

  it('applies an unconditional PATCH twice (README: the trade-off), so its version moves by 2', async () => {
    const todo = await createTodo(marker());
    const res = await lossyPatch(todo.id, { done: true }, {});
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ done: true, version: 3 });
  });
});
