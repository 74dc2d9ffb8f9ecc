import { createServer, type AddressInfo, type Socket } from 'node:net';
import type { Upstream } from './types.ts';

export interface TcpBridge {
  port: number;
  close(): Promise<void>;
}

/**
 * Plain Postgres over TCP on 127.0.0.1, to the upstream's direct route (the tables' owner logs in there):
 * for tools that speak the wire protocol over a socket rather than Neon's WebSocket or HTTP, such as
 * `drizzle-kit studio` (it picks the `pg` driver) and psql. Each connection gets its own upstream stream;
 * the client ends it with Terminate and closes its socket, so bytes are piped through unread.
 */
export async function startTcpBridge({
  upstream,
  port = 0,
}: {
  upstream: Upstream;
  port?: number;
}): Promise<TcpBridge> {
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    sockets.add(socket);
    const upstreamStream = upstream.openStream('direct');
    socket.pipe(upstreamStream).pipe(socket);
    const end = () => {
      socket.destroy();
      upstreamStream.destroy();
    };
    socket.on('error', end);
    upstreamStream.on('error', end);
    socket.on('close', () => {
      sockets.delete(socket);
      upstreamStream.destroy();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', (err: NodeJS.ErrnoException) =>
      reject(
        err.code === 'EADDRINUSE' ? new Error(`port ${port} is already in use; pick another with --pg-port`) : err,
      ),
    );
    server.listen(port, '127.0.0.1', () => resolve());
  });
  return {
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
