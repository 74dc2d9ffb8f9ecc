import { env } from 'cloudflare:workers';
import { neon, Pool } from '@neondatabase/serverless';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { useTestGateway } from '../../support/driver.ts';
import { until } from '../../support/poll.ts';
import { rowsStartingWith } from '../../support/rows.ts';
import { call, importCsv, marker } from './client.ts';

const create = (key: string, json: unknown) => call('POST', '/todos', { json, headers: { 'idempotency-key': key } });
const rowsWithText = async (text: string) =>
  (await neon(env.DATABASE_OWNER_URL)`select id from todos where text = ${text}`).length;

beforeAll(() => useTestGateway(env.NEON_LOCAL_GATEWAY!));

describe('Idempotency-Key on POST /todos', () => {
  it('returns the original 201 for a repeated key and body, and creates nothing more', async () => {
    const key = crypto.randomUUID();
    const text = marker();
    const first = await create(key, { text });
    const again = await create(key, { text: ` ${text} ` }); // the same request once trimmed
    expect(first.status).toBe(201);
    expect(again.status).toBe(201);
    expect(again.body).toEqual(first.body);
    expect(again.headers.get('location')).toBe(`/todos/${first.body.id}`);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(first.headers.get('idempotent-replayed')).toBeNull();
    expect(await rowsWithText(text)).toBe(1);
  });

  it('replays the original response even after the todo changed', async () => {
    const key = crypto.randomUUID();
    const text = marker();
    const first = await create(key, { text });
    await call('PATCH', `/todos/${first.body.id}`, { json: { done: true } });
    expect((await create(key, { text })).body).toEqual(first.body);
  });

  it('answers 422 for the same key with a different body, and creates nothing', async () => {
    const key = crypto.randomUUID();
    const text = marker();
    await create(key, { text });
    const other = await create(key, { text: `${text} other` });
    expect(other.status).toBe(422);
    expect(await rowsWithText(`${text} other`)).toBe(0);
    expect((await create(key, { text, done: true })).status).toBe(422);
  });

  it('creates one todo per distinct key', async () => {
    const text = marker();
    await create(crypto.randomUUID(), { text });
    await create(crypto.randomUUID(), { text });
    expect(await rowsWithText(text)).toBe(2);
  });

  it('creates exactly one todo when ten requests race with the same key', async () => {
    const key = crypto.randomUUID();
    const text = marker();
    const replies = await Promise.all(Array.from({ length: 10 }, () => create(key, { text })));
    expect(replies.map((r) => r.status)).toEqual(Array(10).fill(201));
    expect(new Set(replies.map((r) => r.body.id)).size).toBe(1);
    expect(await rowsWithText(text)).toBe(1);
  });

  it('forgets a key after 24 hours', async () => {
    const key = crypto.randomUUID();
    const text = marker();
    const first = await create(key, { text });
    await neon(
      env.DATABASE_OWNER_URL,
    )`update idempotency_keys set created_at = now() - interval '25 hours' where key = ${key}`;
    const later = await create(key, { text });
    expect(later.status).toBe(201);
    expect(later.body.id).not.toBe(first.body.id);
    expect(later.headers.get('idempotent-replayed')).toBeNull();
  });

  it.each(['', 'a'.repeat(256), 'has space', 'é'])('refuses a malformed key %j with a 400', async (key) => {
    const res = await call('POST', '/todos', { json: { text: marker() }, headers: { 'idempotency-key': key } });
    expect(res.status).toBe(400);
  });

  it('accepts a key of 255 characters', async () => {
    const key = crypto.randomUUID().padEnd(255, 'k');
    const text = marker();
    const first = await create(key, { text });
    const again = await create(key, { text });
    expect([first.status, again.status]).toEqual([201, 201]);
    expect(again.body).toEqual(first.body);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
  });

  it('keeps one key on /todos and on /todos/import apart: each is a first request, each replays its own answer', async () => {
    const key = crypto.randomUUID();
    const m = marker();
    const created = await create(key, { text: `${m} created` });
    const imported = await importCsv(`text\n${m} imported\n`, { 'idempotency-key': key });
    expect(created.status).toBe(201);
    expect(imported).toMatchObject({ status: 201, body: { inserted: 1 } });
    for (const first of [created, imported]) expect(first.headers.get('idempotent-replayed')).toBeNull();
    const [createdAgain, importedAgain] = [
      await create(key, { text: `${m} created` }),
      await importCsv(`text\n${m} imported\n`, { 'idempotency-key': key }),
    ];
    expect(createdAgain.body).toEqual(created.body);
    expect(importedAgain.body).toEqual(imported.body);
    for (const again of [createdAgain, importedAgain]) expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(await rowsStartingWith(env.DATABASE_OWNER_URL, m)).toEqual([
      { text: `${m} created`, done: false },
      { text: `${m} imported`, done: false },
    ]);
  });
});

// Only Postgres behind PgBouncer runs two transactions at once (the embedded upstream serialises them).
describe.runIf(inject('backend') === 'postgres')('two requests with one key at the same moment', () => {
  it('answers both 201 with the same body, one of them replayed, and creates one todo', async () => {
    const key = crypto.randomUUID();
    const text = marker();
    // A transaction of the test's holds the key's row, so both requests are inside Postgres, waiting
    // on it, before either can win; once it rolls back, they race for the key. (Setup only: it
    // claims the key the way the API's statement does; the assertions are what a client sees.)
    const pool = new Pool({ connectionString: inject('ownerUrl') });
    pool.on('error', () => undefined);
    const holder = await pool.connect();
    try {
      await holder.query('begin');
      await holder.query(
        `insert into idempotency_keys (owner, scope, key, request_hash, response) values ('anonymous', 'todos.create', $1, '', '')`,
        [key],
      );
      const { pid } = (await holder.query('select pg_backend_pid() as pid')).rows[0];
      const racing = Promise.all([create(key, { text }), create(key, { text })]);
      const waiting = async () =>
        (
          await neon(
            inject('ownerUrl'),
          )`select count(*)::int as n from pg_stat_activity where ${pid}::int = any(pg_blocking_pids(pid))`
        )[0]!.n >= 2;
      await until(waiting, 'both requests waiting on the held key', { timeoutMs: 4000 }); // within their 5 s deadline
      await holder.query('rollback');
      const replies = await racing;
      expect(replies.map((r) => r.status)).toEqual([201, 201]);
      expect(replies[1].body).toEqual(replies[0].body);
      expect(replies.map((r) => r.headers.get('idempotent-replayed')).sort()).toEqual([null, 'true']);
      expect(await rowsWithText(text)).toBe(1);
    } finally {
      holder.release();
      await pool.end();
    }
  });
});
