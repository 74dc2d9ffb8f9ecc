import { sql, type Query, type SQL } from 'drizzle-orm';
import { PgDialect } from 'drizzle-orm/pg-core';
import type { Drizzle } from '../db/client.ts';
import { tombstonePurges } from '../db/schema.ts';
import { jsonOf, textLiteral } from '../lib/fields.ts';
import { NIL_UUID } from '../lib/uuid.ts';
import type { Feed, FeedSource } from './source.ts';
import { rankOf, type FeedPosition } from './token.ts';

/** One change: where it stands in the feed and the JSON the client gets for it. */
export interface FeedRow extends FeedPosition {
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
  /** The newest position of this owner whose tombstones (of any kind) the cleanup purged, if any. */
  purgedThrough: string | null;
}

/**
 * Where a source's changes after `since` start, as a bound on its own (xid, id) index: changes order by
 * (xid, kind, id), so a kind after `since`'s has every change of since's xid still to come, and a kind
 * before it only the later transactions' (no id is the nil UUID, so "after nil" is "every id").
 */
function boundOf(rank: number, since: FeedPosition, sinceRank: number): { xid: string; id: string } {
  if (rank === sinceRank) return { xid: since.xid, id: since.id };
  if (rank > sinceRank) return { xid: since.xid, id: NIL_UUID };
  return { xid: (BigInt(since.xid) + 1n).toString(), id: NIL_UUID };
}

/**
 * The changes after `since` in ONE statement: per source, one index range of
 * its table (owner, changed_xid, id) and one of its tombstones (owner,
 * deleted_xid, id), merged by position. The owner comes from row-level
 * security, as everywhere.
 *
 * Why the horizon: a writer draws its transaction id when it starts writing
 * but commits whenever it commits, so ids commit out of order. Handing out a
 * change at xid 12 while xid 11 is still open would move the client's token
 * past 11, and 11's row, once committed, would never be sent. Below
 * pg_snapshot_xmin nothing is open, so a position there is final. The cost: a
 * long transaction anywhere holds the feed back (it lags, it never loses).
 */
const feedStatement = (feed: Feed, since: FeedPosition, rows: number) => {
  const sinceRank = rankOf(feed, since.kind);
  // Every source's fields, each in a column of its own ("todo.text"): a row carries its own kind's and nulls.
  const columns = feed.sources.flatMap((source) =>
    Object.keys(source.fields).map((name) => ({ source, name, alias: `${source.kind}.${name}` })),
  );
  const branch = (source: FeedSource, rank: number, deleted: boolean) => {
    const gone = source.tombstones;
    const [table, xid, id] = deleted
      ? [gone.table, gone.deletedXid, gone.id]
      : [source.table, source.changedXid, source.id];
    // A tombstone has its id and version; every other field is null.
    const valueOf = (name: string): SQL | undefined =>
      deleted ? (name === 'id' || name === 'version' ? sql`${gone[name]}` : undefined) : sql`${source.column(name)}`;
    const values = columns.map(({ source: owner, name, alias }) => {
      const value = owner === source ? valueOf(name) : undefined;
      // Typed: the union's column types are resolved branch by branch, and an untyped null would make one text.
      const stored = value ?? sql`null::${sql.raw(owner.column(name).getSQLType())}`;
      return sql`${stored} as ${sql.identifier(alias)}`;
    });
    const after = boundOf(rank, since, sinceRank);
    return sql`(select ${xid} as xid, ${sql.raw(String(rank))} as rank, ${id} as id, ${sql.raw(String(deleted))} as deleted,
        ${sql.join(values, sql`, `)}
      from ${table}
      where (${xid}, ${id}) > (${after.xid}::xid8, ${after.id}::uuid) and ${xid} < (select below from horizon)
      order by ${xid}, ${id} limit ${rows})`;
  };
  // The JSON is written only for the page's rows, after the limit: a plan that reads more rows than
  // the page (a fresh table without statistics) then costs a scan, not a JSON document per row.
  const changeOf = (source: FeedSource) => {
    const page = (name: string) => sql`page.${sql.identifier(`${source.kind}.${name}`)}`;
    const kind = feed.kindInChanges ? sql`'kind', ${textLiteral(source.kind)}, ` : sql``;
    const deletion = sql`json_build_object(${kind}'id', ${page('id')}, 'deleted', true, 'version', ${page('version')})::text`;
    const current = jsonOf(source.fields, page, feed.kindInChanges ? { kind: source.kind } : {});
    return sql`case when page.deleted then ${deletion} else ${current} end`;
  };
  const branches = feed.sources.flatMap((source, rank) => [branch(source, rank, false), branch(source, rank, true)]);
  const change =
    feed.sources.length === 1
      ? changeOf(feed.sources[0]!)
      : sql`case page.rank ${sql.join(
          feed.sources.map((source, rank) => sql`when ${sql.raw(String(rank))} then ${changeOf(source)}`),
          sql` `,
        )} end`;
  return sql`
    with horizon as (select pg_snapshot_xmin(pg_current_snapshot()) as below),
    changed as (${sql.join(branches, sql` union all `)})
    select horizon.below::text as horizon,
      (select ${tombstonePurges.purgedThrough}::text from ${tombstonePurges}) as "purgedThrough",
      page.xid::text as xid, page.rank, page.id, ${change} as change
    from horizon left join (select * from changed order by xid, rank, id limit ${rows}) as page on true
    order by page.xid, page.rank, page.id`;
};

type Row = { horizon: string; purgedThrough: string | null } & (
  { xid: string; rank: number; id: string; change: string } | { xid: null }
);

/** Up to `limit` changes of `feed` after `since`, plus one that tells whether more follow. */
export async function readChanges(db: Drizzle, feed: Feed, since: FeedPosition, limit: number): Promise<FeedPage> {
  const { rows } = await db.execute<Row>(feedStatement(feed, since, limit + 1));
  const first = rows[0]!; // the horizon's row is always there, with no change when none is left
  return {
    horizon: first.horizon,
    purgedThrough: first.purgedThrough,
    rows: rows.flatMap((row) =>
      row.xid === null
        ? []
        : [{ xid: row.xid, kind: feed.sources[Number(row.rank)]!.kind, id: row.id, change: row.change }],
    ),
  };
}

/** The feed's SQL and parameters (tests EXPLAIN it). */
export const readChangesSql = (feed: Feed, since: FeedPosition, limit: number): Query =>
  new PgDialect().sqlToQuery(feedStatement(feed, since, limit + 1));
