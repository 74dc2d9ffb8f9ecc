import { neon } from '@neondatabase/serverless';
import { SET_OWNER_SQL } from '../../src/db/client.ts';

/**
 * The plan Postgres picks for `query`, run as the Worker runs it (its role at
 * `databaseUrl`, `owner` set), when it may not use the plan nodes in `disabled`
 * (`enable_<name> = off`: a sequential scan by default). A disabled node still
 * appears when no plan does without it, so a test that forbids it sees it.
 */
export async function planOf(
  databaseUrl: string,
  owner: string,
  query: { sql: string; params: unknown[] },
  disabled = ['seqscan'],
) {
  const sql = neon(databaseUrl);
  const results = await sql.transaction([
    sql.query(SET_OWNER_SQL, [owner]),
    ...disabled.map((name) => sql.query(`set local enable_${name} = off`)),
    sql.query(`explain ${query.sql}`, query.params),
  ]);
  return (results.at(-1) as { 'QUERY PLAN': string }[]).map((r) => r['QUERY PLAN']).join('\n');
}
