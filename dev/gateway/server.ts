import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { WebSocketServer } from 'ws';
import { generateIssuerKey, JWKS_PATH, type IssuerKey } from '../issuer.ts';
import { createIssuer, IssuerRequestError } from './issuer.ts';
import { createOidcProvider } from './oidc.ts';
import { createSqlHandler } from './sql-over-http.ts';
import { emptyStats, type Upstream } from './types.ts';
import { bridgeWebSocket } from './ws-bridge.ts';
import { isLoopbackHost } from './loopback-host.ts';

export interface GatewayOptions {
  upstream: Upstream;
  /** Port on 127.0.0.1; 0 picks a free one. */
  port?: number;
  /** Delay added to each HTTP query or batch and each client WebSocket message. */
  latencyMs?: number;
  /** The local issuer's signing key (see dev/issuer.ts); default: a new one, in memory. */
  issuerKey?: IssuerKey;
}

/** Requests to /sql larger than this are refused, as Neon's proxy does (its max_request_size_bytes, taken to be 10 MiB). */
export const MAX_SQL_REQUEST_BYTES = 10 * 1024 * 1024;

/**
 * The local stand-in for Neon's proxy: `POST /sql` (SQL over HTTP), WebSocket
 * `/v2` (wire-protocol bridge), `GET /health`, `GET /stats`, `POST /stats/reset`;
 * and the local identity provider: `GET /.well-known/jwks.json`, `POST /issuer/token`,
 * `/issuer/rotate`, `/issuer/outage` (see ./issuer.ts), its `iss` the gateway's URL; and, with the same
 * key and `iss`, an OpenID provider for the web app (discovery, `/oidc/*`: see ./oidc.ts).
 * Bad requests get a 4xx JSON body; the gateway keeps serving.
 */
export async function startGateway({
  upstream,
  port = 0,
  latencyMs = 0,
  issuerKey = generateIssuerKey(),
}: GatewayOptions) {
  const stats = emptyStats();
  const handleSql = createSqlHandler(upstream, stats, latencyMs);
  const issuer = createIssuer(issuerKey, stats);
  const oidc = createOidcProvider(issuer.signingKey);
  let url = '';
  const sockets = new Set<Socket>();
  const wss = new WebSocketServer({ noServer: true });

  const json = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
    res.writeHead(status, { 'content-type': 'application/json', ...headers });
    res.end(JSON.stringify(body));
  };

  /** The issuer's endpoints: small JSON bodies, answered at once. */
  const handleIssuer = (res: ServerResponse, target: URL, body: string): void => {
    try {
      const parsed: unknown = body === '' ? {} : JSON.parse(body);
      if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
        throw new IssuerRequestError(400, 'the body must be a JSON object');
      const input = parsed as Record<string, unknown>;
      if (target.pathname === JWKS_PATH) {
        const { status, body: jwks } = issuer.jwks(target);
        return json(res, status, jwks, status === 200 ? { 'cache-control': 'no-store' } : {});
      }
      if (target.pathname === '/issuer/token') return json(res, 200, issuer.token(target, url, input));
      if (target.pathname === '/issuer/rotate') return json(res, 200, issuer.rotate(target));
      return json(res, 200, issuer.outage(target, input));
    } catch (err) {
      json(res, err instanceof IssuerRequestError ? err.status : 400, { message: (err as Error).message });
    }
  };

  const handle = (req: IncomingMessage, res: ServerResponse): void => {
    if (!isLoopbackHost(req.headers.host))
      return json(res, 421, { message: 'this gateway answers only loopback names' });
    const target = new URL(req.url ?? '/', 'http://gateway');
    const path = target.pathname;
    if (oidc.handles(path)) {
      readBody(req, res, (body) => oidc.handle(req, res, target, url, body));
      return;
    }
    const allow = (
      {
        '/sql': 'POST',
        '/health': 'GET',
        '/stats': 'GET',
        '/stats/reset': 'POST',
        [JWKS_PATH]: 'GET',
        '/issuer/token': 'POST',
        '/issuer/rotate': 'POST',
        '/issuer/outage': 'POST',
      } as Record<string, string>
    )[path];
    if (!allow) return json(res, 404, { message: `no such endpoint: ${path}` });
    if (req.method !== allow) return json(res, 405, { message: `use ${allow} for ${path}` }, { allow });
    if (path === '/health') return json(res, 200, { status: 'ok', backend: upstream.backend });
    if (path === '/stats') return json(res, 200, { ...stats, jwksRequestsByScope: issuer.jwksRequestsByScope() });
    if (path === '/stats/reset') {
      Object.assign(stats, emptyStats(), { wsActive: stats.wsActive });
      issuer.resetCounters();
      return json(res, 200, { ...stats, jwksRequestsByScope: issuer.jwksRequestsByScope() });
    }
    if (path === JWKS_PATH) return handleIssuer(res, target, '');
    readBody(req, res, (body) => {
      if (path.startsWith('/issuer/')) handleIssuer(res, target, body);
      else void handleSql(req, res, body);
    });
  };

  /** Reads a request's body (413 past MAX_SQL_REQUEST_BYTES), then hands it on as text. */
  const readBody = (req: IncomingMessage, res: ServerResponse, then: (body: string) => void) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_SQL_REQUEST_BYTES) {
        json(res, 413, { message: `request is too large (max is ${MAX_SQL_REQUEST_BYTES} bytes)` });
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => {
      if (!res.headersSent) then(Buffer.concat(chunks).toString('utf8'));
    });
  };

  const server = createServer(handle);
  server.keepAliveTimeout = 60_000;
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  server.on('upgrade', (req, socket, head) => {
    if (!isLoopbackHost(req.headers.host) || new URL(req.url ?? '/', 'http://gateway').pathname !== '/v2') {
      socket.destroy();
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => bridgeWebSocket(ws, req, upstream, stats, latencyMs));
  });

  const listen = (onPort: number) =>
    new Promise<number>((resolve, reject) => {
      server.once('error', reject);
      server.listen(onPort, '127.0.0.1', () => {
        server.off('error', reject);
        resolve((server.address() as AddressInfo).port);
      });
    });
  const close = () =>
    new Promise<void>((resolve) => {
      for (const ws of wss.clients) ws.terminate();
      for (const socket of sockets) socket.destroy();
      server.close(() => resolve());
    });

  const boundPort = await listen(port);
  url = `http://127.0.0.1:${boundPort}`;
  return {
    port: boundPort,
    url,
    address: `127.0.0.1:${boundPort}`,
    stats: () => ({ ...stats }),
    jwksRequestsByScope: issuer.jwksRequestsByScope,
    /** The local issuer's key in the unnamed scope (what `npm run token` signs with when it is the .data/ key). */
    issuerKey,
    close,
    /** Drops every connection and listens again on the same port (fault tests). */
    async restart(): Promise<void> {
      await close();
      await listen(boundPort);
    },
  };
}
export type Gateway = Awaited<ReturnType<typeof startGateway>>;
