import { readFileSync } from 'node:fs';
import { neon, neonConfig } from '@neondatabase/serverless';
import ws from 'ws';
import { describe, expect, inject, it } from 'vitest';
import { inRolledBackTransaction } from '../../support/rolled-back.ts';
import { LOCAL_DATABASE } from '../../../dev/stack.ts';
import { drizzle } from 'drizzle-orm/neon-http';
import { SET_OWNER_SQL, type Drizzle } from '../../../src/db/client.ts';
import { deleteExpiredKeys } from '../../../src/idempotency/purge.ts';
import { changesFeed } from '../../../src/changes/feed.ts';
import { readChanges } from '../../../src/feed/statement.ts';
import { feedStart } from '../../../src/feed/token.ts';
import { todosFeed } from '../../../src/todos/feed.ts';
import { readImportRows } from '../../../src/todos/import-rows.ts';
import { deleteExpiredTombstones } from '../../../src/todos/purge.ts';
import * as queries from '../../../src/todos/queries.ts';
import { useLocalGateway } from '../../../src/db/local-gateway.ts';

// The README's SQL for the Worker's login role (Deploying, and the rotation runbook): the migrations made
// the application role and gave it every grant and policy, so a login role needs only to be a member.
export const LOGIN_ROLE_SQL = "CREATE ROLE todo_worker LOGIN PASSWORD '<password>' IN ROLE todo_app;";

/** Stands in for the id of the todo `insertTodo` creates, in the statements recorded below; replaced by it when they run. */
const CREATED = '00000000-0000-4000-8000-0000000c0de0';
/** An id a create chooses, and the first of those an import counts up from. */
const CHOSEN = '00000000-0000-4000-8000-00000c4053e0';
const FIRST = { prefix: '00000000000040008000000f', firstLow: 0 };

/**
 * Each data-access function of the Worker, called once per shape it sends, in an order that can run in one
 * transaction: writes first (so that without an owner the first statement is a refused write), then the created
 * todo read, changed at each version and deleted (its tombstone written by the trigger, as the tables' owner).
 * A function added to src/todos/queries.ts without a call here fails the test below that lists them.
 */
const CALLS: Record<string, (db: Drizzle) => Promise<unknown>> = {
  insertTodo: (db) => queries.insertTodo(db, { text: 'as the worker', done: false }),
  insertTodoOnce: async (db) => {
    await queries.insertTodoOnce(db, { key: 'k', hash: 'h', todo: { text: 'as the worker, keyed', done: true } });
    const todo = { text: 'as the worker, keyed and chosen', done: true };
    await queries.insertTodoOnce(db, { key: 'k3', hash: 'h', id: '00000000-0000-4000-8000-00000c4053e1', todo });
  },
  insertTodoWithId: (db) => queries.insertTodoWithId(db, CHOSEN, { text: 'as the worker, chosen', done: false }),
  insertTodos: async (db) => {
    await queries.insertTodos(db, importedRows('text,done\nimported,yes\n'));
    await queries.insertTodos(db, importedRows('text,done\nimported, named,yes\n'), FIRST);
  },
  insertTodosOnce: (db) => queries.insertTodosOnce(db, { key: 'k2', hash: 'h', ...importedRows('text\nkeyed\n') }),
  listTodos: async (db) => {
    await queries.listTodos(db, { limit: 20 });
    await queries.listTodos(db, { limit: 20, done: true, after: { createdAt: '2026-01-01T00:00:00.000000Z', id: CREATED } });
  },
  findTodo: (db) => queries.findTodo(db, CREATED),
  updateTodo: (db) => queries.updateTodo(db, CREATED, { done: true }),
  updateTodoIfMatch: (db) => queries.updateTodoIfMatch(db, CREATED, { text: 'as the worker, again' }, [2]),
  deleteTodo: (db) => queries.deleteTodo(db, CREATED, [3]),
  readChanges: async (db) => {
    await readChanges(db, todosFeed, feedStart(todosFeed), 10);
    await readChanges(db, changesFeed, feedStart(changesFeed), 10);
  },
  deleteExpiredKeys: (db) => deleteExpiredKeys(db, 10),
  deleteExpiredTombstones: (db) => deleteExpiredTombstones(db, 30, 10),
};

function importedRows(csv: string) {
  const rows = readImportRows(csv);
  if (!rows.ok) throw new Error(`bad example import: ${JSON.stringify(rows.problems)}`);
  return rows;
}

/**
 * Every statement the Worker sends, as its data-access functions write them: each call above runs against a
 * client that records what it is given (text and parameters) and answers nothing.
 */
async function workerStatements(): Promise<{ sql: string; params: unknown[] }[]> {
  const sent: { sql: string; params: unknown[] }[] = [];
  const record = (sql: string, params: unknown[] = []) => sent.push({ sql, params });
  const client = Object.assign(
    (sql: string, params?: unknown[]) => (record(sql, params), Promise.resolve({ rows: [], fields: [] })),
    {
      query: (sql: string, params?: unknown[]) => (record(sql, params), Promise.resolve({ rows: [], fields: [] })),
      transaction: (build: (txn: { query: typeof record }) => unknown[]) =>
        Promise.resolve(build({ query: record }).map(() => [])),
    },
  );
  const db = drizzle({ client: client as never });
  // A call may fail on the empty answers (a keyed write finds no key): what it sent is recorded before that.
  for (const call of Object.values(CALLS)) await call(db).catch(() => undefined);
  return sent;
}

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
  /**
   * Runs `statements` as the Worker's role (its pooled URL) in one transaction that is rolled back; the first
   * failure. The first statement's first value is the created todo's JSON: its id replaces CREATED after it.
   */
  const asWorker = (statements: (string | { sql: string; params: unknown[] })[], owner?: string): Promise<unknown> =>
    inRolledBackTransaction(inject('databaseUrl'), async (client) => {
      try {
        if (owner) await client.query(SET_OWNER_SQL, [owner]);
        let created: string | undefined;
        for (const statement of statements) {
          const { sql, params } = typeof statement === 'string' ? { sql: statement, params: [] } : statement;
          const { rows } = await client.query(
            sql,
            params.map((value) => (value === CREATED ? created : value)),
          );
          created ??= JSON.parse(Object.values(rows[0] as object)[0] as string).id as string;
        }
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

  it('has a call above for each data-access function of src/todos/queries.ts (each takes the database first)', () => {
    const functions = Object.entries(queries).filter(([, value]) => typeof value === 'function' && value.length >= 2);
    expect(functions.map(([name]) => name).filter((name) => !(name in CALLS))).toEqual([]);
  });

  it('runs every statement the Worker sends, for its owner, with its membership alone', async () => {
    const statements = await workerStatements();
    const texts = statements.map(({ sql }) => sql).join('\n');
    for (const kind of ['insert into "todos"', 'update "todos"', 'delete from "todos"', 'insert into "idempotency_keys"'])
      expect(texts).toContain(kind);
    // The deletion took place, with its tombstone (a division by zero otherwise).
    const buried = { sql: 'select 1 / (select count(*)::int from todo_tombstones where id = $1)', params: [CREATED] };
    expect(await asWorker([...statements, buried], 'token:role-test')).toBeUndefined();
    // The same with no owner set: the first write is refused (so the run above means something).
    expect(await asWorker(statements)).toMatchObject({ code: expect.stringMatching(/^(23502|23514)$/) });
  });

  it.each(BEYOND)('may not: %s', async (statement) => {
    expect(await asWorker([statement], 'token:role-test')).toMatchObject({ code: '42501' });
  });
});
