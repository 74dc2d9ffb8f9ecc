import { sql, type SQL } from 'drizzle-orm';

/**
 * A statement that selects rows, or inserts the rows it selects, given in
 * parts, so that whoever runs it can add a condition it cannot lose
 * (executeKeyed's "only if this request claimed the key").
 */
export interface RowsStatement {
  /** `${table} (column, ...)`: the selected rows are inserted there. Absent: they are only selected. */
  insertInto?: SQL;
  /** The select list: one value per column of `insertInto`. */
  select: SQL;
  from?: SQL;
  orderBy?: SQL;
  /** What an insert does with a row whose key is taken, e.g. `(id) do nothing`. */
  onConflict?: SQL;
  /** What an insert returns. */
  returning?: SQL;
}

/** The statement's SQL, its rows limited to those meeting `where` when given. */
export function rowsStatementSql(
  { insertInto, select, from, orderBy, onConflict, returning }: RowsStatement,
  where?: SQL,
): SQL {
  const parts = [
    insertInto && sql`insert into ${insertInto}`,
    sql`select ${select}`,
    from && sql`from ${from}`,
    where && sql`where ${where}`,
    orderBy && sql`order by ${orderBy}`,
    onConflict && sql`on conflict ${onConflict}`,
    returning && sql`returning ${returning}`,
  ];
  return sql.join(
    parts.filter((part) => part !== undefined),
    sql` `,
  );
}
