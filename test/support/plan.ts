import { neon } from '@neondatabase/serverless';
import { SET_OWNER_SQL } from '../../src/db/client.ts';

/**
 * The plan Postgres picks for `query`, run as the Worker runs it (its role at
 * `databaseUrl`, `owner` set), when it may not scan a table sequentially.
 */
export async function planOf(databaseUrl: string, owner: string, query: { sql: string; params: unknown[] }) {
  const sql = neon(databaseUrl);
  const [, , rows] = await sql.transaction([
    sql.query(SET_OWNER_SQL, [owner]),
    sql.query('set local enable_seqscan = off'),
    sql.query(`explain ${query.sql}`, query.params),
  ]);
  return (rows as { 'QUERY PLAN': string }[]).map((r) => r['QUERY PLAN']).join('\n');
}
