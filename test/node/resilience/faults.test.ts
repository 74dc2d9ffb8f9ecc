import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { applyMigrations } from '../../../dev/migrations.ts';
import { LOCAL_DATABASE, startStack, type Stack } from '../../../dev/stack.ts';
import { SERVER_LOGIN_RETRY_SECONDS, type PostgresUpstream } from '../../../dev/upstreams/postgres.ts';
import { startWorker, type RunningWorker } from '../../../dev/worker.ts';
import { within } from '../../support/deadline.ts';
import { afterSuccesses, ledgerMismatches, runLoad, type LoadOwner, type Outcome } from '../../support/load.ts';

// Load and faults through the real path: Node clients -> wrangler dev (workerd) -> gateway
// -> PgBouncer (transaction mode, pool of 2) -> Postgres. Run once, in the postgres-upstream pass.
// Clients act as two owners in turn (static tokens); the ledger is checked owner by owner.
/** The Worker's DB_TIMEOUT_MS here: every 503 must come within it, plus the margin. */
const DEADLINE_MS = 2000;
/** What may come on top of a bound derived from the settings: wrangler's proxy, and two other suites on 2 cores. */
const MARGIN_MS = 3000;
/** Every load client has the same IP: the Worker gets a rate limit they cannot reach, so a 429 is a failure. */
const UNREACHABLE_RATE_LIMIT = 1_000_000_000;
/** The load's clients, in turn: two owners, each with its own static token (API_TOKENS below). */
const OWNERS: LoadOwner[] = [
  { owner: 'token:a', token: 'tok-a-faults-0123456789abcdef0123' },
  { owner: 'token:b', token: 'tok-b-faults-0123456789abcdef0123' },
];
const owners = { owners: OWNERS };

describe.runIf(inject('backend') === 'postgres')('under load and faults (postgres upstream only)', () => {
  let stack: Stack;
  let upstream: PostgresUpstream;
  let worker: RunningWorker;
  const state = mkdtempSync(join(tmpdir(), 'todo-faults-'));

  beforeAll(async () => {
    stack = await startStack({ backend: 'postgres', port: 0 });
    upstream = stack.upstream as PostgresUpstream;
    await applyMigrations(stack.ownerUrl, { localGateway: stack.gatewayAddress });
    worker = await startWorker({
      vars: {
        NEON_LOCAL_GATEWAY: stack.gatewayAddress,
        DATABASE_URL: stack.databaseUrl,
        DB_TIMEOUT_MS: String(DEADLINE_MS),
        AUTH_ANONYMOUS: 'on',
        API_TOKENS: OWNERS.map(({ owner, token }) => `${owner.slice('token:'.length)}:${token}`).join(','),
      },
      persistTo: state,
      rateLimit: UNREACHABLE_RATE_LIMIT,
    });
  }, 120_000);

  afterAll(async () => {
    await worker?.stop();
    await stack?.stop();
    rmSync(state, { recursive: true, force: true });
  });

  // Straight to Postgres as `login`; by default the tables' owner, who sees every owner's rows.
  const { database } = LOCAL_DATABASE;
  const directUrl = ({ user, password } = LOCAL_DATABASE.owner) =>
    `postgres://${user}:${password}@127.0.0.1:${upstream.postgresPort}/${database}`;
  const isProper503 = (o: Outcome) => o.status === 503 && o.retryAfter === '1';
  /** What no load may ever see: a 5xx other than a proper 503, a 429, or no answer within the client's 10 s. */
  const expectNoFailures = (outcomes: Outcome[]) => {
    expect(outcomes.filter((o) => o.status >= 500 && !isProper503(o))).toEqual([]);
    expect(outcomes.filter((o) => o.status === 429)).toEqual([]);
    expect(outcomes.filter((o) => o.status === 0)).toEqual([]);
  };
  /** Ends a load once it has had `count` successes that started after the fault was over (`over()`, 0 until then). */
  const endAfterRecovery = (count: number, over: () => number) => afterSuccesses(count, () => over() || Infinity);

  /**
   * A load of 16 clients that is under way once 100 requests have succeeded (`started`: when to inject the
   * fault) and ends once 100 more succeed after `over()` (the fault's end, 0 until then).
   */
  const loadThroughFault = (tag: string, over: () => number) => {
    const started = afterSuccesses(100);
    const recovered = endAfterRecovery(100, over);
    const load = runLoad({
      url: worker.url,
      clients: 16,
      durationMs: 60_000,
      tag,
      until: recovered.underWay,
      ...owners,
      onOutcome: (o) => {
        started.onOutcome(o);
        recovered.onOutcome(o);
      },
    });
    return { load, underWay: Promise.race([started.underWay.then(() => 'under way'), load.then(() => 'ended')]) };
  };

  it('serves 64 concurrent clients for 15 s with no 5xx, and the table equals what clients were told', async () => {
    const tag = `load-${Date.now()}`;
    const { outcomes, ledger, leaks } = await runLoad({
      url: worker.url,
      clients: 64,
      durationMs: 15_000,
      tag,
      ...owners,
    });
    expect(outcomes.length).toBeGreaterThan(500);
    expectNoFailures(outcomes);
    expect(leaks).toEqual([]);
    expect(await ledgerMismatches(directUrl(), tag, ledger)).toEqual([]);
    expect(
      new Set([...ledger.values()].flatMap((entry) => (entry && entry !== 'unknown' ? [entry.owner] : []))).size,
    ).toBe(OWNERS.length);
  }, 90_000);

  it('answers only 503 + Retry-After while Postgres is down, recovers soon after its return, loses no acknowledged write; clients retrying creates with one Idempotency-Key end with one row each', async () => {
    const tag = `restart-${Date.now()}`;
    let backAt = 0;
    const { load, underWay } = loadThroughFault(tag, () => backAt);
    expect(await underWay).toBe('under way');
    await upstream.stopPostgres();
    const downAt = Date.now();
    await new Promise((r) => setTimeout(r, 3000)); // the outage's length, not a wait for anything
    const restarting = Date.now();
    await upstream.startPostgres();
    backAt = Date.now();
    const { outcomes, ledger, leaks } = await load;
    expect(leaks).toEqual([]);

    // Requests that began after Postgres stopped and ended before it was started again: there were
    // some, and each got a proper 503.
    const during = outcomes.filter((o) => o.at >= downAt && o.at + o.ms < restarting);
    expect(during.length, 'requests during the outage').toBeGreaterThan(0);
    expect(during.filter((o) => !isProper503(o))).toEqual([]);
    expectNoFailures(outcomes);
    // A 503 comes within the deadline, which covers retries.
    const times503 = outcomes.filter((o) => o.status === 503).map((o) => o.ms);
    expect(times503.length).toBeGreaterThan(0);
    expect(Math.max(...times503)).toBeLessThan(DEADLINE_MS + MARGIN_MS);
    // After Postgres returns, PgBouncer may wait out its login retry before connecting again, and a request
    // already waiting then may spend its whole deadline: the first success comes within those two.
    const firstSuccess = outcomes.filter((o) => o.at >= backAt && o.status < 300).sort((a, b) => a.at - b.at)[0];
    expect(firstSuccess, 'a success after Postgres returned').toBeDefined();
    expect(firstSuccess!.at + firstSuccess!.ms - backAt).toBeLessThan(
      SERVER_LOGIN_RETRY_SECONDS * 1000 + DEADLINE_MS + MARGIN_MS,
    );
    expect(await ledgerMismatches(directUrl(), tag, ledger)).toEqual([]);
    // Each create's text is unique to its key, and creates were retried through the outage until answered.
    const perKey = new pg.Client({ connectionString: directUrl() });
    await perKey.connect();
    const { rows } = await perKey.query(
      'select text, count(*)::int as n from todos where text like $1 group by text having count(*) <> 1',
      [`${tag} %`],
    );
    await perKey.end();
    expect(rows).toEqual([]);
    expect(
      outcomes.filter((o) => o.op === 'create' && o.status !== 201).length,
      'some creates had to be retried',
    ).toBeGreaterThan(0);
  }, 120_000);

  it('survives a gateway restart: 503s at most, then successes, no acknowledged write lost', async () => {
    const tag = `gw-${Date.now()}`;
    let restartedAt = 0;
    const { load, underWay } = loadThroughFault(tag, () => restartedAt);
    expect(await underWay).toBe('under way');
    await stack.gateway.restart();
    restartedAt = Date.now();
    const { outcomes, ledger, leaks } = await load;
    expect(leaks).toEqual([]);
    expect(
      outcomes.filter((o) => o.at >= restartedAt && o.status < 300).length,
      'successes after the restart',
    ).toBeGreaterThanOrEqual(100);
    expectNoFailures(outcomes);
    expect((await fetch(`${worker.url}/health`)).status).toBe(200);
    expect(await ledgerMismatches(directUrl(), tag, ledger)).toEqual([]);
  }, 120_000);

  it('turns an exhausted PgBouncer pool into 503 + Retry-After within the deadline, then recovers', async () => {
    // Two open transactions hold both server connections of the Worker's role's pool (PgBouncer pools per
    // user; transaction mode keeps a server for a transaction until it ends); each has run a statement.
    const { worker: login } = LOCAL_DATABASE;
    const hogs = Array.from(
      { length: 2 },
      () =>
        new pg.Client({
          host: '127.0.0.1',
          port: upstream.pgbouncerPort,
          user: login.user,
          password: login.password,
          database,
        }),
    );
    await Promise.all(hogs.map((c) => c.connect()));
    try {
      for (const hog of hogs) await hog.query('begin; select 1');
      const startedAt = Date.now();
      const res = await within(DEADLINE_MS + MARGIN_MS, fetch(`${worker.url}/todos`));
      expect(res.status).toBe(503);
      expect(res.headers.get('retry-after')).toBe('1');
      expect(Date.now() - startedAt).toBeGreaterThanOrEqual(DEADLINE_MS - 50); // only the deadline ends the wait
      await res.arrayBuffer();
    } finally {
      for (const hog of hogs) await hog.query('rollback').catch(() => undefined);
      await Promise.all(hogs.map((c) => c.end()));
    }
    expect((await fetch(`${worker.url}/todos`)).status).toBe(200);
  }, 30_000);
});
