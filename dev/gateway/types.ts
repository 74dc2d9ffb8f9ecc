import type { Duplex } from 'node:stream';
import type { ClientConfig } from 'pg';

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
