import { env } from 'cloudflare:workers';
import { neon, Pool } from '@neondatabase/serverless';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { openDatabase, SET_OWNER_SQL } from '../../../src/db/client.ts';
import { RLS_BYPASSED_SQLSTATE } from '../../../src/db/errors.ts';
import { captureConsole, jsonLines, requestLines } from '../../support/console.ts';
import { useTestGateway } from '../../support/driver.ts';
import { call, withSettings } from '../api/client.ts';
import { databaseOperations } from '../api/operations.ts';

// The Worker refuses to serve when DATABASE_URL names a role that row-level security does not bind:
// the first statement of every transaction (app_set_owner) raises before any row is read or written.
const RUN = crypto.randomUUID().slice(0, 8);
const PASSWORD = `rls-test-${RUN}`;
const REFUSAL =
  "The server is misconfigured: the database role it connects as bypasses row-level security (a superuser, a role with BYPASSRLS, or the tables' owner), so it serves no data.";

/** A login's URL through the pooler, as the Worker's DATABASE_URL names its role. */
function pooledUrl(user: string, password: string): string {
  const url = new URL(env.DATABASE_URL);
  url.username = user;
  url.password = password;
  return url.href;
}
const owner = new URL(inject('ownerUrl'));
/** The tables' owner, pooled: what a deploy that gives the Worker the owner's URL connects as. */
const ownerPooledUrl = pooledUrl(decodeURIComponent(owner.username), decodeURIComponent(owner.password));
const tableOwner = () => neon(inject('ownerUrl'));
const onPostgres = inject('backend') === 'postgres';
/** Made by the superuser (only it may give BYPASSRLS), dropped after the file. */
const roles: string[] = [];
async function makeRole(name: string, attributes: string): Promise<string> {
  roles.push(name);
  await neon(inject('superuserUrl')).query(`create role ${name} login password '${PASSWORD}' ${attributes}`);
  return pooledUrl(name, PASSWORD);
}

beforeAll(() => useTestGateway(env.NEON_LOCAL_GATEWAY!));
afterAll(async () => {
  for (const role of roles) await neon(inject('superuserUrl')).query(`drop role if exists ${role}`);
});

const countOf = async (text: string) =>
  (await tableOwner().query('select count(*)::int as n from todos where text = $1', [text]))[0]!.n as number;

/**
 * Every database route answers the named 500 under `url`, once each (never retried), and writes
 * nothing. Returns the Worker's JSON log lines.
 */
async function expectRefused(url: string, role: string): Promise<Record<string, any>[]> {
  const settings = withSettings({ DATABASE_URL: url });
  const logged: string[] = [];
  for (const { name, method, path, options } of databaseOperations) {
    const { result: res, lines } = await captureConsole(() => call(method, path, { ...options(), env: settings }));
    logged.push(...lines);
    expect({ name, status: res.status, type: res.headers.get('content-type') }).toEqual({
      name,
      status: 500,
      type: 'application/problem+json',
    });
    expect(res.body.detail, name).toBe(REFUSAL);
    expect(res.headers.get('retry-after'), name).toBeNull();
    expect(JSON.stringify(res.body), name).not.toMatch(
      new RegExp(`${role}|${PASSWORD}|todo-local|select|app_set_owner`, 'i'),
    );
    expect(requestLines(lines, res.headers.get('x-request-id'))[0]?.db?.roundTrips, name).toBe(1);
  }
  const text = `rls-refused-${RUN}-${role}`;
  expect((await call('POST', '/todos', { json: { text }, env: settings })).status).toBe(500);
  expect(await countOf(text)).toBe(0);
  return jsonLines(logged);
}

const misconfigurations = (lines: Record<string, any>[]) => lines.filter((l) => l.error === 'Misconfiguration');

/** A read and a write after the check, in one transaction as the Worker sends them, as the role at `url`. */
async function readAndWriteAs(url: string, text: string) {
  const sql = neon(url);
  return sql.transaction([
    sql.query(SET_OWNER_SQL, ['token:a']),
    sql.query('select owner, text from todos'),
    sql.query('insert into todos (text) values ($1) returning id', [text]),
  ]);
}

describe("with the tables' owner's URL", () => {
  it('every database route answers 500 naming the cause, and writes nothing; the log says why, once per isolate', async () => {
    const lines = await expectRefused(ownerPooledUrl, decodeURIComponent(owner.username));
    // This file's isolate refuses here first: one line for all those requests, with the database's reason.
    expect(misconfigurations(lines)).toEqual([
      {
        error: 'Misconfiguration',
        message: 'the role DATABASE_URL logs in as is not bound by row-level security',
        database: expect.stringMatching(/^the role todo owns public\.\w+, so row-level security does not bind it/),
      },
    ]);
  });

  it('the transaction stops at the check: no row comes back, none is written', async () => {
    const text = `rls-owner-${RUN}`;
    await expect(readAndWriteAs(ownerPooledUrl, text)).rejects.toMatchObject({ code: RLS_BYPASSED_SQLSTATE });
    expect(await countOf(text)).toBe(0);
  });
});

describe.runIf(onPostgres)(
  'with roles made for the test (Postgres upstream: only there can a test log in as a role it makes)',
  () => {
    it('a login role with BYPASSRLS of its own, a member of the application role: refused, nothing read or written', async () => {
      const url = await makeRole(`rls_bypass_${RUN}`, 'bypassrls in role todo_app');
      expect(misconfigurations(await expectRefused(url, `rls_bypass_${RUN}`))).toEqual([]); // said once already
      const text = `rls-bypass-${RUN}`;
      await expect(readAndWriteAs(url, text)).rejects.toMatchObject({ code: RLS_BYPASSED_SQLSTATE });
      expect(await countOf(text)).toBe(0);
    });

    it("a member of the tables' owner (it inherits the owner's rights): refused", async () => {
      const url = await makeRole(`rls_owner_member_${RUN}`, `in role todo_app, ${decodeURIComponent(owner.username)}`);
      await expectRefused(url, `rls_owner_member_${RUN}`);
    });

    it("a member of the tables' owner that does not inherit (it may still SET ROLE to the owner): refused", async () => {
      const url = await makeRole(
        `rls_owner_noinherit_${RUN}`,
        `noinherit in role todo_app, ${decodeURIComponent(owner.username)}`,
      );
      await expectRefused(url, `rls_owner_noinherit_${RUN}`);
    });

    it('the superuser, through the pooler: refused', async () => {
      const superuser = new URL(inject('superuserUrl'));
      await expectRefused(pooledUrl(superuser.username, decodeURIComponent(superuser.password)), superuser.username);
    });

    it('a member of a BYPASSRLS role, without the attribute itself, is bound by row-level security and served', async () => {
      await neon(inject('superuserUrl')).query(`create role rls_bypass_group_${RUN} nologin bypassrls`);
      roles.push(`rls_bypass_group_${RUN}`);
      const url = await makeRole(`rls_member_${RUN}`, `in role todo_app, rls_bypass_group_${RUN}`);
      const settings = withSettings({ DATABASE_URL: url });
      const [other] = await tableOwner().query(
        `insert into todos (owner, text) values ('token:other', $1) returning id`,
        [`rls-other-${RUN}`],
      );
      expect((await call('GET', '/health', { env: settings })).status).toBe(200);
      const created = await call('POST', '/todos', { json: { text: `rls-member-${RUN}` }, env: settings });
      expect(created.status).toBe(201);
      expect((await call('GET', `/todos/${created.body.id}`, { env: settings })).status).toBe(200);
      // Another owner's row stays out of reach: BYPASSRLS does not come with membership.
      expect((await call('GET', `/todos/${other!.id}`, { env: settings })).status).toBe(404);
    });
  },
);

describe.runIf(onPostgres)(
  'a session-level app.user_id left on a pooled connection (Postgres upstream: PgBouncer keeps server connections; PGlite has one session shared by every test file)',
  () => {
    it('never applies to a statement that runs with no owner', async () => {
      // A role of its own: PgBouncer pools per role, so no other test meets the setting left behind.
      const url = await makeRole(`rls_pooled_${RUN}`, 'in role todo_app');
      const text = `rls-left-${RUN}`;
      await tableOwner().query(`insert into todos (owner, text) values ('token:left', $1)`, [text]);
      // Both server connections of the role's pool (2) get a session-level setting: one held in a
      // transaction while the other sets it outside one.
      const pool = new Pool({ connectionString: url, max: 2 });
      pool.on('error', () => undefined); // an idle connection closing at the end is no failure here
      try {
        const [held, other] = [await pool.connect(), await pool.connect()];
        await held.query('begin');
        await held.query(`select set_config('app.user_id', 'token:left', false)`);
        await other.query(`select set_config('app.user_id', 'token:left', false)`);
        await held.query('commit');
        held.release();
        other.release();
      } finally {
        await pool.end();
      }
      const seen = `select current_setting('app.user_id', true) as setting, (select count(*)::int from todos where text = '${text}') as rows`;
      // A bare statement on that pool sees the setting left behind (so the check below can fail)...
      expect(await neon(url).query(seen)).toEqual([{ setting: 'token:left', rows: 1 }]);
      // ...and the Worker's statement with no owner (/health, the cron jobs) does not.
      const db = openDatabase(withSettings({ DATABASE_URL: url }));
      const { rows } = await db.query((d) => d.execute(sql.raw(seen)), { idempotent: true });
      expect(rows).toEqual([{ setting: '', rows: 0 }]);
      expect(db.stats.roundTrips).toBe(1);
    });
  },
);
