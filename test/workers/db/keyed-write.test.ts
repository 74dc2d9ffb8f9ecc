import { env } from 'cloudflare:workers';
import { neon } from '@neondatabase/serverless';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../../src/db/client.ts';
import { executeKeyed, keyedResponse } from '../../../src/idempotency/statement.ts';
import { SCRATCH_SCHEMA, useTestGateway, scratchTable } from '../../support/driver.ts';

// A keyed write whose effect draws from a sequence of the test's own, so what it draws is
// counted exactly while other files write todos at the same time. Made by the tables' owner,
// drawn by the Worker's role (as a member of the application role).
const sequence = scratchTable('keyed_seq');
const direct = () => neon(env.DATABASE_OWNER_URL);

beforeAll(async () => {
  await useTestGateway(env.NEON_LOCAL_GATEWAY!);
  await direct().query(`create sequence ${sequence}`);
  await direct().query(`grant usage on schema ${SCRATCH_SCHEMA} to todo_app`);
  await direct().query(`grant usage on sequence ${sequence} to todo_app`);
});
afterAll(() => direct().query(`drop sequence ${sequence}`));

const drawn = async () => {
  const [row] = await direct().query(`select last_value, is_called from ${sequence}`);
  return row!.is_called ? Number(row!.last_value) : 0;
};

/** One keyed write on a handle of its own, as one request of `owner` makes it; its outcome and round trips. */
async function keyedDraw(key: string, hash = 'h1', owner = 'token:keyed') {
  const db = openDatabase(env, { owner: () => owner });
  const outcome = await db.query(
    (d) =>
      executeKeyed(d, {
        scope: 'test.keyed',
        key,
        hash,
        effect: { select: sql`nextval(${sequence}::regclass) as id` },
        response: sql`select json_build_object('id', id)::text from effect`,
      }),
    { idempotent: true },
  );
  return { outcome, roundTrips: db.stats.roundTrips };
}

describe('a keyed write', () => {
  it('does the effect once, and replays its response without drawing again', async () => {
    const key = crypto.randomUUID();
    const first = await keyedDraw(key);
    expect(first).toEqual({
      outcome: { created: true, requestHash: 'h1', response: '{"id" : 1}', effectRows: 1 },
      roundTrips: 1,
    });
    for (let i = 0; i < 5; i++) {
      expect(await keyedDraw(key)).toEqual({
        outcome: { created: false, requestHash: 'h1', response: '{"id" : 1}', effectRows: 0 },
        roundTrips: 1,
      });
    }
    expect(await drawn()).toBe(1);
  });

  it('refuses the key with another request, drawing nothing', async () => {
    const key = crypto.randomUUID();
    const before = await drawn();
    await keyedDraw(key, 'h1');
    const other = await keyedDraw(key, 'h2');
    expect(other.outcome.created).toBe(false);
    expect(() => keyedResponse(other.outcome, 'h2')).toThrow(expect.objectContaining({ status: 422 }));
    expect(await drawn()).toBe(before + 1);
  });

  // On Postgres behind PgBouncer the ten really overlap: the losers wait on the winner's
  // uncommitted key and read its response back in the same round trip.
  it('draws once when ten race with one key, each in one round trip, the losers replaying the winner', async () => {
    const key = crypto.randomUUID();
    const before = await drawn();
    const results = await Promise.all(Array.from({ length: 10 }, () => keyedDraw(key)));
    expect(results.filter((r) => r.outcome.created)).toHaveLength(1);
    expect(new Set(results.map((r) => r.outcome.response))).toEqual(new Set([`{"id" : ${before + 1}}`]));
    expect(results.map((r) => r.roundTrips)).toEqual(Array(10).fill(1));
    expect(await drawn()).toBe(before + 1);
  });
});
