import { neonConfig, Pool, type PoolClient } from '@neondatabase/serverless';
import ws from 'ws';
import { inject } from 'vitest';
import { useLocalGateway } from '../../src/db/local-gateway.ts';

/**
 * Runs `body` on one connection of `url` (through the local gateway, from Node) inside a transaction that is
 * rolled back whatever happens: nothing it writes is seen by other files.
 */
export async function inRolledBackTransaction<T>(url: string, body: (client: PoolClient) => Promise<T>): Promise<T> {
  neonConfig.webSocketConstructor = ws;
  useLocalGateway(inject('gatewayAddress'));
  const pool = new Pool({ connectionString: url, max: 1 });
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    try {
      return await body(client);
    } finally {
      await client.query('ROLLBACK');
    }
  } finally {
    client.release();
    await pool.end();
  }
}
