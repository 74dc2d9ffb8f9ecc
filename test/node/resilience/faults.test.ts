import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { applyMigrations } from '../../../dev/migrations.ts';
import { startStack, type Stack } from '../../../dev/stack.ts';
import { freePort } from '../../../dev/upstreams/process.ts';
import type { PostgresUpstream } from '../../../dev/upstreams/postgres.ts';
import { startWorker } from '../../../dev/worker.ts';
import { afterSuccesses, ledgerMismatches, runLoad, type Outcome } from '../../support/load.ts';

// Load and faults through the real path: Node clients -> wrangler dev (workerd) -> gateway
// -> PgBouncer (transaction mode, pool of 2) -> Postgres. Run once, in the postgres-upstream pass.
const DEADLINE_MS = 2000;

describe.runIf(inject('backend') === 'postgres')('under load and faults (postgres upstream only)', () => {
  let stack: Stack;
  let upstream: PostgresUpstream;
  let worker: Awaited<ReturnType<typeof startWorker>>;
  const state = mkdtempSync(join(tmpdir(), 'todo-faults-'));

  beforeAll(async () => {
    stack = await startStack({ backend: 'postgres', port: 0 });
    upstream = stack.upstream as PostgresUpstream;
    await applyMigrations(stack.directUrl, { localGateway: stack.gatewayAddress });
    worker = await startWorker({
      port: await freePort(),
      vars: { NEON_LOCAL_GATEWAY: stack.gatewayAddress, DATABASE_URL: stack.databaseUrl, DB_TIMEOUT_MS: String(DEADLINE_MS), AUTH_ANONYMOUS: 'on' },
      persistTo: state,
    });
  }, 120_000);

  afterAll(async () => {
    await worker?.stop();
    await stack?.stop();
    rmSync(state, { recursive: true, force: true });
  });

  const directUrl = () => `postgres://todo:todo-local@127.0.0.1:${upstream.postgresPort}/todo`;
  const only503s = (outcomes: Outcome[]) => outcomes.filter((o) => o.status >= 500 && !(o.status === 503 && o.retryAfter));
  const health = () => fetch(`${worker.url}/health`).then((r) => r.status, () => 0);
  // Ready signal for statements sent through PgBouncer: Postgres itself reports them running.
  const untilPostgresRuns = async (query: string, count: number) => {
    const watcher = new pg.Client({ connectionString: directUrl() });
    await watcher.connect();
    try {
      const running = async () => (await watcher.query("select count(*)::int as n from pg_stat_activity where state = 'active' and query = $1", [query])).rows[0].n;
      const deadline = Date.now() + 5000;
      while ((await running()) < count) {
        if (Date.now() > deadline) throw new Error(`Postgres did not report ${count} × "${query}" running within 5 s`);
        await new Promise((r) => setTimeout(r, 20));
      }
    } finally {
      await watcher.end();
    }
  };

  it('serves 64 concurrent clients for 15 s with no 5xx, and the table equals what clients were told', async () => {
    const tag = `load-${Date.now()}`;
    const { outcomes, ledger } = await runLoad({ url: worker.url, clients: 64, durationMs: 15_000, tag });
    expect(outcomes.length).toBeGreaterThan(500);
    expect(outcomes.filter((o) => o.status >= 500 || o.status === 0)).toEqual([]);
    expect(await ledgerMismatches(directUrl(), tag, ledger)).toEqual([]);
  }, 90_000);

  it('answers only 503 + Retry-After while Postgres is down, recovers within 2 s of its return, loses no acknowledged write; clients retrying creates with one Idempotency-Key end with one row each', async () => {
    const tag = `restart-${Date.now()}`;
    const { onOutcome, underWay } = afterSuccesses(100);
    const load = runLoad({ url: worker.url, clients: 16, durationMs: 12_000, tag, onOutcome });
    expect(await Promise.race([underWay.then(() => 'under way'), load.then(() => 'ended')])).toBe('under way');
    await upstream.stopPostgres();
    const downAt = Date.now();
    await new Promise((r) => setTimeout(r, 3000)); // the outage's length, not a wait for anything
    await upstream.startPostgres();
    const backAt = Date.now();
    const { outcomes, ledger } = await load;

    const during = outcomes.filter((o) => o.at > downAt + 200 && o.at < backAt);
    expect(during.length).toBeGreaterThan(0);
    expect(during.every((o) => o.status === 503 || o.status < 500)).toBe(true);
    expect(only503s(outcomes)).toEqual([]);
    expect(outcomes.filter((o) => o.status === 0)).toEqual([]); // nothing hung past the client's 10 s
    expect(Math.max(...outcomes.filter((o) => o.status === 503).map((o) => o.ms))).toBeLessThan(DEADLINE_MS + 1500);
    const firstSuccess = outcomes.filter((o) => o.at >= backAt && o.status < 300).sort((a, b) => a.at - b.at)[0];
    expect(firstSuccess, 'a success after Postgres returned').toBeDefined();
    expect(firstSuccess!.at + firstSuccess!.ms - backAt).toBeLessThan(2000);
    expect(await ledgerMismatches(directUrl(), tag, ledger)).toEqual([]);
    // Each create's text is unique to its key, and creates were retried through the outage until answered.
    const perKey = new pg.Client({ connectionString: directUrl() });
    await perKey.connect();
    const { rows } = await perKey.query('select text, count(*)::int as n from todos where text like $1 group by text having count(*) <> 1', [`${tag} %`]);
    await perKey.end();
    expect(rows).toEqual([]);
    expect(outcomes.filter((o) => o.op === 'create' && o.status !== 201).length, 'some creates had to be retried').toBeGreaterThan(0);
  }, 90_000);

  it('survives a gateway restart: 503s at most, then successes, no acknowledged write lost', async () => {
    const tag = `gw-${Date.now()}`;
    const { onOutcome, underWay } = afterSuccesses(100);
    const load = runLoad({ url: worker.url, clients: 16, durationMs: 8000, tag, onOutcome });
    expect(await Promise.race([underWay.then(() => 'under way'), load.then(() => 'ended')])).toBe('under way');
    const restartedAt = Date.now();
    await stack.gateway.restart();
    const { outcomes, ledger } = await load;
    expect(outcomes.filter((o) => o.at > restartedAt && o.status < 300).length, 'successes after the restart').toBeGreaterThan(0);
    expect(only503s(outcomes)).toEqual([]);
    expect(outcomes.filter((o) => o.status === 0)).toEqual([]);
    expect(await health()).toBe(200);
    expect(await ledgerMismatches(directUrl(), tag, ledger)).toEqual([]);
  }, 60_000);

  it('turns an exhausted PgBouncer pool into 503 + Retry-After within the deadline, then recovers', async () => {
    // Two long transactions hold both server connections of the pool.
    const hogs = Array.from({ length: 2 }, () => new pg.Client({ host: '127.0.0.1', port: upstream.pgbouncerPort, user: 'todo', password: 'todo-local', database: 'todo' }));
    await Promise.all(hogs.map((c) => c.connect()));
    const sleeping = hogs.map((c) => c.query('select pg_sleep(4)'));
    await untilPostgresRuns('select pg_sleep(4)', hogs.length);
    const started = Date.now();
    const res = await fetch(`${worker.url}/todos`);
    expect(res.status).toBe(503);
    expect(res.headers.get('retry-after')).toMatch(/^\d+$/);
    expect(Date.now() - started).toBeLessThan(DEADLINE_MS + 1500);
    await Promise.all(sleeping);
    await Promise.all(hogs.map((c) => c.end()));
    expect((await fetch(`${worker.url}/todos`)).status).toBe(200);
  }, 30_000);
});
