/**
 * CONTRACT (implemented by the gateway work, issue 2). Everything that needs a
 * local database (npm run db, npm run dev, tests, bench) starts it through here.
 */
export type Backend = 'embedded' | 'postgres';

export interface StackOptions {
  backend?: Backend;          // default 'embedded'
  port?: number;              // gateway port; default 4444, 0 = any free port
  latencyMs?: number;         // added to each HTTP query and each WebSocket message
  dataDir?: string;           // embedded only: persisted folder (default .data/pglite); 'memory' for tests
  log?: (line: string) => void;
}

export interface Stack {
  backend: Backend;
  gatewayUrl: string;         // http://127.0.0.1:PORT
  gatewayAddress: string;     // 127.0.0.1:PORT (the Worker's NEON_LOCAL_GATEWAY)
  databaseUrl: string;        // pooled (PgBouncer) connection string for the Worker
  directUrl: string;          // direct (non-pooler) connection string for migrations
  stop(): Promise<void>;
}

export async function startStack(_options: StackOptions = {}): Promise<Stack> {
  throw new Error('startStack is not implemented yet');
}
