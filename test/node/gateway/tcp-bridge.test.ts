import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startTcpBridge, type TcpBridge } from '../../../dev/gateway/tcp-bridge.ts';
import { localPostgresUrl, LOCAL_POSTGRES_PORT, startStack, type Stack } from '../../../dev/stack.ts';

// What `npm run db` adds for drizzle-kit studio and psql: plain Postgres over TCP, as the tables' owner.
// Its own embedded stack (in memory), so it runs once per `npm test`, in the embedded run.
describe.runIf(inject('backend') === 'embedded')('the plain-TCP Postgres port of npm run db', () => {
  let stack: Stack;
  let bridge: TcpBridge;

  beforeAll(async () => {
    stack = await startStack({ backend: 'embedded', port: 0, dataDir: 'memory' });
    bridge = await startTcpBridge({ upstream: stack.upstream, port: 0 });
  }, 60_000);
  afterAll(async () => {
    await bridge?.close();
    await stack?.stop();
  });

  it('lets a `pg` client (the driver drizzle-kit picks) log in as the owner, query and end cleanly', async () => {
    const clients = [0, 1].map(() => new pg.Client({ connectionString: localPostgresUrl(bridge.port) }));
    await Promise.all(clients.map((c) => c.connect()));
    const rows = await Promise.all(clients.map((c, i) => c.query('select current_user as who, $1::int as n', [i])));
    expect(rows.map((r) => r.rows[0])).toEqual([
      { who: 'todo', n: 0 },
      { who: 'todo', n: 1 },
    ]);
    await Promise.all(clients.map((c) => c.end()));
  });

  it('refuses a wrong password', async () => {
    const url = new URL(localPostgresUrl(bridge.port));
    url.password = 'wrong';
    const client = new pg.Client({ connectionString: url.href });
    await expect(client.connect()).rejects.toThrow(/password/i);
    await client.end().catch(() => undefined);
  });

  it('is where drizzle.config.ts points drizzle-kit when DIRECT_DATABASE_URL is not set', async () => {
    const saved = process.env.DIRECT_DATABASE_URL;
    delete process.env.DIRECT_DATABASE_URL;
    try {
      const { default: config } = await import('../../../drizzle.config.ts');
      expect(config).toMatchObject({ dbCredentials: { url: localPostgresUrl(LOCAL_POSTGRES_PORT) } });
    } finally {
      if (saved !== undefined) process.env.DIRECT_DATABASE_URL = saved;
    }
  });
});
