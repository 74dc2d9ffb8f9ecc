import type { Duplex } from 'node:stream';
import type { ClientConfig } from 'pg';

/** A login: a connection string's user and password. */
export interface Login {
  user: string;
  password: string;
}

/**
 * The local database and its roles, as on Neon after the README's deploy
 * steps: the tables' `owner` (it runs the migrations, over the direct URL),
 * the application role `appRole` (NOLOGIN; what the migrations grant to and
 * the policies name), and the Worker's login role `worker`, a member of it
 * that owns nothing and does not bypass row-level security.
 */
export interface LocalDatabase {
  database: string;
  owner: Login;
  worker: Login;
  appRole: string;
}

/** Where a connection goes: Neon routes hosts ending in `-pooler` through PgBouncer. */
export type Route = 'pooler' | 'direct';

/** What the gateway needs of a database behind it. */
export interface Upstream {
  backend: 'embedded' | 'postgres';
  /** A raw Postgres wire-protocol byte stream for the WebSocket bridge. */
  openStream(route: Route): Duplex;
  /** `pg` client settings reaching the same place, for the HTTP path. */
  pgTarget(route: Route): Pick<ClientConfig, 'host' | 'port' | 'stream'>;
  stop(): Promise<void>;
}

/** Counters served at GET /stats: tests and the benchmark count round trips with them. */
export interface GatewayStats {
  httpRequests: number;
  httpQueries: number;
  httpBatches: number;
  batchStatements: number;
  httpErrors: number;
  wsSessions: number;
  wsActive: number;
  wsMessages: number;
  /** GET /.well-known/jwks.json answered (every issuer scope, outages included): key fetches by Workers. Per scope: /stats `jwksRequestsByScope`. */
  jwksRequests: number;
}

export function emptyStats(): GatewayStats {
  return {
    httpRequests: 0,
    httpQueries: 0,
    httpBatches: 0,
    batchStatements: 0,
    httpErrors: 0,
    wsSessions: 0,
    wsActive: 0,
    wsMessages: 0,
    jwksRequests: 0,
  };
}

/** The route a connection string's host asks for, as Neon decides it. */
export function routeOf(host: string): Route {
  return (host.split('.')[0] ?? '').endsWith('-pooler') ? 'pooler' : 'direct';
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
