import { env } from 'cloudflare:workers';
import { createScheduledController } from 'cloudflare:test';
import { neon } from '@neondatabase/serverless';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import worker from '../../../src/index.ts';
import { CLEANUP_JOBS, runCleanup } from '../../../src/scheduled/index.ts';
import { useTestGateway } from '../../support/driver.ts';

// Each test: the unreachable-database test points the driver elsewhere.
beforeEach(() => useTestGateway(env.NEON_LOCAL_GATEWAY!));
afterEach(() => vi.restoreAllMocks());

// The tables' owner, with no owner set: it sees and writes every owner's keys.
const direct = () => neon(env.DATABASE_OWNER_URL);
/** Keys belong to these owners in turn: the cleanup runs with no owner and must reach all of them. */
const OWNERS = ['token:a', 'token:b', 'default'];

/** Stores keys of this test's own scope, `age` old, of each owner in turn, and returns the scope. */
async function keysAged(age: string, count: number, scope = `test.cleanup.${crypto.randomUUID()}`) {
  await direct().query(
    `insert into idempotency_keys (owner, scope, key, request_hash, response, created_at)
     select ($4::text[])[1 + n % 3], $1, 'k' || n, 'h', '{}', now() - $2::interval - n * interval '1 second' from generate_series(1, $3) as n`,
    [scope, age, count, OWNERS],
  );
  return scope;
}
const ownersOf = async (scope: string) =>
  (await direct()`select distinct owner from idempotency_keys where scope = ${scope} order by owner`).map(
    (r) => r.owner,
  );
const keysLeft = async (scope: string) =>
  (await direct()`select key from idempotency_keys where scope = ${scope} order by key`).map((r) => r.key);

describe('the daily cleanup (cron trigger)', () => {
  it('deletes expired idempotency keys of every owner and keeps live ones', async () => {
    const expired = await keysAged('25 hours', 3);
    const live = await keysAged('23 hours', 3);
    expect(await ownersOf(expired)).toEqual([...OWNERS].sort());
    const logged: string[] = [];
    vi.spyOn(console, 'log').mockImplementation((line: string) => void logged.push(line));
    await worker.scheduled(createScheduledController({ scheduledTime: Date.now(), cron: '17 3 * * *' }), env);
    expect(await keysLeft(expired)).toEqual([]);
    expect(await keysLeft(live)).toEqual(['k1', 'k2', 'k3']);
    expect(await ownersOf(live)).toEqual([...OWNERS].sort());
    expect(logged.map((line) => JSON.parse(line))).toContainEqual(
      expect.objectContaining({ cron: '17 3 * * *', job: 'expired-idempotency-keys', deleted: expect.any(Number) }),
    );
  });

  // The oldest keys go first; these are older than any other test's, so they are the ones deleted.
  it('does at most its bounds in one run, oldest first, and the rest on the next', async () => {
    const scope = await keysAged('1000 days', 5);
    const job = CLEANUP_JOBS['expired-idempotency-keys']!;
    expect(await runCleanup(env, job, { batchRows: 2, maxBatches: 2 })).toEqual({ deleted: 4, batches: 2 });
    expect(await keysLeft(scope)).toEqual(['k1']); // k5 is the oldest: created_at goes back one second per key
    await runCleanup(env, job);
    expect(await keysLeft(scope)).toEqual([]);
  });

  it('fails the invocation, naming the job, when the database is unreachable', async () => {
    vi.spyOn(console, 'error').mockImplementation(() => undefined);
    const down = { ...env, NEON_LOCAL_GATEWAY: '127.0.0.1:1' };
    await expect(worker.scheduled(createScheduledController({ cron: '17 3 * * *' }), down)).rejects.toThrow(
      'cleanup failed: expired-idempotency-keys, expired-tombstones',
    );
  });
});

/** Tombstones of deleted todos, `age` old, one per owner, with ids no todo will reach; returns the ids. */
async function tombstonesAged(age: string): Promise<string[]> {
  return (await tombstonesWritten(age)).ids;
}
async function tombstonesWritten(age: string): Promise<{ ids: string[]; xid: string }> {
  const rows = await direct().query(
    `insert into todo_tombstones (id, owner, version, deleted_at)
     select gen_random_uuid(), ($2::text[])[1 + n], 2, now() - $1::interval from generate_series(0, 2) as n
     returning id, deleted_xid::text as xid`,
    [age, OWNERS],
  );
  return { ids: rows.map((r) => r.id as string).sort(), xid: rows[0]!.xid as string };
}
const tombstonesLeft = async (ids: string[]) =>
  (await direct()`select id from todo_tombstones where id = any(${ids}::uuid[]) order by id`).map((r) => r.id);

describe("the cleanup of the change feed's tombstones", () => {
  it('removes tombstones older than the retention, of every owner, keeps younger ones, and records how far it went', async () => {
    const { ids: expired, xid } = await tombstonesWritten('31 days');
    const live = await tombstonesAged('29 days');
    const logged: string[] = [];
    vi.spyOn(console, 'log').mockImplementation((line: string) => void logged.push(line));
    await worker.scheduled(createScheduledController({ scheduledTime: Date.now(), cron: '17 3 * * *' }), env);
    expect(await tombstonesLeft(expired)).toEqual([]);
    expect(await tombstonesLeft(live)).toEqual(live);
    expect(logged.map((line) => JSON.parse(line))).toContainEqual(
      expect.objectContaining({ job: 'expired-tombstones', deleted: expect.any(Number) }),
    );
    // Each owner's purge mark reached the position purged: a token at or before it is a 410.
    const marked = await direct()`select owner from tombstone_purges
      where owner = any(${OWNERS}::text[]) and purged_through >= ${xid}::xid8 order by owner`;
    expect(marked.map((r) => r.owner)).toEqual([...OWNERS].sort());
  });

  it('follows CHANGES_RETENTION_DAYS, and never takes a retention under one day', async () => {
    const month = await tombstonesAged('31 days');
    const job = CLEANUP_JOBS['expired-tombstones']!;
    await runCleanup({ ...env, CHANGES_RETENTION_DAYS: '60' }, job);
    expect(await tombstonesLeft(month)).toEqual(month);
    const hours = await tombstonesAged('20 hours');
    // Called directly with 0 days, as the Worker's role could: a day still protects the young ones.
    await neon(env.DATABASE_URL)`select purge_expired_tombstones(0, 100)`;
    expect(await tombstonesLeft(hours)).toEqual(hours);
    await runCleanup({ ...env, CHANGES_RETENTION_DAYS: '30' }, job);
    expect(await tombstonesLeft(month)).toEqual([]);
  });
});
