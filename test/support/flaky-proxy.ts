import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** What the proxy does with the n-th request (0-based). */
export type Fate = 'pass' | 'lose-answer' | 'refuse';

/**
 * An HTTP proxy in front of the Worker that injects the failures a client on
 * a real network meets: 'lose-answer' forwards the request, lets the Worker
 * finish it, then cuts the connection before the answer (the write landed,
 * the client cannot know); 'refuse' cuts the connection without forwarding.
 */
export async function flakyProxy(target: string, fate: (n: number) => Fate) {
  let count = 0;
  const relay = async (req: IncomingMessage, res: ServerResponse) => {
    const what = fate(count++);
    if (what === 'refuse') return void req.socket.destroy();
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const headers = Object.fromEntries(Object.entries(req.headers).filter(([name]) => name !== 'host' && name !== 'connection')) as Record<string, string>;
    const answer = await fetch(new URL(req.url!, target), { method: req.method, headers, body: chunks.length ? Buffer.concat(chunks) : undefined });
    const body = Buffer.from(await answer.arrayBuffer());
    if (what === 'lose-answer') return void req.socket.destroy();
    const passed = [...answer.headers].filter(([name]) => !['content-length', 'content-encoding', 'transfer-encoding', 'connection'].includes(name));
    res.writeHead(answer.status, Object.fromEntries(passed));
    res.end(body);
  };
  // A forward that fails (the Worker gone) cuts the client off, as a dead network would, rather than rejecting unheard.
  const server = createServer((req, res) => void relay(req, res).catch(() => req.socket.destroy()));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests: () => count,
    close: () => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }),
  };
}
