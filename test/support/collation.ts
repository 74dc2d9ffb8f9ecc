import type { Query } from './owned-catalog.ts';

/**
 * The collation `table.column` compares with, as the catalog records it (a column of a domain type
 * gets the domain's): "C" for a position column, whose keys must sort byte-wise.
 */
export async function columnCollation(query: Query, table: string, column: string): Promise<string | undefined> {
  const [row] = await query(
    `select c.collname from pg_attribute a join pg_collation c on c.oid = a.attcollation
     where a.attrelid = $1::regclass and a.attname = $2 and not a.attisdropped`,
    [table, column],
  );
  return row?.collname as string | undefined;
}
