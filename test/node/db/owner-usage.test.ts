import { describe, expect, inject, it } from 'vitest';
import { readMigrations } from '../../../dev/migrations.ts';
import { scratchTable } from '../../support/driver.ts';
import type { Query } from '../../support/owned-catalog.ts';
import { inRolledBackTransaction } from '../../support/rolled-back.ts';

// Each owner's usage row is the database's to keep (migrations/0011_owner_quota.sql): whatever statement writes
// todos, not only the Worker's. Each test runs as the tables' owner, with no owner set (as psql or a migration
// would), in a transaction that is rolled back: nothing it makes or breaks is seen by other files.

const asOwnerRolledBack = (body: (query: Query) => Promise<void>): Promise<void> =>
  inRolledBackTransaction(inject('ownerUrl'), (client) =>
    body(async (text, params) => (await client.query(text, params)).rows as Record<string, unknown>[]),
  );

/** Owners no other test uses. */
const ownersOf = () => {
  const run = crypto.randomUUID().slice(0, 8);
  return [`token:usage-a-${run}`, `token:usage-b-${run}`] as const;
};

async function usageOf(query: Query, owner: string) {
  const [row] = await query('select todos, tombstones from owner_usage where owner = $1', [owner]);
  return row ?? null;
}

/** Inserts `n` todos of `owner`, as one statement; answers their ids. */
const insertTodos = async (query: Query, owner: string, n: number) =>
  (
    await query(`insert into todos (owner, text) select $1, 'usage ' || i from generate_series(1, $2) i returning id`, [
      owner,
      n,
    ])
  ).map((r) => r.id as number);

describe("each owner's usage, kept by triggers", () => {
  it('counts the todos an ON DELETE CASCADE from a parent table deletes, each owner its own', async () => {
    const [a, b] = ownersOf();
    await asOwnerRolledBack(async (query) => {
      const parents = scratchTable('usage_parents');
      await query(`create table ${parents} (id int primary key)`);
      await query(`insert into ${parents} values (1)`);
      await query(`alter table todos add column usage_parent int references ${parents} (id) on delete cascade`);
      const ids = [...(await insertTodos(query, a, 2)), ...(await insertTodos(query, b, 1))];
      await insertTodos(query, a, 1); // not under the parent: stays
      await query('update todos set usage_parent = 1 where id = any($1)', [ids]);
      expect(await usageOf(query, a)).toEqual({ todos: 3, tombstones: 0 });
      await query(`delete from ${parents} where id = 1`);
      expect(await usageOf(query, a)).toEqual({ todos: 1, tombstones: 2 });
      expect(await usageOf(query, b)).toEqual({ todos: 0, tombstones: 1 });
    });
  });

  it("moves the count with a todo given to another owner by hand, and leaves a PATCH's update alone", async () => {
    const [a, b] = ownersOf();
    await asOwnerRolledBack(async (query) => {
      const [id] = await insertTodos(query, a, 2);
      await query(`update todos set done = true, text = 'changed' where owner = $1`, [a]);
      expect(await usageOf(query, a)).toEqual({ todos: 2, tombstones: 0 });
      // With its list: a todo is in a list of its own owner (null: the new owner's default list).
      await query('update todos set owner = $1, list_id = null where id = $2', [b, id]);
      expect(await usageOf(query, a)).toEqual({ todos: 1, tombstones: 0 });
      expect(await usageOf(query, b)).toEqual({ todos: 1, tombstones: 0 });
    });
  });

  it('empties the counts TRUNCATE makes stale', async () => {
    const [a] = ownersOf();
    await asOwnerRolledBack(async (query) => {
      const ids = await insertTodos(query, a, 3);
      await query('delete from todos where id = $1', [ids[0]]);
      expect(await usageOf(query, a)).toEqual({ todos: 2, tombstones: 1 });
      await query('truncate todos');
      expect(await usageOf(query, a)).toEqual({ todos: 0, tombstones: 1 });
      await query('truncate todo_tombstones');
      expect(await usageOf(query, a)).toEqual({ todos: 0, tombstones: 0 });
    });
  });

  it('counts tombstones the daily cleanup purges off', async () => {
    const [a] = ownersOf();
    await asOwnerRolledBack(async (query) => {
      const ids = await insertTodos(query, a, 3);
      await query('delete from todos where id = any($1)', [ids]);
      await query(`update todo_tombstones set deleted_at = now() - interval '40 days' where id = any($1)`, [
        ids.slice(0, 2),
      ]);
      // The cleanup takes the oldest first, across owners: enough for every expired tombstone of the database.
      await query('select purge_expired_tombstones(30, 1000000)');
      expect(await usageOf(query, a)).toEqual({ todos: 0, tombstones: 1 });
    });
  });

  it('brings an owner far over the bound of kept deletions down by at most 1,000 more than a delete adds', async () => {
    const [a] = ownersOf();
    await asOwnerRolledBack(async (query) => {
      // 1,200 deletions kept while no quota applied (a hand-run delete), then deletes under a quota of 1.
      await query('delete from todos where id = any($1)', [await insertTodos(query, a, 1200)]);
      const kept = await insertTodos(query, a, 2);
      await query(`select set_config('app.todo_quota', '1', true)`);
      await query('delete from todos where id = $1', [kept[0]]);
      expect(await usageOf(query, a)).toEqual({ todos: 1, tombstones: 1201 - 1001 });
      await query('delete from todos where id = $1', [kept[1]]);
      expect(await usageOf(query, a)).toEqual({ todos: 0, tombstones: 1 });
      const [{ n }] = (await query('select count(*)::int as n from todo_tombstones where owner = $1', [a])) as [
        { n: number },
      ];
      expect(n).toBe(1);
    });
  });

  it('is filled by its migration from the todos and tombstones already there', async () => {
    const [a, b] = ownersOf();
    const migration = readMigrations().find((m) => m.tag.endsWith('_owner_quota'))!;
    await asOwnerRolledBack(async (query) => {
      // The database as it was before the migration: no usage, no counting triggers (those of lists, 0013's, too).
      await query(`drop function public.todos_count_added(), public.todos_count_removed(),
        public.todo_tombstones_count_removed(), public.todos_count_moved(), public.owner_usage_truncated(),
        public.lists_count_added(), public.lists_count_removed() cascade`);
      await query('drop table public.owner_usage');
      const ids = await insertTodos(query, a, 3);
      await insertTodos(query, b, 1);
      await query('delete from todos where id = $1', [ids[0]]);
      for (const statement of migration.statements) await query(statement);
      expect(await usageOf(query, a)).toEqual({ todos: 2, tombstones: 1 });
      expect(await usageOf(query, b)).toEqual({ todos: 1, tombstones: 0 });
      // And it keeps counting from there.
      await insertTodos(query, b, 2);
      expect(await usageOf(query, b)).toEqual({ todos: 3, tombstones: 0 });
    });
  });
});
