import { readFileSync } from 'node:fs';
import { neon, neonConfig } from '@neondatabase/serverless';
import ws from 'ws';
import { describe, expect, inject, it } from 'vitest';
import { inRolledBackTransaction } from '../../support/rolled-back.ts';
import { LOCAL_DATABASE } from '../../../dev/stack.ts';
import { SET_OWNER_SQL } from '../../../src/db/client.ts';
import { useLocalGateway } from '../../../src/db/local-gateway.ts';

// The README's SQL for the Worker's login role (Deploying, and the rotation runbook): the migrations made
// the application role and gave it every grant and policy, so a login role needs only to be a member.
export const LOGIN_ROLE_SQL = "CREATE ROLE todo_worker LOGIN PASSWORD '<password>' IN ROLE todo_app;";

/** Every kind of statement the Worker runs (src/todos/queries.ts, src/idempotency/), as its role, for one owner. */
const WORKER_STATEMENTS = [
  `INSERT INTO todos (text) VALUES ('as the worker') RETURNING id`,
  `SELECT id, text, done FROM todos ORDER BY created_at DESC, id DESC LIMIT 1`,
  `UPDATE todos SET done = true WHERE text = 'as the worker' RETURNING id`,
  `INSERT INTO idempotency_keys (scope, key, request_hash, response) VALUES ('s', 'k', 'h', '')
     ON CONFLICT (owner, scope, key) DO UPDATE SET request_hash = excluded.request_hash, response = '', created_at = now() WHERE idempotency_keys.created_at < now() - interval '24 hours'`,
  `UPDATE idempotency_keys SET response = '{}' WHERE scope = 's' AND key = 'k'`,
  `SELECT idempotency_keys.xmin = pg_current_xact_id()::xid AS created, response FROM idempotency_keys WHERE scope = 's' AND key = 'k'`,
  `SELECT purge_expired_idempotency_keys(10)`,
  // Its tombstone is written by the trigger, as the tables' owner.
  `DELETE FROM todos WHERE text = 'as the worker'`,
  `SELECT pg_snapshot_xmin(pg_current_snapshot()), (SELECT purged_through FROM tombstone_purges),
     (SELECT count(*) FROM todo_tombstones WHERE (deleted_xid, id) > ('0'::xid8, '00000000-0000-0000-0000-000000000000'::uuid))`,
  `SELECT purge_expired_tombstones(30, 10)`,
  // A create with an id the client chose, and what it reads when the id is taken.
  `INSERT INTO todos (id, text, done, request_hash) SELECT app_uuidv7(statement_timestamp(), 1), 'as the worker, chosen', false,
     app_request_hash(jsonb_build_object('text', 'as the worker, chosen', 'done', false)) ON CONFLICT (id) DO NOTHING`,
  `SELECT CASE WHEN false THEN app_ids_taken(1) END`,
];

/** What the Worker's role must not do, each refused for want of a privilege (42501). */
const BEYOND = [
  'TRUNCATE todos',
  `DELETE FROM idempotency_keys WHERE scope = 's'`,
  'DELETE FROM todo_tombstones',
  `INSERT INTO todo_tombstones (id, owner, version) VALUES (gen_random_uuid(), 'token:role-test', 1)`,
  `INSERT INTO tombstone_purges (owner, purged_through) VALUES ('token:role-test', '1')`,
  'CREATE TABLE public.mine (id int)',
  'ALTER TABLE todos DISABLE ROW LEVEL SECURITY',
  // The feed's rules: its triggers stay on, and nobody calls their functions or the ownership function.
  'ALTER TABLE todos DISABLE TRIGGER todos_tombstone',
  'SET session_replication_role = replica',
  `SELECT app_own_table('public.todos', '{SELECT}')`,
  'SELECT todos_bury()',
  // Nor the rule that a deleted id is never used again.
  'ALTER TABLE todos DISABLE TRIGGER todos_id_not_buried',
  'SELECT todos_refuse_buried_ids()',
  'DROP POLICY todos_of_owner ON todos',
  `SET ROLE ${LOCAL_DATABASE.owner.user}`,
  // The role check every transaction starts with cannot be replaced, weakened or shadowed by the role it checks.
  `CREATE OR REPLACE FUNCTION public.app_set_owner(owner text) RETURNS text LANGUAGE sql AS $$ select $1 $$`,
  'ALTER FUNCTION public.app_set_owner(text) SECURITY DEFINER',
  'DROP FUNCTION public.app_set_owner(text)',
  `CREATE SCHEMA ${LOCAL_DATABASE.worker.user}`,
];

describe("the Worker's login role (README: Deploying, Rotating DATABASE_URL)", () => {
  const gateway = () => {
    neonConfig.webSocketConstructor = ws;
    useLocalGateway(inject('gatewayAddress'));
  };
  /** Runs `statements` as the Worker's role (its pooled URL) in one transaction that is rolled back; the first failure. */
  const asWorker = (statements: string[], owner?: string): Promise<unknown> =>
    inRolledBackTransaction(inject('databaseUrl'), async (client) => {
      try {
        if (owner) await client.query(SET_OWNER_SQL, [owner]);
        for (const statement of statements) await client.query(statement);
        return undefined;
      } catch (err) {
        return err;
      }
    });

  it('is made as the README says', () => {
    expect(readFileSync('README.md', 'utf8')).toContain(LOGIN_ROLE_SQL);
  });

  it('is what that SQL makes locally: it logs in, belongs to the application role only, owns nothing and bypasses nothing', async () => {
    gateway();
    const owner = neon(inject('ownerUrl'));
    const [role] = await owner.query(
      `select rolcanlogin, rolsuper, rolbypassrls, rolcreaterole, rolcreatedb, rolinherit,
              array(select b.rolname from pg_auth_members m join pg_roles b on b.oid = m.roleid where m.member = r.oid)::text[] as member_of,
              (select count(*)::int from pg_class where relowner = r.oid) + (select count(*)::int from pg_proc where proowner = r.oid)
                + (select count(*)::int from pg_namespace where nspowner = r.oid) + (select count(*)::int from pg_database where datdba = r.oid) as owns
       from pg_roles r where rolname = $1`,
      [LOCAL_DATABASE.worker.user],
    );
    expect(role).toEqual({
      rolcanlogin: true, rolsuper: false, rolbypassrls: false, rolcreaterole: false, rolcreatedb: false, rolinherit: true,
      member_of: [LOCAL_DATABASE.appRole], owns: 0,
    });
    expect(await owner.query('select rolcanlogin, rolbypassrls from pg_roles where rolname = $1', [LOCAL_DATABASE.appRole])).toEqual([{ rolcanlogin: false, rolbypassrls: false }]);
  });

  it('runs every kind of statement the Worker runs, for its owner, with its membership alone', async () => {
    expect(await asWorker(WORKER_STATEMENTS, 'token:role-test')).toBeUndefined();
    // The same with no owner set: the first write is refused (so the run above means something).
    expect(await asWorker(WORKER_STATEMENTS)).toMatchObject({ code: expect.stringMatching(/^(23502|23514)$/) });
  });

  it.each(BEYOND)('may not: %s', async (statement) => {
    expect(await asWorker([statement], 'token:role-test')).toMatchObject({ code: '42501' });
  });
});
