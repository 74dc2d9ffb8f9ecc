import { neon } from '@neondatabase/serverless';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { readChangesSql } from '../../../src/todos/feed.ts';
import { FEED_START } from '../../../src/todos/feed-token.ts';
import { useTestGateway } from '../../support/driver.ts';
import { planOf } from '../../support/plan.ts';

// The feed's SQL names no owner: the row-level security policies' `owner = current_setting(...)`
// is the index condition that keeps each scan inside one owner's range, as for the listing.
// Owners of this file's own rows and tombstones: several, each with enough that the planner has a real choice.
const RUN = crypto.randomUUID().slice(0, 8);
const OWNERS = ['a', 'b', 'c'].map((name) => `token:feed-plan-${RUN}-${name}`);

beforeAll(async () => {
  await useTestGateway(inject('gatewayAddress'));
  // As the tables' owner (no owner set: it may name the owner column), then fresh statistics.
  const owner = neon(inject('ownerUrl'));
  await owner.query(
    `insert into todos (owner, text) select o, 'feed plan ' || n from unnest($1::text[]) as o, generate_series(1, 2000) as n`,
    [OWNERS],
  );
  await owner.query(
    `insert into todo_tombstones (id, owner, version)
     select gen_random_uuid(), o, 2 from unnest($1::text[]) as o, generate_series(1, 2000) as n`,
    [OWNERS],
  );
  await owner.query('analyze todos');
  await owner.query('analyze todo_tombstones');
});

const explain = (query: { sql: string; params: unknown[] }) => planOf(inject('databaseUrl'), OWNERS[0]!, query);

describe('the change feed reads one index range of one owner per table', () => {
  it.each([
    ['from the beginning', FEED_START],
    ['after a position', { xid: '1000', id: '0192e4a4-7b0c-7d3e-9a41-5f1c2b3d4e5f' }],
  ])('%s: each table in index order, the owner and the position in the index condition', async (_, since) => {
    const query = readChangesSql(since, 100);
    expect(query.sql).not.toMatch(/owner/);
    const plan = await explain(query);
    for (const [index, xid] of [
      ['todos_owner_changed_id_idx', 'changed_xid'],
      ['todo_tombstones_owner_deleted_id_idx', 'deleted_xid'],
    ]) {
      // The owner (from the policy), the position and the horizon all bound the range: no row outside it is read.
      const scan = new RegExp(
        `Index Scan using ${index} .*\\n\\s*Index Cond: \\(\\(owner = current_setting\\('app\\.user_id'::text, true\\)\\) AND \\(ROW\\(${xid}, id\\) > ROW\\(.*\\)\\) AND \\(${xid} < `,
      );
      expect(plan).toMatch(scan);
    }
    // The two ranges are merged in order (each already is): the only sort is of the page itself, at the top.
    expect(plan).toMatch(/Merge Append/);
    expect(plan.match(/Sort {2}\(/g)).toHaveLength(1);
    expect(plan.split('\n')[0]).toMatch(/^Sort {2}\(/);
    expect(plan).not.toMatch(/Seq Scan|Filter: .*owner/);
  });
});
