import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { forward, readBody } from './forward.ts';

export interface OutageProxyOptions {
  /** Forward this many requests, then drop the connection of every later one (default: never). */
  failAfter?: number;
}

/**
 * An HTTP proxy in front of the gateway that a test can take down and bring
 * back, so a Worker pointed at it (NEON_LOCAL_GATEWAY) meets a real outage:
 * down, it stops listening and drops its open connections (the database is
 * unreachable: connections are refused); up, it listens on the same port again.
 */
export async function outageProxy(target: string, { failAfter = Infinity }: OutageProxyOptions = {}) {
  let forwarded = 0;
  const sockets = new Set<Socket>();
  // A handler that fails (the target gone) cuts the client off, as a dead network would, rather than leaving it hanging.
  const server = createServer(
    (req: IncomingMessage, res: ServerResponse) =>
      void (async () => {
        res.on('error', () => undefined); // a connection dropped by down() while its answer was on the way
        if (forwarded >= failAfter) return void req.socket.destroy();
        forwarded++;
        try {
          const answer = await forward(req, await readBody(req), `http://${target}${req.url}`);
          res.writeHead(answer.status, answer.headers);
          res.end(answer.body);
        } catch {
          req.socket.destroy();
        }
      })().catch(() => req.socket.destroy()),
  );
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  const listen = (port: number) =>
    new Promise<number>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => {
        server.off('error', reject);
        resolve((server.address() as AddressInfo).port);
      });
    });
  const stop = () =>
    new Promise<void>((resolve) => {
      for (const socket of sockets) socket.destroy();
      if (!server.listening) return resolve();
      server.close(() => resolve());
    });
  const port = await listen(0);
  return {
    address: `127.0.0.1:${port}`,
    /** The outage begins: from now on, connections are refused. */
    down: stop,
    /** The database is back, at the same address. */
    up: async () => {
      if (!server.listening) await listen(port);
    },
    close: stop,
  };
}
export type OutageProxy = Awaited<ReturnType<typeof outageProxy>>;
