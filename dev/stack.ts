import { startGateway, type Gateway } from './gateway/server.ts';
import type { LocalDatabase, Login, Upstream } from './gateway/types.ts';
import { generateIssuerKey, loadIssuerKey, LOCAL_ISSUER_KEY_FILE } from './issuer.ts';
import { startEmbedded } from './upstreams/embedded.ts';
import { startPostgres, type PostgresUpstream } from './upstreams/postgres.ts';

export type Backend = 'embedded' | 'postgres';

export interface StackOptions {
  /** 'embedded' (PGlite, the default) or 'postgres' (private Postgres behind PgBouncer, transaction mode). */
  backend?: Backend;
  /** Gateway port on 127.0.0.1; default 4444, 0 = any free port. */
  port?: number;
  /** Added to each HTTP query or batch and each client WebSocket message. */
  latencyMs?: number;
  /** Embedded only: 'memory', or the folder that keeps the data (default .data/pglite). */
  dataDir?: string;
  /**
   * The local issuer's key (served by the gateway as a JWKS): a file, made on
   * first use, or 'memory' for a throwaway one. Default: .data/local-issuer.json,
   * or 'memory' when dataDir is 'memory'.
   */
  issuerKeyFile?: string;
}

export interface Stack {
  backend: Backend;
  gatewayUrl: string;
  /** host:port, the Worker's NEON_LOCAL_GATEWAY. */
  gatewayAddress: string;
  /** The Worker's DATABASE_URL: its login role (member of the application role), pooled (host ends in -pooler, like Neon's). */
  databaseUrl: string;
  /** The tables' owner, direct (no pooler): what migrations, seeding and tests that look past row-level security use. */
  ownerUrl: string;
  gateway: Gateway;
  upstream: Upstream | PostgresUpstream;
  stop(): Promise<void>;
}

/** The local database and its roles (see LocalDatabase); local only, never a production secret. */
export const LOCAL_DATABASE: LocalDatabase = {
  database: 'todo',
  owner: { user: 'todo', password: 'todo-local' },
  worker: { user: 'todo_worker', password: 'worker-local' },
  appRole: 'todo_app',
};

/** A connection string of the local database as `login`, through the pooler or not (Neon tells them apart by the host). */
export const localUrl = ({ user, password }: Login, route: 'pooler' | 'direct', host = 'todo'): string =>
  `postgres://${user}:${password}@${host}${route === 'pooler' ? '-pooler' : ''}.local.test:5432/${LOCAL_DATABASE.database}`;

/** `npm run db`'s plain-TCP Postgres port (dev/gateway/tcp-bridge.ts): the gateway's port + 1. */
export const LOCAL_POSTGRES_PORT = 4445;

/** The tables' owner over plain TCP (`npm run db`'s POSTGRES_URL): what drizzle-kit studio and psql connect to. */
export const localPostgresUrl = (port = LOCAL_POSTGRES_PORT): string =>
  `postgres://${LOCAL_DATABASE.owner.user}:${LOCAL_DATABASE.owner.password}@127.0.0.1:${port}/${LOCAL_DATABASE.database}`;

/**
 * Starts the whole local database stack: an upstream and the Neon-compatible
 * gateway in front of it. `npm run db`, `npm run dev`, the tests and the
 * benchmark all start it through here.
 */
export async function startStack({
  backend = 'embedded',
  port = 4444,
  latencyMs = 0,
  dataDir = '.data/pglite',
  issuerKeyFile,
}: StackOptions = {}): Promise<Stack> {
  const keyFile = issuerKeyFile ?? (dataDir === 'memory' ? 'memory' : LOCAL_ISSUER_KEY_FILE);
  const issuerKey = keyFile === 'memory' ? generateIssuerKey() : loadIssuerKey(keyFile);
  const upstream =
    backend === 'postgres' ? await startPostgres(LOCAL_DATABASE) : await startEmbedded(dataDir, LOCAL_DATABASE);
  let gateway: Gateway;
  try {
    gateway = await startGateway({ upstream, port, latencyMs, issuerKey });
  } catch (err) {
    await upstream.stop();
    throw (err as NodeJS.ErrnoException).code === 'EADDRINUSE'
      ? new Error(`port ${port} is already in use (another "npm run db"?); pick another with --port`)
      : err;
  }
  return {
    backend,
    gatewayUrl: gateway.url,
    gatewayAddress: gateway.address,
    databaseUrl: localUrl(LOCAL_DATABASE.worker, 'pooler'),
    ownerUrl: localUrl(LOCAL_DATABASE.owner, 'direct'),
    gateway,
    upstream,
    async stop() {
      await gateway.close();
      await upstream.stop();
    },
  };
}
