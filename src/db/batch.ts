import type { SQL } from 'drizzle-orm';
import { PgDialect } from 'drizzle-orm/pg-core';
import type { Drizzle } from './client.ts';

let dialect: PgDialect | undefined;

/**
 * Runs `statements` in order as ONE transaction in ONE round trip (Neon's HTTP
 * batch), returning each statement's rows. Each statement sees what the
 * earlier ones wrote and, under READ COMMITTED, a fresh snapshot: what a
 * concurrent transaction committed while this one waited for its lock is
 * visible to the statements after the wait.
 *
 * It sends plain text and parameters through the request's Neon client
 * (`db.$client`), so the request's owner (set transaction-locally ahead of
 * every transaction by `ownedClient`) applies to batches too.
 * Drizzle's own `db.batch` is not used: it does not fill `sql.placeholder`s.
 */
export async function runBatch(db: Drizzle, statements: SQL[]): Promise<Record<string, unknown>[][]> {
  const client = db.$client;
  if (typeof client.transaction !== 'function') throw new Error('a batch needs the Neon HTTP client');
  dialect ??= new PgDialect();
  const queries = statements.map((statement) => dialect!.sqlToQuery(statement));
  // The function form: a client that prepends a statement of its own (ownedClient) can build the whole batch.
  return client.transaction((txn) => queries.map(({ sql, params }) => txn.query(sql, params))) as Promise<
    Record<string, unknown>[][]
  >;
}
