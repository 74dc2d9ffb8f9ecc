import * as real from '@neondatabase/serverless';
import { spawnSync } from 'node:child_process';
import { pathToFileURL } from 'node:url';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { writeWorkerDriver } from '../../../dev/worker-driver.mjs';

// The Worker's build of the Neon driver (dev/worker-driver.mjs; wrangler.jsonc and the workers tests alias the
// driver to it): the same driver, against the real stack, without its start-up cost.
const file = writeWorkerDriver();
const load = async () => (await import(pathToFileURL(file).href)) as typeof real;

/** Runs `script` in a fresh Node after `globalThis.process` has become a getter that counts its reads. */
function processReads(script: string): number {
  const run = spawnSync(
    process.execPath,
    [
      '--input-type=module',
      '-e',
      `const real = process; let reads = 0;
       Object.defineProperty(globalThis, 'process', { get() { reads++; return real; }, configurable: true });
       ${script}
       real.stdout.write(String(reads));`,
    ],
    { encoding: 'utf8' },
  );
  expect(run.status, run.stderr).toBe(0);
  return Number(run.stdout);
}

describe("the Worker's build of the Neon driver", () => {
  let driver: typeof real;
  beforeAll(async () => {
    driver = await load();
    driver.neonConfig.webSocketConstructor = (await import('ws')).default;
    const address = inject('gatewayAddress');
    driver.neonConfig.fetchEndpoint = `http://${address}/sql`;
    driver.neonConfig.wsProxy = (host, port) => `${address}/v2?address=${host}:${port}`;
    driver.neonConfig.useSecureWebSocket = false;
    driver.neonConfig.pipelineTLS = false;
    driver.neonConfig.pipelineConnect = false;
  });

  it('exports what the driver exports, each of the same kind', () => {
    expect(Object.keys(driver)).toEqual(Object.keys(real));
    for (const name of Object.keys(real) as (keyof typeof real)[])
      expect(typeof driver[name], name).toBe(typeof real[name]);
    expect(driver.types.getTypeParser(20)('12')).toBe(real.types.getTypeParser(20)('12'));
    expect(driver.defaults).toEqual(real.defaults);
  });

  it('loads without reading globalThis.process (the unmodified driver reads it)', () => {
    expect(processReads(`await import(${JSON.stringify(pathToFileURL(file).href)});`)).toBe(0);
    expect(processReads(`await import('@neondatabase/serverless');`)).toBeGreaterThan(0);
  });

  it('runs statements and batches over HTTP, and reports a database error as NeonDbError', async () => {
    const sql = driver.neon(inject('databaseUrl'));
    expect(await sql.query('select $1::int as n, $2::text as t', [7, 'x'])).toEqual([{ n: 7, t: 'x' }]);
    const [one, two] = await sql.transaction((txn) => [txn.query('select 1 as a'), txn.query('select 2 as b')]);
    expect([one, two]).toEqual([[{ a: 1 }], [{ b: 2 }]]);
    const failure = await sql.query('select 1/0').catch((err: unknown) => err);
    expect(failure).toBeInstanceOf(driver.NeonDbError);
    expect((failure as { code?: string }).code).toBe('22012');
  });

  it('keeps Pool and Client whole: they construct, subclass and connect over WebSocket', async () => {
    class Counted extends driver.Pool {}
    const pool = new Counted({ connectionString: inject('databaseUrl'), max: 1 });
    try {
      expect(pool).toBeInstanceOf(driver.Pool);
      expect(pool).toBeInstanceOf(Counted);
      expect((await pool.query('select $1::int as n', [5])).rows).toEqual([{ n: 5 }]);
      const failure = await pool.query('select 1/0').catch((err: unknown) => err);
      expect(failure).toBeInstanceOf(driver.DatabaseError);
    } finally {
      await pool.end();
    }
    const client = new driver.Client(inject('databaseUrl'));
    await client.connect();
    try {
      expect((await client.query('select 3 as n')).rows).toEqual([{ n: 3 }]);
    } finally {
      await client.end();
    }
    expect(driver.parseIntoClientConfig('postgresql://u:p@h:6543/d')).toEqual(
      real.parseIntoClientConfig('postgresql://u:p@h:6543/d'),
    );
  });
});
