import { neon } from '@neondatabase/serverless';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { SET_OWNER_SQL } from '../../../src/db/client.ts';
import { listTodosSql } from '../../../src/todos/queries.ts';
import { useTestGateway } from '../../support/driver.ts';

// Owners of this file's own rows: several, each with enough todos that the planner has a real choice.
const RUN = crypto.randomUUID().slice(0, 8);
const OWNERS = ['a', 'b', 'c'].map((name) => `token:plan-${RUN}-${name}`);

beforeAll(async () => {
  await useTestGateway(inject('gatewayAddress'));
  // As the tables' owner (no owner set: it may name the owner column), then fresh statistics.
  const owner = neon(inject('ownerUrl'));
  await owner.query(
    `insert into todos (owner, text, done, created_at)
     select o, 'plan ' || n, n % 3 = 0, now() - n * interval '1 minute' from unnest($1::text[]) as o, generate_series(1, 2000) as n`,
    [OWNERS],
  );
  await owner.query('analyze todos');
});

/** The plan Postgres picks for `query`, run as the Worker runs it (its role, one owner set), when it may not scan the table sequentially. */
async function planOf(query: { sql: string; params: unknown[] }): Promise<string> {
  const sql = neon(inject('databaseUrl'));
  const [, , rows] = await sql.transaction([
    sql.query(SET_OWNER_SQL, [OWNERS[0]]),
    sql.query('set local enable_seqscan = off'),
    sql.query(`explain ${query.sql}`, query.params),
  ]);
  return (rows as { 'QUERY PLAN': string }[]).map((r) => r['QUERY PLAN']).join('\n');
}

// The listing's SQL names no owner: the row-level security policy's `owner = current_setting(...)`
// is the index condition that keeps the scan inside one owner's range.
describe('the listing reads one index range of one owner, in index order', () => {
  const after = { createdAt: '2026-11-25T10:00:00.000000Z', id: 100 };
  it.each([
    ['newest first', {}],
    ['filtered by done', { done: true }],
    ['after a cursor', { after }],
    ['filtered and after a cursor', { done: false, after }],
    ['oldest first (the export)', { oldestFirst: true }],
    ['oldest first, filtered, after a cursor', { oldestFirst: true, done: true, after }],
  ])('%s: no sort step, the owner in the index condition', async (_, options) => {
    const { sql } = listTodosSql({ limit: 20, ...options });
    expect(sql).not.toMatch(/owner/);
    const plan = await planOf(listTodosSql({ limit: 20, ...options }));
    expect(plan).toMatch(/Index (Only )?Scan (Backward )?using todos_owner_(done_)?created_id_idx/);
    expect(plan).toMatch(/Index Cond: \(+owner = current_setting\('app\.user_id'::text, true\)\)/);
    expect(plan).not.toMatch(/Sort/);
    expect(plan).not.toMatch(/Filter: .*owner/);
  });
});
