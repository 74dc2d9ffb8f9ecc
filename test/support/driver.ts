import { neonConfig } from '@neondatabase/serverless';
import { useLocalGateway } from '../../src/db/local-gateway.ts';

/** Points the unmodified Neon driver at the test stack's gateway; in Node, WebSockets come from `ws`. */
export async function useTestGateway(address: string): Promise<void> {
  if ((globalThis as { navigator?: { userAgent?: string } }).navigator?.userAgent !== 'Cloudflare-Workers') {
    neonConfig.webSocketConstructor = (await import('ws')).default;
  }
  useLocalGateway(address);
}

/** A table name no other test uses. */
export const scratchTable = (prefix: string) => `${prefix}_${crypto.randomUUID().replace(/-/g, '').slice(0, 10)}`;
