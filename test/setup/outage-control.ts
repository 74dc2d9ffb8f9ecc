import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { outageProxy, type OutageProxy } from '../support/outage-proxy.ts';

/**
 * Lets tests inside workerd, which cannot start servers, have outage proxies
 * (test/support/outage-proxy.ts) in front of the gateway, each test its own:
 * `POST /proxies` (JSON options) answers `{id, address}`; then
 * `POST /proxies/:id/down`, `POST /proxies/:id/up`, `DELETE /proxies/:id`.
 */
export async function startOutageControl(gatewayAddress: string) {
  const proxies = new Map<string, OutageProxy>();
  let next = 0;
  // A handler that fails (the target gone) cuts the client off, as a dead network would, rather than leaving it hanging.
  const server = createServer(
    (req, res) =>
      void (async () => {
        const answer = (status: number, body?: unknown) => {
          res.writeHead(status, body === undefined ? {} : { 'content-type': 'application/json' });
          res.end(body === undefined ? undefined : JSON.stringify(body));
        };
        try {
          const [, , id, action] = (req.url ?? '').split('/');
          if (req.method === 'POST' && req.url === '/proxies') {
            let text = '';
            for await (const chunk of req) text += chunk;
            const proxy = await outageProxy(gatewayAddress, text ? JSON.parse(text) : {});
            const name = String(next++);
            proxies.set(name, proxy);
            return answer(201, { id: name, address: proxy.address });
          }
          const proxy = proxies.get(id ?? '');
          if (!proxy) return answer(404, { message: `no proxy ${id}` });
          if (req.method === 'POST' && (action === 'down' || action === 'up')) await proxy[action]();
          else if (req.method === 'DELETE' && action === undefined) {
            await proxy.close();
            proxies.delete(id!);
          } else return answer(405, { message: `${req.method} ${req.url}` });
          answer(204);
        } catch (err) {
          answer(500, { message: (err as Error).message });
        }
      })().catch(() => req.socket.destroy()),
  );
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    async stop() {
      await Promise.all([...proxies.values()].map((proxy) => proxy.close()));
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
