import { neonConfig, Pool } from '@neondatabase/serverless';
import ws from 'ws';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { applyMigrations } from '../../../dev/migrations.ts';
import { startStack, type Stack } from '../../../dev/stack.ts';
import { useLocalGateway } from '../../../src/db/local-gateway.ts';
import { migrationsUpTo, removeMigrationsFolder } from '../../support/migrations-up-to.ts';

// Migration 0013 on a database that holds todos of two owners, on a stack of its own (the run's upstream
// kind), migrated to 0012 first: each owner gets a default list holding their todos in today's order.
let stack: Stack;
const folder = migrationsUpTo('0012_position_keys');

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

/** Each owner's todos in the order clients saw before: newest first. */
const LISTING = `SELECT owner, text FROM todos ORDER BY owner, created_at DESC, id DESC`;

let before: { listing: unknown[]; todos: { id: string; version: number; updated_at: string; done: boolean }[] };

beforeAll(async () => {
  stack = await startStack({ backend: inject('backend'), port: 0, dataDir: 'memory' });
  await applyMigrations(stack.ownerUrl, { localGateway: stack.gatewayAddress, migrationsFolder: folder });
  // An import's rows share one created_at: only their ids order them.
  await query(`INSERT INTO todos (owner, text) SELECT 'alice', 'import ' || n FROM generate_series(1, 3) AS n ORDER BY n`);
  await query(`INSERT INTO todos (owner, text) VALUES ('bob', 'bob one'), ('alice', 'alice later')`);
  await query(`UPDATE todos SET done = true WHERE text = 'import 2'`);
  before = {
    listing: await query(LISTING),
    todos: await query(`SELECT id, version, updated_at::text, done FROM todos ORDER BY id`),
  };
  await applyMigrations(stack.ownerUrl, { localGateway: stack.gatewayAddress });
}, 120_000);

afterAll(async () => {
  await stack?.stop();
  removeMigrationsFolder(folder);
});

describe('migration 0013: lists', () => {
  it("gives every owner a default list holding their todos, in today's order (newest first is top first)", async () => {
    expect(await query(`SELECT owner, title, position, version, is_default FROM lists ORDER BY owner`)).toEqual([
      { owner: 'alice', title: 'Tasks', position: 'a0', version: 1, is_default: true },
      { owner: 'bob', title: 'Tasks', position: 'a0', version: 1, is_default: true },
    ]);
    const inLists = await query(
      `SELECT t.owner, t.text FROM todos t JOIN lists l ON l.id = t.list_id AND l.owner = t.owner AND l.is_default
       ORDER BY t.owner, t.position, t.id`,
    );
    expect(inLists).toEqual(before.listing);
    expect(await query(`SELECT owner, lists, todos FROM owner_usage ORDER BY owner`)).toEqual([
      { owner: 'alice', lists: 1, todos: 4 },
      { owner: 'bob', lists: 1, todos: 1 },
    ]);
  });

  it('changes every todo once (its version goes up, so a syncing client gets the new fields); a done one was completed at its last change', async () => {
    const after = await query<{ id: string; version: number; completed_at: string | null; parent_id: null }>(
      `SELECT id, version, completed_at::text, parent_id FROM todos ORDER BY id`,
    );
    expect(after).toEqual(
      before.todos.map((t) => ({
        id: t.id,
        version: t.version + 1,
        completed_at: t.done ? t.updated_at : null,
        parent_id: null,
      })),
    );
  });
});
