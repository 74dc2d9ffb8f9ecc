import { neon } from '@neondatabase/serverless';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { changesFeed } from '../../../src/changes/feed.ts';
import { readChangesSql } from '../../../src/feed/statement.ts';
import { feedStart, type FeedPosition } from '../../../src/feed/token.ts';
import type { Feed } from '../../../src/feed/source.ts';
import { todosFeed } from '../../../src/todos/feed.ts';
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
    `insert into lists (owner, title, position)
     select o, 'feed plan ' || n, app_key_nth(n) from unnest($1::text[]) as o, generate_series(1, 2000) as n`,
    [OWNERS],
  );
  await owner.query(
    `insert into todos (owner, list_id, text)
     select o, l.id, 'feed plan ' || n from unnest($1::text[]) as o,
       lateral (select id from lists where owner = o limit 1) as l, generate_series(1, 2000) as n`,
    [OWNERS],
  );
  for (const table of ['todo_tombstones', 'list_tombstones'])
    await owner.query(
      `insert into ${table} (id, owner, version)
       select gen_random_uuid(), o, 2 from unnest($1::text[]) as o, generate_series(1, 2000) as n`,
      [OWNERS],
    );
  for (const table of ['todos', 'todo_tombstones', 'lists', 'list_tombstones']) await owner.query(`analyze ${table}`);
});

const explain = (query: { sql: string; params: unknown[] }) => planOf(inject('databaseUrl'), OWNERS[0]!, query);

const ID = '0192e4a4-7b0c-7d3e-9a41-5f1c2b3d4e5f';
const TODO_RANGES = [
  ['todos_owner_changed_id_idx', 'changed_xid'],
  ['todo_tombstones_owner_deleted_id_idx', 'deleted_xid'],
];
const LIST_RANGES = [
  ['lists_owner_changed_id_idx', 'changed_xid'],
  ['list_tombstones_owner_deleted_id_idx', 'deleted_xid'],
];

describe.each([
  ['GET /todos/changes', todosFeed, TODO_RANGES],
  ['GET /changes', changesFeed, [...LIST_RANGES, ...TODO_RANGES]],
] as [string, Feed, string[][]][])('%s reads one index range of one owner per table', (_, feed, ranges) => {
  it.each([
    ['from the beginning', feedStart(feed)],
    ...feed.sources.map((source): [string, FeedPosition] => [
      `after a position of a ${source.kind}`,
      { xid: '1000', kind: source.kind, id: ID },
    ]),
  ])('%s: each table in index order, the owner and the position in the index condition', async (_, since) => {
    const query = readChangesSql(feed, since, 100);
    expect(query.sql).not.toMatch(/owner/);
    const plan = await explain(query);
    for (const [index, xid] of ranges) {
      // The owner (from the policy), the position and the horizon all bound the range: no row outside it is read.
      const scan = new RegExp(
        `Index Scan using ${index} .*\\n\\s*Index Cond: \\(\\(owner = current_setting\\('app\\.user_id'::text, true\\)\\) AND \\(ROW\\(${xid}, id\\) > ROW\\(.*\\)\\) AND \\(${xid} < `,
      );
      expect(plan).toMatch(scan);
    }
    // Those ranges, and the owner's purge mark: nothing else.
    expect(plan.match(/Index Scan using/g)).toHaveLength(ranges.length + 1);
    expect(plan).toMatch(/Index Scan using tombstone_purges_pkey/);
    if (process.env.SHOW_PLAN) console.log(plan);
    // Each range is read in order and cut at the page's size: the sorts are of pages, never of a table.
    expect(plan.match(/Limit {2}\(/g)!.length).toBeGreaterThanOrEqual(ranges.length + 1);
    expect(plan.split('\n')[0]).toMatch(/^Sort {2}\(/);
    expect(plan).not.toMatch(/Seq Scan|Filter: .*owner/);
  });
});
