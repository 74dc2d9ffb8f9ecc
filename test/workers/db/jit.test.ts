import { env } from 'cloudflare:workers';
import { neon } from '@neondatabase/serverless';
import { sql } from 'drizzle-orm';
import { beforeAll, expect, it } from 'vitest';
import { openDatabase } from '../../../src/db/client.ts';
import { openWsDatabase } from '../../../src/db/ws-database.ts';
import { useTestGateway } from '../../support/driver.ts';

// Postgres compiles a statement whose estimated cost passes jit_above_cost (an import's does) before running it,
// which took longer than the import itself: the Worker's transactions run with JIT off.
beforeAll(() => useTestGateway(env.NEON_LOCAL_GATEWAY!));

const jit = sql`select current_setting('jit') as jit`;
const pending: Promise<unknown>[] = [];
const options = (owner?: string) => ({
  owner: () => owner,
  traceparent: () => undefined,
  waitUntil: (p: Promise<unknown>) => void pending.push(p),
});

it("runs the Worker's statements with JIT off, over HTTP and over WebSocket, with an owner or none", async () => {
  const seen: unknown[] = [];
  for (const owner of ['token:jit', undefined])
    for (const open of [openDatabase, openWsDatabase])
      seen.push((await open(env, options(owner)).query((db) => db.execute(jit), { idempotent: true })).rows[0]);
  await Promise.all(pending);
  expect(seen).toEqual(Array(4).fill({ jit: 'off' }));
  // The upstream's own default, which the Worker's setting overrides (on in Postgres 15).
  const [server] = await neon(env.DATABASE_OWNER_URL).query(`select current_setting('jit') as jit`);
  expect(['on', 'off']).toContain(server!.jit);
});
