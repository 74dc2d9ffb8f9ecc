import { Column, fillPlaceholders, is, SQL, type DriverValueDecoder, type Query } from 'drizzle-orm';
import { drizzle } from 'drizzle-orm/neon-http';
import type { SelectedFields } from 'drizzle-orm/pg-core';
import type { Drizzle } from './client.ts';

/** An SQL expression, with its decoder (Drizzle's `SQL.decoder`, internal in its types). */
type Decoded = { decoder: DriverValueDecoder<unknown, unknown> };

/** What a compiled query is built with: Drizzle with no client, which writes SQL and never runs any. */
export type QueryBuilder = ReturnType<typeof drizzle.mock>;

/** A Drizzle query under construction: it can say its SQL, and its rows are `Row`. */
interface Buildable<Row> extends PromiseLike<Row[]> {
  toSQL(): Query;
}

export interface CompiledQuery<Shape, Row> {
  /** Runs the query of this shape on the request's database, with `values` for its `sql.placeholder(name)`s. */
  run(db: Drizzle, shape: Shape, values: Record<string, unknown>): Promise<Row[]>;
  /** The SQL of this shape and its parameters, placeholders filled with `values` (for EXPLAIN in tests). */
  sql(shape: Shape, values: Record<string, unknown>): Query;
}

/**
 * A query Drizzle writes once per isolate and shape, then runs per request
 * with that request's values.
 *
 * Building SQL from Drizzle's query tree (walking it, quoting names, its
 * entity checks) costs CPU on every request, for a text that depends only on
 * the query's shape (which filters, which order); docs/performance.md has the
 * profile. So the first request of each shape builds it, with `sql.placeholder(name)`
 * for every value, and later ones only fill the placeholders. What is sent is
 * still plain text and parameters, an unnamed statement: nothing is kept in a
 * database session, so PgBouncer's transaction mode is safe. Rows are decoded
 * as Drizzle decodes them (below). `selection` must be what the query selects or
 * returns: a flat object of columns and SQL expressions.
 */
export function compiledQuery<Shape, Row>(
  selection: SelectedFields,
  build: (db: QueryBuilder, shape: Shape) => Buildable<Row>,
  shapeKey: (shape: Shape) => string = () => '',
): CompiledQuery<Shape, Row> {
  // A flat selection's row is its keys in order, each decoded as Drizzle's row mapper decodes that field (a column
  // by its type, an SQL expression by its decoder), null staying null. Worked out here once: Drizzle's mapper asks
  // `is(field, Column)` of every field of every row and walks each one's path, per request.
  const names = Object.keys(selection);
  const decoders = Object.values(selection).map((field): DriverValueDecoder<unknown, unknown> =>
    is(field, Column) ? field : ((is(field, SQL) ? field : (field as SQL.Aliased).sql) as unknown as Decoded).decoder,
  );
  const toRow = (values: unknown[]) => {
    const row: Record<string, unknown> = {};
    for (let i = 0; i < names.length; i++) {
      const value = values[i];
      row[names[i]!] = value === null ? null : decoders[i]!.mapFromDriverValue(value);
    }
    return row as Row;
  };
  const queries = new Map<string, Query>();
  const queryOf = (shape: Shape): Query => {
    const key = shapeKey(shape);
    let query = queries.get(key);
    if (!query) {
      query = build(builder(), shape).toSQL();
      queries.set(key, query);
    }
    return query;
  };
  return {
    async run(db, shape, values) {
      // Straight to the request's client, as Drizzle's neon-http session would send it (array rows, full results):
      // plain text and parameters, nothing prepared in the session, which PgBouncer would not keep; without a
      // prepared-query object per request.
      const { sql, params } = queryOf(shape);
      const result = await db.$client.query(sql, fillPlaceholders(params, values), {
        arrayMode: true,
        fullResults: true,
      });
      return (result.rows as unknown[][]).map(toRow);
    },
    sql(shape, values) {
      const { sql, params } = queryOf(shape);
      return { sql, params: fillPlaceholders(params, values) };
    },
  };
}

let mock: QueryBuilder | undefined;
/** Made on first use, not at module evaluation (startup is cold-start time). */
const builder = () => (mock ??= drizzle.mock());
