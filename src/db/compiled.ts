import { fillPlaceholders, type Query } from 'drizzle-orm';
import { drizzle } from 'drizzle-orm/neon-http';
import type { SelectedFields, SelectedFieldsOrdered } from 'drizzle-orm/pg-core';
import type { Drizzle } from './client.ts';

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
 * entity checks) took about 5% of a list request's CPU in a profile, on every
 * request, for a text that depends only on the query's shape (which filters,
 * which order). So the first request of each shape builds it, with `sql.placeholder(name)`
 * for every value, and later ones only fill the placeholders. What is sent is
 * still plain text and parameters, an unnamed statement: nothing is kept in a
 * database session, so PgBouncer's transaction mode is safe. Rows are mapped
 * by Drizzle, as for any query. `selection` must be what the query selects or
 * returns: a flat object of columns and SQL expressions.
 */
export function compiledQuery<Shape, Row>(
  selection: SelectedFields,
  build: (db: QueryBuilder, shape: Shape) => Buildable<Row>,
  shapeKey: (shape: Shape) => string = () => '',
): CompiledQuery<Shape, Row> {
  // Drizzle's own order for a flat selection: its keys in order, each the path of one column of the result.
  const fields: SelectedFieldsOrdered = Object.entries(selection).map(([name, field]) => ({
    path: [name],
    field: field as SelectedFieldsOrdered[number]['field'],
  }));
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
    run(db, shape, values) {
      // An unnamed statement (no name): nothing prepared in the session, which PgBouncer would not keep.
      return db._.session
        .prepareQuery<{ execute: Row[]; all: unknown; values: unknown }>(queryOf(shape), fields, undefined, true)
        .execute(values);
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
