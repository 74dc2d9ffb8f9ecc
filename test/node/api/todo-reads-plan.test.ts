import { neon } from '@neondatabase/serverless';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import type { Listing } from '../../../src/todos/listing.ts';
import { listTodosSql } from '../../../src/todos/queries.ts';
import { useTestGateway } from '../../support/driver.ts';
import { planOf } from '../../support/plan.ts';

// Every listing GET /todos offers (docs/api.md, "Listing todos"), with every filter, first page and after a
// cursor, reads one range of one index in the listing's order: no sort step, the owner (from the row-level
// security policy), the list and the level in the index condition. The data: several owners, each with
// several lists of top-level todos and subtasks, done or not, due or not, with fresh statistics.
const RUN = crypto.randomUUID().slice(0, 8);
const OWNERS = ['a', 'b', 'c'].map((name) => `token:reads-plan-${RUN}-${name}`);
let list: string;
let parent: string;

beforeAll(async () => {
  await useTestGateway(inject('gatewayAddress'));
  // As the tables' owner (no owner set: it may name the owner column), then fresh statistics.
  const owner = neon(inject('ownerUrl'));
  await owner.query(
    `insert into lists (owner, title, position) select o, 'plan ' || n, app_key_nth(n)
     from unnest($1::text[]) as o, generate_series(0, 1) as n`,
    [OWNERS],
  );
  await owner.query(
    `insert into todos (owner, list_id, text, position, done, due, created_at)
     select l.owner, l.id, 'plan ' || n, app_key_nth(n), n % 3 = 0,
       case n % 4 when 0 then '2026-12-' || lpad((1 + n % 28)::text, 2, '0')
                  when 1 then '2026-12-' || lpad((1 + n % 28)::text, 2, '0') || 'T23:30:00-05:00' end,
       now() - n * interval '1 minute'
     from lists l, generate_series(0, 999) as n where l.owner = any($1::text[])`,
    [OWNERS],
  );
  await owner.query(
    `insert into todos (owner, list_id, parent_id, text, position, done, due)
     select t.owner, t.list_id, t.id, 'plan subtask ' || n, app_key_nth(n), n % 2 = 0,
       case when n % 2 = 0 then '2026-12-24' end
     from todos t, generate_series(0, 3) as n
     where t.owner = any($1::text[]) and t.parent_id is null and t.position < 'b1c'`,
    [OWNERS],
  );
  await owner.query('analyze todos');
  const [row] = await owner.query(
    `select list_id, parent_id from todos where owner = $1 and parent_id is not null order by list_id, parent_id limit 1`,
    [OWNERS[0]],
  );
  list = row!.list_id as string;
  parent = row!.parent_id as string;
});

// Without a sort and a bitmap scan, as well as without a sequential scan: on a small range, with a selective
// filter, the planner may rather fetch the few matches of the same range and sort them, which is cheap; what
// this shows is that the index gives each listing's order (were it not so, the Sort would still be there).
const explain = (query: { sql: string; params: unknown[] }) =>
  planOf(inject('databaseUrl'), OWNERS[0]!, query, ['seqscan', 'bitmapscan', 'sort']);

const ID = '0192e4a4-7b0c-7d3e-9a41-5f1c2b3d4e5f';
const OWNER_COND = "owner = current_setting('app.user_id'::text, true)";

/** Each listing, its index, what its index condition must hold beyond the owner, and a cursor of its order. */
const LISTINGS = [
  {
    name: 'newest first',
    listing: (): Listing => ({ order: 'created' }),
    index: /todos_owner_(done_)?created_id_idx/,
    cond: [],
    cursor: { createdAt: '2026-11-25T10:00:00.000000Z', id: ID },
    pagedCond: /ROW\(created_at, id\) < ROW\(/,
  },
  {
    name: "a list's top-level todos",
    listing: (): Listing => ({ order: 'position', listId: list }),
    index: /todos_owner_list_parent_position_idx/,
    cond: [/list_id = /, /parent_id IS NULL/],
    cursor: { position: 'a5', id: ID },
    pagedCond: /ROW\(\("position"\)::text, id\) > ROW\(/,
  },
  {
    name: "a parent's subtasks",
    listing: (): Listing => ({ order: 'position', parentId: parent }),
    index: /todos_owner_list_parent_position_idx/,
    cond: [/list_id = /, /parent_id = /],
    cursor: { position: 'a1', id: ID },
    pagedCond: /ROW\(\("position"\)::text, id\) > ROW\(/,
  },
  {
    name: "a parent's subtasks in its list",
    listing: (): Listing => ({ order: 'position', listId: list, parentId: parent }),
    index: /todos_owner_list_parent_position_idx/,
    cond: [/list_id = /, /parent_id = /],
    cursor: { position: 'a1', id: ID },
    pagedCond: /ROW\(\("position"\)::text, id\) > ROW\(/,
  },
  {
    name: "a list's subtasks",
    listing: (): Listing => ({ order: 'grouped', listId: list }),
    index: /todos_owner_list_parent_position_idx/,
    cond: [/list_id = /, /parent_id IS NOT NULL/],
    cursor: { group: ID, position: 'a1', id: ID },
    pagedCond: /ROW\(parent_id, \("position"\)::text, id\) > ROW\(/,
  },
];

const FILTERS = [
  ['no filter', {}],
  ['done', { done: true }],
  ['dueBefore', { dueBefore: '2026-12-10' }],
  ['dueAfter', { dueAfter: '2026-12-07T23:30:00-05:00' }],
  ['dueAfter and dueBefore', { dueAfter: '2026-12-05', dueBefore: '2026-12-20' }],
  ['done and a due window', { done: false, dueAfter: '2026-12-05', dueBefore: '2026-12-20' }],
] as const;

const CASES = LISTINGS.flatMap((l) =>
  FILTERS.flatMap(([filter, options]) =>
    [false, true].map(
      (paged) => [`${l.name}, ${filter}${paged ? ', after a cursor' : ''}`, l, options, paged] as const,
    ),
  ),
);

describe('each listing and filter reads one range of one index, in its order', () => {
  it.each(CASES)('%s', async (_, l, options, paged) => {
    const query = listTodosSql({ listing: l.listing(), limit: 20, ...options, ...(paged ? { after: l.cursor } : {}) });
    expect(query.sql).not.toMatch(/owner/);
    const plan = await explain(query);
    const scans = plan.split('\n').filter((line) => /Scan/.test(line));
    // The range, and for a parent's subtasks without their list the one key lookup that finds the list.
    const lookup = l.name === "a parent's subtasks";
    expect(scans, plan).toHaveLength(lookup ? 2 : 1);
    const range = scans.find((line) => l.index.test(line));
    expect(range, plan).toMatch(/Index (Only )?Scan (Backward )?using/);
    if (lookup)
      expect(
        scans.find((line) => line !== range),
        plan,
      ).toMatch(/Index Scan using todos_pkey/);
    // The range's bounds: the owner, the list, the level and the cursor are index conditions, not filters.
    const cond = plan.slice(plan.indexOf(range!)).split('\n')[1]!;
    expect(cond, plan).toMatch(/Index Cond: /);
    for (const part of [new RegExp(OWNER_COND.replace(/[().]/g, '\\$&')), ...l.cond, ...(paged ? [l.pagedCond] : [])])
      expect(cond, plan).toMatch(part);
    expect(plan).not.toMatch(/Sort|Seq Scan|Bitmap/);
  });
});
