import { neonConfig } from '@neondatabase/serverless';
import { useLocalGateway } from '../../src/db/local-gateway.ts';

/** Points the unmodified Neon driver at the test stack's gateway; in Node, WebSockets come from `ws`. */
export async function useTestGateway(address: string): Promise<void> {
  if ((globalThis as { navigator?: { userAgent?: string } }).navigator?.userAgent !== 'Cloudflare-Workers') {
    neonConfig.webSocketConstructor = (await import('ws')).default;
  }
  useLocalGateway(address);
}

/**
 * The schema of tests' own tables (made by the global setup, owned by the tables' owner): outside
 * `public`, whose every table must have forced row-level security (test/node/db/row-level-security.test.ts).
 */
export const SCRATCH_SCHEMA = 'test_scratch';

/** A name no other test uses. */
export const scratchName = (prefix: string) => `${prefix}_${crypto.randomUUID().replace(/-/g, '').slice(0, 10)}`;

/** A table (or sequence) name no other test uses, in the scratch schema: create it with the tables' owner's URL. */
export const scratchTable = (prefix: string) => `${SCRATCH_SCHEMA}.${scratchName(prefix)}`;
