import type { IncomingMessage, ServerResponse } from 'node:http';
import pg from 'pg';
import { routeOf, sleep, type GatewayStats, type Upstream } from './types.ts';

/** Every type comes back as Postgres text, so the driver's own parsers run (Neon-Raw-Text-Output). */
const rawText = { getTypeParser: () => (value: string) => value };

/** The error fields the driver copies onto NeonDbError. */
const ERROR_FIELDS = [
  'severity',
  'code',
  'detail',
  'hint',
  'position',
  'internalPosition',
  'internalQuery',
  'where',
  'schema',
  'table',
  'column',
  'dataType',
  'constraint',
  'file',
  'line',
  'routine',
] as const;

const ISOLATION: Record<string, string> = {
  ReadUncommitted: 'READ UNCOMMITTED',
  ReadCommitted: 'READ COMMITTED',
  RepeatableRead: 'REPEATABLE READ',
  Serializable: 'SERIALIZABLE',
};

interface QueryData {
  query: string;
  params?: unknown[];
}
class BadRequest extends Error {}

/**
 * Neon's SQL-over-HTTP endpoint (`POST /sql`): one statement, or a batch run in
 * one transaction, on a connection from a small pool per (route, credentials),
 * as Neon's proxy keeps one. Postgres errors answer 400 with every field the
 * driver reads; an unreachable upstream answers 503.
 */
export function createSqlHandler(upstream: Upstream, stats: GatewayStats, latencyMs: number) {
  const pools = new Map<string, Promise<pg.Pool>>();

  const poolFor = (connectionString: string): Promise<pg.Pool> => {
    let url: URL;
    try {
      url = new URL(connectionString);
    } catch {
      throw new BadRequest('Neon-Connection-String is not a valid URL');
    }
    const route = routeOf(url.hostname);
    const config = {
      ...upstream.pgTarget(route),
      user: decodeURIComponent(url.username),
      password: decodeURIComponent(url.password),
      database: decodeURIComponent(url.pathname.slice(1)),
    };
    const key = JSON.stringify([route, config.user, config.password, config.database]);
    let pool = pools.get(key);
    if (!pool) {
      pool = openPool(config, route === 'pooler' ? { ...config, ...upstream.pgTarget('direct') } : undefined);
      pools.set(key, pool);
      pool.catch(() => pools.delete(key));
    }
    return pool;
  };

  const run = async (client: pg.PoolClient, q: QueryData, arrayMode: boolean, raw: boolean) => {
    if (typeof q?.query !== 'string') throw new BadRequest('each query needs a "query" string');
    if (q.params !== undefined && !Array.isArray(q.params)) throw new BadRequest('"params" must be an array');
    const result = await client.query({
      text: q.query,
      values: q.params ?? [],
      rowMode: arrayMode ? 'array' : undefined,
      types: raw ? rawText : undefined,
      queryMode: 'extended', // like Neon: one statement per query, never the simple protocol
    } as pg.QueryConfig);
    return {
      command: result.command,
      rowCount: result.rowCount,
      rows: result.rows,
      fields: result.fields.map((f) => ({ ...f, format: 'text' })),
      rowAsArray: arrayMode,
    };
  };

  const execute = async (req: IncomingMessage, body: unknown) => {
    const connectionString = req.headers['neon-connection-string'];
    if (typeof connectionString !== 'string') throw new BadRequest('missing Neon-Connection-String header');
    if (typeof body !== 'object' || body === null) throw new BadRequest('body must be a JSON object');
    const raw = req.headers['neon-raw-text-output'] === 'true';
    const arrayMode = req.headers['neon-array-mode'] === 'true';
    const { queries } = body as { queries?: QueryData[] };
    const isBatch = queries !== undefined;
    if (isBatch && !Array.isArray(queries)) throw new BadRequest('"queries" must be an array');
    const begin = isBatch ? beginStatement(req) : '';

    if (latencyMs > 0) await sleep(latencyMs);
    const client = await (await poolFor(connectionString)).connect();
    let broken: Error | undefined;
    try {
      if (!isBatch) {
        stats.httpQueries++;
        return await run(client, body as QueryData, arrayMode, raw);
      }
      stats.httpBatches++;
      stats.batchStatements += queries.length;
      await client.query(begin);
      try {
        const results = [];
        for (const q of queries) results.push(await run(client, q, arrayMode, raw));
        await client.query('COMMIT');
        return { results };
      } catch (err) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw err;
      }
    } catch (err) {
      if (!isDatabaseError(err)) broken = err as Error;
      throw err;
    } finally {
      client.release(broken);
    }
  };

  return async function handleSql(req: IncomingMessage, res: ServerResponse, body: string): Promise<void> {
    stats.httpRequests++;
    let parsed: unknown;
    try {
      parsed = JSON.parse(body);
    } catch {
      return reply(res, 400, { message: 'request body is not valid JSON' }, stats);
    }
    try {
      reply(res, 200, await execute(req, parsed), stats);
    } catch (err) {
      if (err instanceof BadRequest) return reply(res, 400, { message: err.message }, stats);
      if (isDatabaseError(err)) return reply(res, 400, errorBody(err), stats);
      reply(res, 503, { message: `could not reach the database: ${(err as Error).message}` }, stats);
    }
  };

  function beginStatement(req: IncomingMessage): string {
    const level = req.headers['neon-batch-isolation-level'];
    if (level !== undefined && !ISOLATION[String(level)])
      throw new BadRequest(`unknown Neon-Batch-Isolation-Level: ${String(level)}`);
    const parts = ['BEGIN'];
    if (level) parts.push(`ISOLATION LEVEL ${ISOLATION[String(level)]}`);
    if (req.headers['neon-batch-read-only'] === 'true') parts.push('READ ONLY');
    if (req.headers['neon-batch-deferrable'] === 'true') parts.push('DEFERRABLE');
    return parts.join(' ');
  }
}

/**
 * A pool of upstream connections for one set of credentials. Like Neon's proxy,
 * the credentials are first checked against Postgres itself (`verifyAt`, the
 * direct route) so that a wrong password or database fails as Postgres says it
 * (28P01, 3D000) rather than as PgBouncer words it (08P01).
 */
async function openPool(config: pg.ClientConfig, verifyAt?: pg.ClientConfig): Promise<pg.Pool> {
  if (verifyAt) {
    const probe = new pg.Client(verifyAt);
    try {
      await probe.connect();
    } finally {
      await probe.end().catch(() => undefined);
    }
  }
  const pool = new pg.Pool({ ...config, max: 20, idleTimeoutMillis: 10_000, connectionTimeoutMillis: 10_000 });
  // A server going away makes its connections emit 'error', idle or checked out. The query in flight
  // rejects on its own and the pool discards the dead connection; the gateway must not crash.
  pool.on('error', () => undefined);
  pool.on('connect', (client) => client.on('error', () => undefined));
  return pool;
}

function isDatabaseError(err: unknown): err is pg.DatabaseError {
  return (
    err instanceof pg.DatabaseError ||
    (typeof (err as { code?: unknown })?.code === 'string' && /^[0-9A-Z]{5}$/.test((err as { code: string }).code))
  );
}

function errorBody(err: pg.DatabaseError): Record<string, unknown> {
  const body: Record<string, unknown> = { message: err.message };
  for (const field of ERROR_FIELDS) if (err[field] !== undefined) body[field] = err[field];
  return body;
}

function reply(res: ServerResponse, status: number, body: unknown, stats: GatewayStats): void {
  if (status >= 400) stats.httpErrors++;
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}
