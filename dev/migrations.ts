import { neonConfig, Pool } from '@neondatabase/serverless';
import { drizzle } from 'drizzle-orm/neon-serverless';
import { migrate } from 'drizzle-orm/neon-serverless/migrator';
import ws from 'ws';
import { useLocalGateway } from '../src/db/local-gateway.ts';

/**
 * Applies migrations/ to `url` through a real transactional connection (the
 * driver's WebSocket Pool): drizzle runs all pending files in one transaction,
 * so a failing migration leaves nothing half-applied. Use Neon's DIRECT
 * (non-pooler) URL: DDL does not belong behind a transaction pooler.
 */
export async function applyMigrations(url: string, { localGateway }: { localGateway?: string } = {}): Promise<void> {
  neonConfig.webSocketConstructor = ws;
  useLocalGateway(localGateway);
  const pool = new Pool({ connectionString: url });
  try {
    await migrate(drizzle({ client: pool }), { migrationsFolder: new URL('../migrations', import.meta.url).pathname });
  } finally {
    await pool.end();
  }
}
