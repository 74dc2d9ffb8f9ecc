import { neon } from '@neondatabase/serverless';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { listTodosSql } from '../../../src/todos/queries.ts';
import { useTestGateway } from '../../support/driver.ts';
import { planOf } from '../../support/plan.ts';

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

const explain = (query: { sql: string; params: unknown[] }) => planOf(inject('databaseUrl'), OWNERS[0]!, query);

// The listing's SQL names no owner: the row-level security policy's `owner = current_setting(...)`
// is the index condition that keeps the scan inside one owner's range.
describe('the listing reads one index range of one owner, in index order', () => {
  const after = { createdAt: '2026-11-25T10:00:00.000000Z', id: '0192e4a4-7b0c-7d3e-9a41-5f1c2b3d4e5f' };
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
    const plan = await explain(listTodosSql({ limit: 20, ...options }));
    expect(plan).toMatch(/Index (Only )?Scan (Backward )?using todos_owner_(done_)?created_id_idx/);
    expect(plan).toMatch(/Index Cond: \(+owner = current_setting\('app\.user_id'::text, true\)\)/);
    expect(plan).not.toMatch(/Sort/);
    expect(plan).not.toMatch(/Filter: .*owner/);
  });
});
