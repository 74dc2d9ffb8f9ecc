import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { forward, readBody } from './forward.ts';

/**
 * What the proxy does with the n-th request (0-based): 'pass' it on; 'lose-answer' forwards it,
 * lets the Worker finish it, then cuts the connection before the answer (the write landed, the
 * client cannot know); 'refuse' cuts the connection without forwarding; `{ status, retryAfter }`
 * answers that itself (a 429 or 5xx problem), without forwarding.
 */
export type Fate = 'pass' | 'lose-answer' | 'refuse' | { status: number; retryAfter?: string };

/** Where each request arrived: its path and the time (performance.now()) it came. */
export interface Arrival {
  path: string;
  at: number;
}

/**
 * An HTTP proxy in front of the Worker that injects the failures a client on
 * a real network meets. With `prefix`, it serves the Worker under that path
 * (an API behind a reverse proxy), answering 404 elsewhere.
 */
export async function flakyProxy(target: string, fate: (n: number) => Fate, { prefix = '' }: { prefix?: string } = {}) {
  const arrivals: Arrival[] = [];
  // A handler that fails (the target gone) cuts the client off, as a dead network would, rather than leaving it hanging.
  const server = createServer(
    (req: IncomingMessage, res: ServerResponse) =>
      void (async () => {
        const what = fate(arrivals.length);
        arrivals.push({ path: req.url!, at: performance.now() });
        if (what === 'refuse') return void req.socket.destroy();
        const body = await readBody(req);
        if (typeof what === 'object') {
          res.writeHead(what.status, {
            'content-type': 'application/problem+json',
            ...(what.retryAfter ? { 'retry-after': what.retryAfter } : {}),
          });
          return void res.end(
            JSON.stringify({
              type: 'about:blank',
              status: what.status,
              title: 'Injected',
              detail: `injected ${what.status}`,
            }),
          );
        }
        if (!req.url!.startsWith(`${prefix}/`)) {
          res.writeHead(404);
          return void res.end();
        }
        const answer = await forward(req, body, new URL(req.url!.slice(prefix.length), target));
        if (what === 'lose-answer') return void req.socket.destroy();
        res.writeHead(answer.status, answer.headers);
        res.end(answer.body);
      })().catch(() => req.socket.destroy()),
  );
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests: () => arrivals.length,
    arrivals: () => [...arrivals],
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
