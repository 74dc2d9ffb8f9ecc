import { neon } from '@neondatabase/serverless';
import { SET_OWNER_SQL } from '../src/db/client.ts';
import { RLS_BYPASSED_SQLSTATE, sqlState } from '../src/db/errors.ts';
import { useLocalGateway } from '../src/db/local-gateway.ts';

/**
 * Runs the Worker's first statement (`SET_OWNER_SQL`, the role check of
 * migrations/0008_row_level_security_guard.sql) through `databaseUrl`, as the
 * Worker will, and refuses a role that row-level security does not bind: a
 * superuser, a role with BYPASSRLS (every role Neon's Console, CLI or API makes),
 * the tables' owner or a member of it. Such a Worker would answer every
 * database route with a 500. Needs the migrations applied. Returns what it checked.
 */
export async function checkWorkerRole(
  databaseUrl: string,
  { localGateway }: { localGateway?: string } = {},
): Promise<string> {
  useLocalGateway(localGateway);
  try {
    await neon(databaseUrl).query(SET_OWNER_SQL, ['']);
  } catch (err) {
    const reason = (err as Error).message;
    if (sqlState(err) === RLS_BYPASSED_SQLSTATE) {
      throw new Error(
        `cannot deploy: DATABASE_URL logs in as a role that row-level security does not bind (${reason}): make the Worker's role with SQL, a member of todo_app only, as the README's Deploying section says, and put its pooled URL in DATABASE_URL`,
      );
    }
    throw new Error(`cannot deploy: the Worker's first statement failed through DATABASE_URL: ${reason}`);
  }
  return "DATABASE_URL's role is bound by row-level security (no superuser, no BYPASSRLS, owns no table)";
}
