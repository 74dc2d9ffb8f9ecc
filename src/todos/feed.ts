import { sql, type Query, type SQL } from 'drizzle-orm';
import { PgDialect } from 'drizzle-orm/pg-core';
import type { Drizzle } from '../db/client.ts';
import { todoTombstones, tombstonePurges, todos } from '../db/schema.ts';
import type { FeedPosition } from './feed-token.ts';
import { TODO_ID, todoFields, type TodoId } from './fields.ts';
import { todoJsonOf } from './queries.ts';

/** One change: where it stands in the feed and the JSON the client gets for it. */
export interface FeedRow {
  xid: string;
  id: TodoId;
  change: string;
}

export interface FeedPage {
  /** Up to `limit + 1` changes after the position, in feed order (one more than asked tells that more follow). */
  rows: FeedRow[];
  /**
   * The oldest transaction still in progress anywhere in the cluster: every
   * transaction below it has ended, so every change below it is visible now
   * and none can appear there later. Only changes below it are handed out.
   */
  horizon: string;
  /** The newest position of this owner whose tombstones the cleanup purged, if any. */
  purgedThrough: string | null;
}

/**
 * The changes after `since` in ONE statement: one index range of todos
 * (owner, changed_xid, id) and one of todo_tombstones (owner, deleted_xid, id),
 * merged by position. The owner comes from row-level security, as everywhere.
 *
 * Why the horizon: a writer draws its transaction id when it starts writing
 * but commits whenever it commits, so ids commit out of order. Handing out a
 * change at xid 12 while xid 11 is still open would move the client's token
 * past 11, and 11's row, once committed, would never be sent. Below
 * pg_snapshot_xmin nothing is open, so a position there is final. The cost: a
 * long transaction anywhere holds the feed back (it lags, it never loses).
 */
const feedStatement = (since: FeedPosition, rows: number) => {
  const after = sql`(${since.xid}::xid8, ${since.id}::${sql.raw(TODO_ID.sqlType)})`;
  const gone = todoTombstones;
  const names = Object.keys(todoFields);
  // Each field's stored value, named as the JSON names it; a tombstone has its id and version, the rest is null.
  const fieldsOf = (row: object) =>
    sql.join(
      names.map(
        (name) => sql`${name in row ? (row as Record<string, SQL>)[name] : sql`null`} as ${sql.identifier(name)}`,
      ),
      sql`, `,
    );
  // The JSON is written only for the page's rows, after the limit: a plan that reads more rows than
  // the page (a fresh table without statistics) then costs a scan, not a JSON document per row.
  const page = (name: string) => sql`page.${sql.identifier(name)}`;
  return sql`
    with horizon as (select pg_snapshot_xmin(pg_current_snapshot()) as below),
    changed as (
      (select ${todos.changedXid} as xid, false as deleted, ${fieldsOf(todos)}
        from ${todos}
        where (${todos.changedXid}, ${todos.id}) > ${after} and ${todos.changedXid} < (select below from horizon)
        order by ${todos.changedXid}, ${todos.id} limit ${rows})
      union all
      (select ${gone.deletedXid}, true, ${fieldsOf({ id: gone.id, version: gone.version })}
        from ${gone}
        where (${gone.deletedXid}, ${gone.id}) > ${after} and ${gone.deletedXid} < (select below from horizon)
        order by ${gone.deletedXid}, ${gone.id} limit ${rows}))
    select horizon.below::text as horizon,
      (select ${tombstonePurges.purgedThrough}::text from ${tombstonePurges}) as "purgedThrough",
      page.xid::text as xid, page.id,
      case when page.deleted then json_build_object('id', page.id, 'deleted', true, 'version', page.version)::text
        else ${todoJsonOf(page)} end as change
    from horizon left join (select * from changed order by xid, id limit ${rows}) as page on true
    order by page.xid, page.id`;
};

type Row = { horizon: string; purgedThrough: string | null } & (
  { xid: string; id: TodoId; change: string } | { xid: null }
);

/** Up to `limit` changes after `since`, plus one that tells whether more follow. */
export async function readChanges(db: Drizzle, since: FeedPosition, limit: number): Promise<FeedPage> {
  const { rows } = await db.execute<Row>(feedStatement(since, limit + 1));
  const first = rows[0]!; // the horizon's row is always there, with no change when none is left
  return {
    horizon: first.horizon,
    purgedThrough: first.purgedThrough,
    rows: rows.flatMap((row) => (row.xid === null ? [] : [{ xid: row.xid, id: row.id, change: row.change }])),
  };
}

/** The feed's SQL and parameters (tests EXPLAIN it). */
export const readChangesSql = (since: FeedPosition, limit: number): Query =>
  new PgDialect().sqlToQuery(feedStatement(since, limit + 1));
