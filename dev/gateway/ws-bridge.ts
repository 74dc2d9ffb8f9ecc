import type { IncomingMessage } from 'node:http';
import type { WebSocket } from 'ws';
import { routeOf, sleep, type GatewayStats, type Upstream } from './types.ts';
import { createMessageReader, parseStartup, PROTOCOL_3 } from './wire.ts';

/**
 * Bridges one driver WebSocket (`/v2?address=host:port`) to the upstream's wire
 * protocol, byte for byte. It reads the client's message framing only to see
 * Terminate: the driver never closes its side after sending it, so the bridge
 * closes both ends itself or `client.end()` would hang.
 */
export function bridgeWebSocket(
  ws: WebSocket,
  req: IncomingMessage,
  upstream: Upstream,
  stats: GatewayStats,
  latencyMs: number,
): void {
  const address = new URL(req.url ?? '/', 'http://gateway').searchParams.get('address') ?? '';
  const upstreamStream = upstream.openStream(routeOf(address.split(':')[0] ?? ''));
  const reader = createMessageReader();
  let typed = false; // the startup phase's packets carry no type byte
  let queue = Promise.resolve();
  stats.wsSessions++;
  stats.wsActive++;

  const sawTerminate = (chunk: Uint8Array): boolean => {
    reader.push(chunk);
    for (let msg = reader.next(typed); msg; msg = reader.next(typed)) {
      if (!typed) typed = parseStartup(msg.body).code === PROTOCOL_3;
      else if (msg.type === 'X') return true;
    }
    return false;
  };

  ws.on('message', (data: Buffer) => {
    stats.wsMessages++;
    queue = queue.then(async () => {
      if (latencyMs > 0) await sleep(latencyMs);
      if (upstreamStream.destroyed) return;
      const terminate = sawTerminate(data);
      upstreamStream.write(data);
      if (terminate) {
        upstreamStream.end();
        ws.close();
      }
    });
  });
  upstreamStream.on('data', (chunk: Buffer) => {
    if (ws.readyState === ws.OPEN) ws.send(chunk);
  });
  upstreamStream.on('end', () => ws.close());
  upstreamStream.on('error', () => ws.close(1011, 'upstream connection failed'));
  upstreamStream.on('close', () => ws.close());
  ws.on('close', () => {
    stats.wsActive--;
    upstreamStream.destroy();
  });
  ws.on('error', () => upstreamStream.destroy());
}
