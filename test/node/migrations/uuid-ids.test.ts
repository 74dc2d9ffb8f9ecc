import { neonConfig, Pool } from '@neondatabase/serverless';
import ws from 'ws';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { applyMigrations } from '../../../dev/migrations.ts';
import { startStack, type Stack } from '../../../dev/stack.ts';
import { useLocalGateway } from '../../../src/db/local-gateway.ts';
import { migrationsUpTo, removeMigrationsFolder } from '../../support/migrations-up-to.ts';

// Migration 0010 on a database that holds todos, tombstones and idempotency keys in the old form
// (int4 ids), on a stack of its own (the run's upstream kind), migrated to 0009 first, then to 0010 alone
// (later migrations change todos again: 0013 moves each into a list, a change of its own).
const UUID_V7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const BEFORE_UUIDS = '0009_owned_tables_and_feed_triggers';
const UUIDS = '0010_uuid_ids';

let stack: Stack;
const folders: string[] = [];
const upTo = (last: string) => {
  const folder = migrationsUpTo(last);
  folders.push(folder);
  return folder;
};

async function query<T = Record<string, unknown>>(text: string, params: unknown[] = []): Promise<T[]> {
  neonConfig.webSocketConstructor = ws;
  useLocalGateway(stack.gatewayAddress);
  const pool = new Pool({ connectionString: stack.ownerUrl, max: 1 });
  try {
    return (await pool.query(text, params)).rows as T[];
  } finally {
    await pool.end();
  }
}

interface OldTodo {
  id: number;
  owner: string;
  text: string;
  version: number;
  updated_at: string;
  changed_xid: string;
}

const TODO_COLUMNS = `id, owner, text, version, updated_at::text, changed_xid::text`;
/** Each owner's listing, newest first: the order clients see, which the new ids must keep. */
const LISTING = `SELECT owner, text FROM todos ORDER BY owner, created_at DESC, id DESC`;
/** The change feed's order, todos and tombstones merged. */
const FEED = `SELECT owner, xid::text, what FROM (
    SELECT owner, changed_xid AS xid, id, text AS what FROM todos
    UNION ALL SELECT owner, deleted_xid, id, 'deleted v' || version FROM todo_tombstones) AS f
  ORDER BY owner, xid, id`;

let before: {
  todos: OldTodo[];
  listing: unknown[];
  feed: { owner: string; xid: string; what: string }[];
  keys: { key: string; response: string; created_at: string }[];
  tombstones: { owner: string; version: number }[];
};

beforeAll(async () => {
  stack = await startStack({ backend: inject('backend'), port: 0, dataDir: 'memory' });
  await applyMigrations(stack.ownerUrl, { localGateway: stack.gatewayAddress, migrationsFolder: upTo(BEFORE_UUIDS) });
  // As the tables' owner with no owner set (every row visible and writable), in the old form:
  // an import's rows share one created_at, so only their ids order them.
  await query(`INSERT INTO todos (owner, text) SELECT 'alice', 'import ' || n FROM generate_series(1, 5) AS n ORDER BY n`);
  await query(`INSERT INTO todos (owner, text) VALUES ('bob', 'bob one')`);
  await query(`INSERT INTO todos (owner, text) VALUES ('alice', 'alice later')`);
  await query(`INSERT INTO todos (owner, text) VALUES ('alice', 'to delete, keyed')`);
  await query(`INSERT INTO todos (owner, text) VALUES ('bob', 'to delete, purged')`);
  await query(`UPDATE todos SET done = true WHERE text IN ('import 2', 'bob one')`);
  await query(`UPDATE todos SET text = 'import 3, edited' WHERE text = 'import 3'`);
  const created = (text: string) =>
    query<{ row: string; created_at: string }>(
      `SELECT created_at::text, (SELECT row_to_json(t)::text FROM (SELECT id, text, done, version,
         to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS "createdAt",
         to_char(updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS "updatedAt") AS t) AS row
       FROM todos WHERE text = $1`,
      [text],
    ).then(([row]) => row!);
  // Stored creates as POST /todos stored them (row_to_json of the new row, at the todo's own creation time).
  const keyed = async (owner: string, key: string, text: string) => {
    const { row, created_at } = await created(text);
    await query(
      `INSERT INTO idempotency_keys (owner, scope, key, request_hash, response, created_at) VALUES ($1, 'todos.create', $2, 'h', $3, $4)`,
      [owner, key, row, created_at],
    );
  };
  await keyed('alice', 'live', 'alice later');
  await keyed('alice', 'deleted', 'to delete, keyed');
  await keyed('bob', 'purged', 'to delete, purged');
  await query(
    `INSERT INTO idempotency_keys (owner, scope, key, request_hash, response) VALUES ('alice', 'todos.import', 'csv', 'h', '{"inserted":5}')`,
  );
  await query(`DELETE FROM todos WHERE text LIKE 'to delete%'`);
  // A tombstone the cleanup purged: its key still names the old id.
  await query(`DELETE FROM todo_tombstones WHERE owner = 'bob'`);
  before = {
    todos: await query<OldTodo>(`SELECT ${TODO_COLUMNS} FROM todos ORDER BY id`),
    listing: await query(LISTING),
    feed: await query(FEED),
    keys: await query(`SELECT key, response, created_at::text FROM idempotency_keys ORDER BY key`),
    tombstones: await query(`SELECT owner, version FROM todo_tombstones ORDER BY owner`),
  };
  await applyMigrations(stack.ownerUrl, { localGateway: stack.gatewayAddress, migrationsFolder: upTo(UUIDS) });
}, 120_000);

afterAll(async () => {
  await stack?.stop();
  for (const folder of folders) removeMigrationsFolder(folder);
});

describe('migration 0010: ids become UUIDs', () => {
  it('gives every todo a version 7 UUID and changes nothing else of it: version, updated_at, feed position', async () => {
    const after = await query<OldTodo & { id: string }>(`SELECT ${TODO_COLUMNS} FROM todos ORDER BY created_at, id`);
    expect(after.map((t) => t.id)).toEqual(after.map(() => expect.stringMatching(UUID_V7)));
    const byText = (rows: OldTodo[]) => rows.map(({ id: _, ...rest }) => rest).sort((a, b) => a.text.localeCompare(b.text));
    expect(byText(after)).toEqual(byText(before.todos));
    expect(new Set(after.map((t) => t.id)).size).toBe(before.todos.length);
  });

  it("keeps every owner's listing order, ties within an import included, and the change feed's order", async () => {
    expect(await query(LISTING)).toEqual(before.listing);
    const feed = await query<{ owner: string; xid: string; what: string }>(FEED);
    expect(feed).toEqual(before.feed);
  });

  it('gives each id the time of its todo: the UUID names its creation', async () => {
    const rows = await query<{ id_ms: string; created_ms: string }>(
      `SELECT ('x' || lpad(substr(replace(id::text, '-', ''), 1, 12), 16, '0'))::bit(64)::bigint::text AS id_ms,
              floor(extract(epoch FROM created_at) * 1000)::bigint::text AS created_ms FROM todos`,
    );
    for (const row of rows) expect(row.id_ms).toBe(row.created_ms);
  });

  it('moves tombstones to UUIDs too, and a replayed create answers the new id (and so its Location)', async () => {
    const tombstones = await query<{ id: string; owner: string; version: number }>(
      `SELECT id::text, owner, version FROM todo_tombstones ORDER BY owner`,
    );
    expect(tombstones.map(({ owner, version }) => ({ owner, version }))).toEqual(before.tombstones);
    const keys = await query<{ key: string; response: string }>(`SELECT key, response FROM idempotency_keys ORDER BY key`);
    const old = Object.fromEntries(before.keys.map((k) => [k.key, k.response]));
    const now = Object.fromEntries(keys.map((k) => [k.key, k.response]));
    const live = await query<{ id: string }>(`SELECT id::text FROM todos WHERE text = 'alice later'`);
    // Every byte but the id stays as first sent.
    const newId = (response: string) => (JSON.parse(response) as { id: string }).id;
    expect(now.live).toBe(old.live!.replace(/^\{"id":\d+/, `{"id":"${live[0]!.id}"`));
    expect(newId(now.deleted!)).toBe(tombstones.find((t) => t.owner === 'alice')!.id);
    expect(now.deleted).toBe(old.deleted!.replace(/^\{"id":\d+/, `{"id":"${newId(now.deleted!)}"`));
    // The purged one: a UUID of its own, of its time, that nothing else has.
    expect(newId(now.purged!)).toMatch(UUID_V7);
    const taken = await query(`SELECT 1 FROM todos WHERE id = $1 UNION ALL SELECT 1 FROM todo_tombstones WHERE id = $1`, [
      newId(now.purged!),
    ]);
    expect(taken).toEqual([]);
    expect(now.csv).toBe('{"inserted":5}');
  });

  it('makes new ids as version 7 UUIDs after the migrated ones, with no sequence left', async () => {
    const [row] = await query<{ id: string }>(`INSERT INTO todos (owner, text) VALUES ('alice', 'after') RETURNING id::text`);
    expect(row!.id).toMatch(UUID_V7);
    const [newest] = await query<{ id: string }>(`SELECT id::text FROM todos ORDER BY id DESC LIMIT 1`);
    expect(newest!.id).toBe(row!.id);
    expect(await query(`SELECT relname FROM pg_class WHERE relkind = 'S' AND relname LIKE 'todos%'`)).toEqual([]);
  });

  it("refuses a deleted todo's id, to every owner (SQLSTATE ID409), and leaves nothing of the map behind", async () => {
    const [tombstone] = await query<{ id: string }>(`SELECT id::text FROM todo_tombstones`);
    for (const owner of ['alice', 'bob'])
      await expect(
        query(`INSERT INTO todos (id, owner, text) VALUES ($1, $2, 'back again')`, [tombstone!.id, owner]),
      ).rejects.toMatchObject({ code: 'ID409' });
    expect(await query(`SELECT count(*)::int AS n FROM todos WHERE text = 'back again'`)).toEqual([{ n: 0 }]);
    expect(await query(`SELECT to_regclass('public.todo_id_map') AS map, to_regprocedure('public.app_todo_id_map(integer)') AS fn`)).toEqual([
      { map: null, fn: null },
    ]);
  });
});
