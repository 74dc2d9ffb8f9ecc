import { env } from 'cloudflare:workers';
import { neon } from '@neondatabase/serverless';
import { beforeAll, describe, expect, it } from 'vitest';
import { SET_OWNER_SQL } from '../../../src/db/client.ts';
import { ownershipsIn } from '../../../src/db/owned-table.ts';
import * as schema from '../../../src/db/schema.ts';
import { useTestGateway } from '../../support/driver.ts';
import { ownedTableExpected, ownedTableState, reachableTables, type Query } from '../../support/owned-catalog.ts';

// Row-level security as the database enforces it, whatever SQL a future route sends: raw statements
// with no owner filter, through the real driver and gateway (and PgBouncer on the postgres upstream).
const RUN = crypto.randomUUID().slice(0, 8);
const OWNERS = ['token:a', 'token:b', 'default'];
const text = `rls-${RUN}%`;
/** The Worker's login role, pooled: what DATABASE_URL names. */
const worker = () => neon(env.DATABASE_URL);
/** The tables' owner (no owner set). */
const tableOwner = () => neon(env.DATABASE_OWNER_URL);

/** `query` as the Worker's role in one transaction, after setting `owner` (none: no setting). */
async function asWorker(query: string, params: unknown[] = [], owner?: string): Promise<Record<string, unknown>[]> {
  const sql = worker();
  if (owner === undefined) return sql.query(query, params);
  const [, rows] = await sql.transaction([sql.query(SET_OWNER_SQL, [owner]), sql.query(query, params)]);
  return rows!;
}

const TODOS = `select owner, text from todos where text like $1 order by owner, text`;
const KEYS = `select owner, key from idempotency_keys where key like $1 order by owner, key`;
// The feed's tables: rows of this run's own owners (tombstone_purges has one row per owner).
const ownerOfRun = (owner: string) => `${owner}-${RUN}`;
const runOwners = `%-${RUN}`;
const TOMBSTONES = `select owner from todo_tombstones where owner like $1 order by owner`;
const PURGES = `select owner from tombstone_purges where owner like $1 order by owner`;

beforeAll(async () => {
  await useTestGateway(env.NEON_LOCAL_GATEWAY!);
  // The table owner may name the owner column while no owner is set.
  await tableOwner().query(
    `insert into todos (owner, text) select o, 'rls-${RUN} ' || o from unnest($1::text[]) as o`,
    [OWNERS],
  );
  await tableOwner().query(
    `insert into idempotency_keys (owner, scope, key, request_hash, response) select o, 'test.rls', 'rls-${RUN}', 'h', '{}' from unnest($1::text[]) as o`,
    [OWNERS],
  );
  await tableOwner().query(
    `insert into todo_tombstones (id, owner, version)
     select gen_random_uuid(), o, 2 from unnest($1::text[]) as o`,
    [OWNERS.map(ownerOfRun)],
  );
  await tableOwner().query(
    `insert into tombstone_purges (owner, purged_through) select o, '1' from unnest($1::text[]) as o`,
    [OWNERS.map(ownerOfRun)],
  );
});

describe('a statement with no owner filter', () => {
  it("run as the Worker's role with A's setting, returns only A's rows", async () => {
    expect(await asWorker(TODOS, [text], 'token:a')).toEqual([{ owner: 'token:a', text: `rls-${RUN} token:a` }]);
    expect(await asWorker(KEYS, [text], 'token:a')).toEqual([{ owner: 'token:a', key: `rls-${RUN}` }]);
    expect(await asWorker(TODOS, [text], 'default')).toEqual([{ owner: 'default', text: `rls-${RUN} default` }]);
    const a = ownerOfRun('token:a');
    expect(await asWorker(TOMBSTONES, [runOwners], a)).toEqual([{ owner: a }]);
    expect(await asWorker(PURGES, [runOwners], a)).toEqual([{ owner: a }]);
  });

  it('with no setting, or an empty one, returns none', async () => {
    expect(await asWorker(TODOS, [text])).toEqual([]);
    expect(await asWorker(KEYS, [text])).toEqual([]);
    expect(await asWorker(TODOS, [text], '')).toEqual([]);
    expect(await asWorker(KEYS, [text], '')).toEqual([]);
    for (const [query, filter] of [
      [TOMBSTONES, runOwners],
      [PURGES, runOwners],
    ]) {
      expect(await asWorker(query!, [filter])).toEqual([]);
      expect(await asWorker(query!, [filter], '')).toEqual([]);
    }
  });

  // The same statements, unrestricted: so the checks above can fail.
  it('run as the table owner with no owner set, is not restricted', async () => {
    expect((await tableOwner().query(TODOS, [text])).map((r) => r.owner)).toEqual([...OWNERS].sort());
    expect((await tableOwner().query(KEYS, [text])).map((r) => r.owner)).toEqual([...OWNERS].sort());
    const runs = OWNERS.map(ownerOfRun).sort();
    expect((await tableOwner().query(TOMBSTONES, [runOwners])).map((r) => r.owner)).toEqual(runs);
    expect((await tableOwner().query(PURGES, [runOwners])).map((r) => r.owner)).toEqual(runs);
  });

  it("changes only A's rows as the Worker's role with A's setting, and none with no setting", async () => {
    const updated = await asWorker(
      `update todos set done = true where text like $1 returning owner`,
      [text],
      'token:a',
    );
    expect(updated).toEqual([{ owner: 'token:a' }]);
    expect(await asWorker(`update todos set done = true where text like $1 returning owner`, [text])).toEqual([]);
    expect(
      await asWorker(
        `update idempotency_keys set response = 'changed' where key like $1 returning owner`,
        [text],
        'token:b',
      ),
    ).toEqual([{ owner: 'token:b' }]);
    const done = await tableOwner().query(`select owner from todos where text like $1 and done order by owner`, [text]);
    expect(done).toEqual([{ owner: 'token:a' }]);
  });

  it("cannot write a row of another owner, nor one with no owner, as the Worker's role", async () => {
    await expect(
      asWorker(`insert into todos (owner, text) values ('token:b', 'rls-${RUN} planted')`, [], 'token:a'),
    ).rejects.toMatchObject({ code: '42501' });
    await expect(
      asWorker(`update todos set owner = 'token:b' where text like $1`, [text], 'token:a'),
    ).rejects.toMatchObject({ code: '42501' });
    // No setting: the owner column's default is NULL (or '' after an earlier setting on this connection).
    await expect(asWorker(`insert into todos (text) values ('rls-${RUN} nobody''s')`)).rejects.toMatchObject({
      code: expect.stringMatching(/^(23502|23514)$/),
    });
  });

  it('owns what the Worker inserts to the owner that is set, without naming it', async () => {
    await asWorker(`insert into todos (text) values ($1)`, [`rls-${RUN} inserted by b`], 'token:b');
    expect(await tableOwner().query('select owner from todos where text = $1', [`rls-${RUN} inserted by b`])).toEqual([
      { owner: 'token:b' },
    ]);
  });
});

describe('every table is owned, as declared, or listed as shared infrastructure', () => {
  const owned = ownershipsIn(schema);
  const catalog: Query = (query, params) => tableOwner().query(query, params);

  it("leaves no table in public, nor one elsewhere that the Worker's role can reach, neither owned nor shared", async () => {
    const tables = await reachableTables(catalog);
    expect(owned.map((o) => o.name)).toEqual(
      expect.arrayContaining(['idempotency_keys', 'todo_tombstones', 'todos', 'tombstone_purges']),
    );
    expect(tables).toEqual(expect.arrayContaining(owned.map((o) => o.name)));
    const declared = new Set([...owned.map((o) => o.name), ...Object.keys(schema.SHARED_TABLES)]);
    expect(tables.filter((name) => !declared.has(name))).toEqual([]);
  });

  it.each(owned.map((o) => [o.name, o] as const))(
    '%s has its owner column, ENABLE and FORCE ROW LEVEL SECURITY, exactly the owner policies, and exactly the grants declared',
    async (name, ownership) => {
      const state = await ownedTableState(catalog, name);
      expect(state).toEqual(
        ownedTableExpected(ownership, decodeURIComponent(new URL(env.DATABASE_OWNER_URL).username)),
      );
    },
  );

  it('runs each SECURITY DEFINER function with a fixed search_path, callable by the application role (triggers: by nobody) and not by everyone', async () => {
    const functions = await tableOwner().query(`
      select p.oid::regprocedure::text as name, coalesce(array_to_string(p.proconfig, ','), '') as config,
             p.prorettype = 'trigger'::regtype as trigger,
             has_function_privilege('todo_app', p.oid, 'EXECUTE') as app, has_function_privilege('public', p.oid, 'EXECUTE') as everyone
      from pg_proc p where p.pronamespace = 'public'::regnamespace and p.prosecdef order by 1`);
    expect(functions.map((f) => f.name)).toEqual([
      'lists_bury()',
      'lists_count_added()',
      'lists_count_removed()',
      'lists_refuse_buried_ids()',
      'owner_usage_truncated()',
      'purge_expired_idempotency_keys(integer)',
      'purge_expired_tombstones(integer,integer)',
      'todo_tombstones_count_removed()',
      'todos_bury()',
      'todos_count_added()',
      'todos_count_moved()',
      'todos_count_removed()',
      'todos_refuse_buried_ids()',
    ]);
    // Only pg_catalog: nothing a role can create may shadow a name the owner's function uses.
    for (const f of functions)
      expect(f).toMatchObject({ config: 'search_path=pg_catalog, pg_temp', app: !f.trigger, everyone: false });
  });

  it('pins the search_path of every function in public to pg_catalog, pg_temp', async () => {
    const loose = await tableOwner().query(`
      select p.oid::regprocedure::text as name, coalesce(array_to_string(p.proconfig, ','), '') as config
      from pg_proc p where p.pronamespace = 'public'::regnamespace order by 1`);
    expect(loose.map((f) => f.name)).toContain('app_set_owner(text)');
    expect(loose.filter((f) => f.config !== 'search_path=pg_catalog, pg_temp')).toEqual([]);
  });

  it("sets the owner through app_set_owner: SECURITY INVOKER (it judges its caller's role), callable by every role", async () => {
    const [f] = await tableOwner().query(`
      select p.prosecdef as definer, has_function_privilege('public', p.oid, 'EXECUTE') as everyone
      from pg_proc p where p.oid = 'public.app_set_owner(text)'::regprocedure`);
    expect(f).toEqual({ definer: false, everyone: true });
    expect(SET_OWNER_SQL).toMatch(/^select public\.app_set_owner\(\$1\)[,\s]/);
  });

  it('checks the owner of every table under row-level security: app_set_owner names each one', async () => {
    // A table given row-level security by a later migration must be added to the function's list.
    const [fn] = await tableOwner().query(
      `select prosrc as source from pg_proc where oid = 'public.app_set_owner(text)'::regprocedure`,
    );
    const listed = /'\{([^}]*)\}'::pg_catalog\.regclass\[\]/.exec(fn!.source as string)?.[1]?.split(',');
    const tables = await tableOwner().query(`
      select n.nspname || '.' || c.relname as name from pg_class c join pg_namespace n on n.oid = c.relnamespace
      where c.relrowsecurity and n.nspname not in ('pg_catalog', 'information_schema') order by 1`);
    expect(tables.map((t) => t.name)).toEqual(expect.arrayContaining(['public.todo_tombstones', 'public.todos']));
    expect(listed?.sort()).toEqual(tables.map((t) => t.name).sort());
  });
});
