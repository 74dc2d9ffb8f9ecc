import { neon, Pool } from '@neondatabase/serverless';
import { eq, sql as dsql } from 'drizzle-orm';
import { drizzle as httpDrizzle } from 'drizzle-orm/neon-http';
import { drizzle as wsDrizzle } from 'drizzle-orm/neon-serverless';
import { integer, pgSchema, text } from 'drizzle-orm/pg-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { LOCAL_DATABASE, localUrl, startStack, type Stack } from '../../../dev/stack.ts';
import { SCRATCH_SCHEMA, scratchName, scratchTable, useTestGateway } from '../../support/driver.ts';

const gatewayUrl = () => inject('gatewayUrl');
const databaseUrl = () => inject('databaseUrl');
/** The tables' owner: tests that make tables of their own (the Worker's role may not). */
const ownerUrl = () => inject('ownerUrl');
const backend = inject('backend');

beforeAll(() => useTestGateway(inject('gatewayAddress')));

describe('concurrency', () => {
  it(`serves 50 concurrent mixed HTTP and WebSocket requests with correct results (${backend}${backend === 'postgres' ? ', PgBouncer pool of 2' : ''})`, async () => {
    const sql = neon(databaseUrl());
    const pool = new Pool({ connectionString: databaseUrl(), max: 10 });
    try {
      const results = await Promise.all(
        Array.from({ length: 50 }, (_, i) =>
          i % 2 === 0
            ? sql`select ${i}::int as n`.then((rows) => rows[0]!.n)
            : pool.query('select $1::int as n', [i]).then((r) => r.rows[0].n),
        ),
      );
      expect(results).toEqual(Array.from({ length: 50 }, (_, i) => i));
    } finally {
      await pool.end();
    }
  });
});

describe('Drizzle on both Neon drivers', () => {
  const name = scratchName('drz');
  const items = pgSchema(SCRATCH_SCHEMA).table(name, {
    id: integer('id').primaryKey(),
    label: text('label').notNull(),
  });

  it('neon-http: insert, select, update, delete and db.batch', async () => {
    const db = httpDrizzle({ client: neon(ownerUrl()) });
    await db.execute(dsql.raw(`create table ${SCRATCH_SCHEMA}.${name} (id int primary key, label text not null)`));
    await db.insert(items).values([
      { id: 1, label: 'a' },
      { id: 2, label: 'b' },
    ]);
    await db.update(items).set({ label: 'B' }).where(eq(items.id, 2));
    await db.delete(items).where(eq(items.id, 1));
    expect(await db.select().from(items)).toEqual([{ id: 2, label: 'B' }]);
    const [, rows] = await db.batch([
      db.insert(items).values({ id: 3, label: 'c' }),
      db.select().from(items).orderBy(items.id),
    ]);
    expect(rows).toEqual([
      { id: 2, label: 'B' },
      { id: 3, label: 'c' },
    ]);
  });

  it('neon-serverless: db.transaction commits, and rolls back on error', async () => {
    const pool = new Pool({ connectionString: ownerUrl() });
    const db = wsDrizzle({ client: pool });
    try {
      await db.transaction(async (tx) => {
        await tx.insert(items).values({ id: 10, label: 'kept' });
      });
      await expect(
        db.transaction(async (tx) => {
          await tx.insert(items).values({ id: 11, label: 'lost' });
          await tx.insert(items).values({ id: 10, label: 'duplicate' });
        }),
      ).rejects.toMatchObject({ cause: { code: '23505' } });
      const ids = (await db.select().from(items)).map((r) => r.id);
      expect(ids).toContain(10);
      expect(ids).not.toContain(11);
    } finally {
      await pool.end();
    }
  });
});

describe.runIf(backend === 'postgres')('PgBouncer in transaction mode (postgres upstream only)', () => {
  it('breaks protocol-level named prepared statements, which is why the Worker never uses them', async () => {
    const pool = new Pool({ connectionString: databaseUrl(), max: 4 });
    try {
      // Each named Parse lands on whichever server connection is free; soon one sees a name twice or not at all.
      const attempts = await Promise.allSettled(
        Array.from({ length: 20 }, (_, i) =>
          pool.query({ name: 'same_name', text: 'select $1::int as n', values: [i] }),
        ),
      );
      const codes = attempts.filter((a) => a.status === 'rejected').map((a) => a.reason.code);
      expect(codes.length).toBeGreaterThan(0);
      expect(codes.every((c) => c === '42P05' || c === '26000')).toBe(true);
    } finally {
      await pool.end();
    }
  });
});

describe.runIf(backend === 'embedded')('PGlite transaction serialisation (embedded upstream only)', () => {
  it("hides one client's uncommitted rows from another, and an HTTP query is not swallowed by that transaction", async () => {
    const table = scratchTable('iso');
    const sql = neon(ownerUrl());
    await sql.query(`create table ${table} (id int)`);
    const pool = new Pool({ connectionString: ownerUrl() });
    const a = await pool.connect();
    try {
      await a.query('BEGIN');
      await a.query(`insert into ${table} values (1)`);
      // Queued behind a's transaction: it must not see row 1 and must survive a's rollback.
      const httpInsert = sql.query(`insert into ${table} values (2)`);
      const httpCount = sql.query(`select count(*)::int as n from ${table} where id = 1`);
      await a.query('ROLLBACK');
      await httpInsert;
      expect(await httpCount).toEqual([{ n: 0 }]);
      expect(await sql.query(`select id from ${table}`)).toEqual([{ id: 2 }]);
    } finally {
      a.release();
      await pool.end();
    }
  });

  it('rolls back the open transaction of a client that disconnects, and lets others go on', async () => {
    const table = scratchTable('gone');
    const sql = neon(ownerUrl());
    await sql.query(`create table ${table} (id int)`);
    const pool = new Pool({ connectionString: ownerUrl() });
    const a = await pool.connect();
    await a.query('BEGIN');
    await a.query(`insert into ${table} values (1)`);
    a.release(true); // destroys the connection mid-transaction
    await pool.end();
    expect(await sql.query(`select count(*)::int as n from ${table}`)).toEqual([{ n: 0 }]);
  });
});

describe("roles: the tables' owner and the Worker's login role", () => {
  const whoAmI = 'select current_user as role';
  it.each([
    ['the owner', LOCAL_DATABASE.owner],
    ["the Worker's login role", LOCAL_DATABASE.worker],
  ])('%s reaches the database as itself through both routes, over HTTP and WebSocket', async (_, login) => {
    for (const route of ['pooler', 'direct'] as const) {
      const url = localUrl(login, route);
      expect(await neon(url).query(whoAmI)).toEqual([{ role: login.user }]);
      const pool = new Pool({ connectionString: url, max: 1 });
      try {
        expect((await pool.query(whoAmI)).rows).toEqual([{ role: login.user }]);
      } finally {
        await pool.end();
      }
    }
  });

  // On Postgres only a superuser's session may switch its authorization; the Worker's role is not one.
  it.runIf(backend === 'postgres')("refuses the Worker's role a switch to another role", async () => {
    await expect(neon(databaseUrl()).query('set session authorization postgres')).rejects.toMatchObject({
      code: '42501',
    });
    await expect(neon(databaseUrl()).query(`set role ${LOCAL_DATABASE.owner.user}`)).rejects.toMatchObject({
      code: '42501',
    });
  });

  // PGlite's one session authenticated as its superuser, so a client can switch itself to it (docs/local-stack.md):
  // the gateway cannot stop that, but it puts each connection's own role back whenever the session passes to it.
  it.runIf(backend === 'embedded')(
    "runs each transaction as its own connection's role, whatever the one before it switched to",
    async () => {
      const pool = new Pool({ connectionString: databaseUrl(), max: 1 });
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        await client.query('SET SESSION AUTHORIZATION postgres');
        expect((await client.query(whoAmI)).rows).toEqual([{ role: 'postgres' }]);
        // Queued behind that transaction, then each run as its own login.
        const queued = Promise.all([neon(databaseUrl()).query(whoAmI), neon(ownerUrl()).query(whoAmI)]);
        await client.query('COMMIT');
        expect(await queued).toEqual([[{ role: LOCAL_DATABASE.worker.user }], [{ role: LOCAL_DATABASE.owner.user }]]);
        expect((await client.query(whoAmI)).rows).toEqual([{ role: LOCAL_DATABASE.worker.user }]);
      } finally {
        client.release();
        await pool.end();
      }
    },
  );
});

describe('the gateway itself', () => {
  it.each([
    ['malformed JSON', { body: '{', headers: { 'neon-connection-string': 'postgres://todo:x@h/todo' } }, 400],
    ['no connection string', { body: '{"query":"select 1"}', headers: {} }, 400],
    ['a query that is not a string', { body: '{"query":42}', headers: { 'neon-connection-string': '' } }, 400],
  ])('answers %s with a 4xx JSON message and keeps serving', async (_, { body, headers }, status) => {
    const res = await fetch(`${gatewayUrl()}/sql`, {
      method: 'POST',
      body,
      headers: headers as Record<string, string>,
    });
    expect(res.status).toBe(status);
    expect(await res.json()).toEqual({ message: expect.any(String) });
    expect((await fetch(`${gatewayUrl()}/health`)).status).toBe(200);
  });

  it('answers 405 for a wrong method and 404 for an unknown path', async () => {
    expect((await fetch(`${gatewayUrl()}/sql`)).status).toBe(405);
    expect((await fetch(`${gatewayUrl()}/nope`)).status).toBe(404);
  });
});

describe("a private gateway (its counters and timing are this file's alone)", () => {
  const LATENCY_MS = 150;
  let own: Stack;
  const stats = async () => await (await fetch(`${own.gatewayUrl}/stats`)).json<Record<string, number>>();
  /** How each counter moved while `run` ran. */
  const deltas = async (run: () => Promise<unknown>) => {
    const before = await stats();
    await run();
    const after = await stats();
    return Object.fromEntries(Object.keys(after).map((name) => [name, after[name]! - before[name]!]));
  };

  beforeAll(async () => {
    own = await startStack({ backend: 'embedded', port: 0, dataDir: 'memory', latencyMs: LATENCY_MS });
  }, 60_000);
  afterAll(async () => {
    await own?.stop();
  });

  it('counts each HTTP query, batch and WebSocket session in /stats, exactly', async () => {
    // The driver's gateway settings are global: point them at this gateway for the test, then back.
    await useTestGateway(own.gatewayAddress);
    try {
      const sql = neon(own.databaseUrl);
      expect(await deltas(() => sql`select 1`)).toMatchObject({
        httpRequests: 1,
        httpQueries: 1,
        httpBatches: 0,
        httpErrors: 0,
        wsSessions: 0,
      });
      expect(await deltas(() => sql.transaction([sql`select 1`, sql`select 2`]))).toMatchObject({
        httpRequests: 1,
        httpQueries: 0,
        httpBatches: 1,
        batchStatements: 2,
        wsSessions: 0,
      });
      expect(await deltas(() => sql`select 1/0`.catch(() => undefined))).toMatchObject({
        httpRequests: 1,
        httpErrors: 1,
      });
      const session = await deltas(async () => {
        const pool = new Pool({ connectionString: own.databaseUrl });
        await pool.query('select 1');
        await pool.end();
      });
      expect(session).toMatchObject({ httpRequests: 0, wsSessions: 1 });
    } finally {
      await useTestGateway(inject('gatewayAddress'));
    }
  });

  it('delays each round trip by --latency-ms', async () => {
    const body = JSON.stringify({ query: 'select 1', params: [] });
    const headers = { 'neon-connection-string': own.databaseUrl };
    await fetch(`${own.gatewayUrl}/sql`, { method: 'POST', body, headers }); // warm up
    const started = performance.now();
    const res = await fetch(`${own.gatewayUrl}/sql`, { method: 'POST', body, headers });
    expect(res.status).toBe(200);
    expect(performance.now() - started).toBeGreaterThanOrEqual(LATENCY_MS - 5);
  });
});
