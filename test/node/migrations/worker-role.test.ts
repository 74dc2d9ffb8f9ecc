import { readFileSync } from 'node:fs';
import { neonConfig, Pool } from '@neondatabase/serverless';
import ws from 'ws';
import { describe, expect, inject, it } from 'vitest';
import { useLocalGateway } from '../../../src/db/local-gateway.ts';

// The README's runbook for DATABASE_URL ("Rotating DATABASE_URL without an outage"): the grants the
// Worker's role needs today. Kept here verbatim, and the README is checked to say the same.
export const WORKER_ROLE_SQL = `CREATE ROLE todo_worker NOLOGIN;
GRANT USAGE ON SCHEMA public TO todo_worker;
GRANT SELECT, INSERT, UPDATE, DELETE ON todos, idempotency_keys TO todo_worker;
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO todo_worker;
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT USAGE ON SEQUENCES TO todo_worker;`;

/** Every kind of statement the Worker runs (src/todos/queries.ts, src/idempotency/), as the role. */
const WORKER_STATEMENTS = [
  `INSERT INTO todos (text) VALUES ('as the worker') RETURNING id`,
  `SELECT id, text, done FROM todos ORDER BY created_at DESC, id DESC LIMIT 1`,
  `UPDATE todos SET done = true, updated_at = greatest(now(), updated_at + interval '1 microsecond') WHERE text = 'as the worker' RETURNING id`,
  `INSERT INTO idempotency_keys (scope, key, request_hash, response) VALUES ('s', 'k', 'h', '')
     ON CONFLICT (scope, key) DO UPDATE SET request_hash = excluded.request_hash, response = '', created_at = now() WHERE idempotency_keys.created_at < now() - interval '24 hours'`,
  `SELECT idempotency_keys.xmin = pg_current_xact_id()::xid AS created, response FROM idempotency_keys WHERE scope = 's' AND key = 'k'`,
  `DELETE FROM idempotency_keys WHERE (scope, key) IN (SELECT scope, key FROM idempotency_keys WHERE created_at < now() - interval '24 hours' ORDER BY created_at LIMIT 10)`,
  `DELETE FROM todos WHERE text = 'as the worker' RETURNING id`,
];

// CREATE ROLE needs a role that may create roles: the embedded upstream's session (a superuser) may; the local
// Postgres's owner role, like the tables' owner anywhere without CREATEROLE, may not.
describe.runIf(inject('backend') === 'embedded')("the Worker's role (README runbook)", () => {
  async function asOwner<T>(work: (query: (text: string) => Promise<unknown>) => Promise<T>): Promise<T> {
    neonConfig.webSocketConstructor = ws;
    useLocalGateway(inject('gatewayAddress'));
    const pool = new Pool({ connectionString: inject('directUrl'), max: 1 });
    const client = await pool.connect();
    try {
      return await work((text) => client.query(text));
    } finally {
      client.release();
      await pool.end();
    }
  }
  /** Runs the Worker's statements as todo_worker inside a transaction that is rolled back. */
  const runAsWorker = (query: (text: string) => Promise<unknown>) => (async () => {
    await query('BEGIN');
    try {
      await query('SET LOCAL ROLE todo_worker');
      for (const statement of WORKER_STATEMENTS) await query(statement);
    } finally {
      await query('ROLLBACK');
    }
  })();

  it('is what the README says', () => {
    expect(readFileSync('README.md', 'utf8')).toContain(WORKER_ROLE_SQL);
  });

  // No grant on todos_id_seq: an identity column draws its value without a sequence privilege.
  it('can run every kind of statement the Worker runs, with those grants and no more', async () => {
    await asOwner(async (query) => {
      for (const statement of WORKER_ROLE_SQL.split(';\n')) await query(statement);
      await runAsWorker(query);
      // Privileges are really checked (so the run above means something): without DELETE the cleanup and
      // DELETE /todos/{id} fail, and nothing beyond the grants is allowed.
      await query('REVOKE DELETE ON idempotency_keys FROM todo_worker');
      await expect(runAsWorker(query)).rejects.toThrow('permission denied for table idempotency_keys');
      await query('GRANT DELETE ON idempotency_keys TO todo_worker');
      await query('BEGIN');
      try {
        await query('SET LOCAL ROLE todo_worker');
        await expect(query('TRUNCATE todos')).rejects.toThrow('permission denied for table todos');
      } finally {
        await query('ROLLBACK');
      }
    });
  });
});
