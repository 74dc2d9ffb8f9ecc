/**
 * What a change feed reads, declared per feed: each kind of thing it carries
 * (a source: its live table and its tombstones) and how its tokens and its
 * changes are marked. One implementation (statement.ts, token.ts, serve.ts)
 * serves every feed: GET /todos/changes reads one source, GET /changes two.
 */
import type { AnyColumn } from 'drizzle-orm';
import type { PgColumn, PgTable } from 'drizzle-orm/pg-core';
import type { Fields } from '../lib/fields.ts';

/** One kind of thing in a feed: its rows, each at the transaction that last wrote it, and its tombstones. */
export interface FeedSource {
  /** Its name in tokens and, when the feed says so, in each change (`"kind": "list"`). */
  kind: string;
  fields: Fields;
  /** The live table: every field's column under the field's name, and the row's feed position. */
  table: PgTable;
  changedXid: AnyColumn;
  id: AnyColumn;
  /** The field named `name`'s column. */
  column: (name: string) => PgColumn;
  /** Where its deletions are kept: the id, the version the deletion made, and the deleting transaction. */
  tombstones: { table: PgTable; id: AnyColumn; version: AnyColumn; deletedXid: AnyColumn };
}

/** A table whose fields' columns are keyed by the fields' names (as columnsOf makes them), with its feed position. */
type FeedTable = PgTable & { changedXid: AnyColumn; id: AnyColumn };
type Tombstones = PgTable & { id: AnyColumn; version: AnyColumn; deletedXid: AnyColumn };

/** A feed source from a resource's declaration, its table and its tombstones' table. */
export function feedSource(kind: string, fields: Fields, table: FeedTable, tombstones: Tombstones): FeedSource {
  const { id, version, deletedXid } = tombstones;
  return {
    kind,
    fields,
    table,
    changedXid: table.changedXid,
    id: table.id,
    column: (name) => (table as unknown as Record<string, PgColumn>)[name]!,
    tombstones: { table: tombstones, id, version, deletedXid },
  };
}

export interface Feed {
  /** The route that serves it, as its answers and problems name it (`GET /changes`). */
  route: string;
  /**
   * Its tokens' marker, so that one feed's token is refused by another. Null: the todos feed, whose
   * tokens carried no marker before there was a second feed, and still carry none.
   */
  marker: string | null;
  /** Its kinds, in the order changes of one transaction are handed out (a list before the todos it holds). */
  sources: readonly FeedSource[];
  /** Whether each change names its kind: a feed of one kind keeps the JSON it always had. */
  kindInChanges: boolean;
}
