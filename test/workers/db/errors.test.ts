import { env } from 'cloudflare:workers';
import { sql, type SQL } from 'drizzle-orm';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { runBatch } from '../../../src/db/batch.ts';
import { openDatabase } from '../../../src/db/client.ts';
import { ProblemError } from '../../../src/lib/problem.ts';
import { useTestGateway } from '../../support/driver.ts';

beforeAll(() => useTestGateway(env.NEON_LOCAL_GATEWAY!));

/** Runs `statements` as one batch through a request's database handle, as a route would; what it threw and the round trips it made. */
async function failure(statements: SQL[], idempotent = true) {
  const db = openDatabase(env);
  const error = await db
    .query((d) => runBatch(d, statements), { idempotent })
    .then(
      () => undefined,
      (err: unknown) => err,
    );
  return { error: error as Error & Partial<ProblemError>, roundTrips: db.stats.roundTrips };
}

const raising = (code: string) =>
  sql.raw(`do $$ begin raise exception 'raised for a test' using errcode = '${code}'; end $$`);

// Each failure produced for real, through the Neon driver and the gateway, on both upstreams.
describe('database failures as the client sees them', () => {
  it.each([
    ['53100 (disk full, a Neon project over its size limit)', [raising('53100')]],
    [
      '25006 (an INSERT in a read-only transaction)',
      [sql`set transaction read only`, sql`insert into todos (text) values ('never stored')`],
    ],
    // PGlite has no timer to cancel a statement with: there the test raises the timeout's code itself.
    [
      "57014 (the database's own statement timeout)",
      inject('backend') === 'postgres'
        ? [sql`set local statement_timeout = '20ms'`, sql`select pg_sleep(2)`]
        : [raising('57014')],
    ],
  ])('%s is a 503 with Retry-After, not retried', async (_, statements) => {
    const { error, roundTrips } = await failure(statements);
    expect(error).toBeInstanceOf(ProblemError);
    expect(error.status).toBe(503);
    expect(error.options?.headers).toEqual({ 'Retry-After': '1' });
    expect(error.message).toMatch(/nothing was changed/);
    expect(roundTrips).toBe(1);
  });

  it.each(['53000', '53200', '53300', '53400'])(
    '%s (insufficient resources) is a 503, retried where that is harmless',
    async (code) => {
      const idempotent = await failure([raising(code)], true);
      expect(idempotent.error).toMatchObject({ status: 503, options: { headers: { 'Retry-After': '1' } } });
      expect(idempotent.roundTrips).toBeGreaterThan(1);
      const once = await failure([raising(code)], false);
      expect(once.error).toMatchObject({ status: 503 });
      expect(once.roundTrips).toBe(1);
    },
  );

  it("2200H (a sequence exhausted) is the server's fault: a 500 that says which, not a 400", async () => {
    // The failure rolls the batch back, sequence and all.
    const { error } = await failure([
      sql`create temporary sequence exhausted_for_test maxvalue 2`,
      sql`select nextval('exhausted_for_test') from generate_series(1, 3)`,
    ]);
    expect(error).not.toBeInstanceOf(ProblemError);
    expect(error.name).toBe('SequenceExhausted');
    expect(error.message).toMatch(/sequence is exhausted \(SQLSTATE 2200H\)/);
  });

  it('a value the database refuses (22xxx) stays a 400', async () => {
    const { error } = await failure([sql`select 'not a number'::int`]);
    expect(error).toMatchObject({ status: 400 });
  });
});

describe("a violated constraint, in the resource's words", () => {
  const violating = (code: string) =>
    sql.raw(`do $$ begin raise exception 'raised for a test' using errcode = '${code}', constraint = 'a_rule'; end $$`);
  const answer = (code: string, violation?: (constraint: string) => ProblemError | undefined) =>
    openDatabase(env)
      .query((d) => runBatch(d, [violating(code)]), { idempotent: true, violation })
      .then(
        () => undefined,
        (err: unknown) => err as ProblemError,
      );
  const explained = (constraint: string) =>
    constraint === 'a_rule' ? new ProblemError(400, 'a_rule, explained') : undefined;

  it('is what the request says of that constraint, by its name', async () => {
    expect(await answer('23503', explained)).toMatchObject({ status: 400, message: 'a_rule, explained' });
  });

  it('is the generic 400 (a CHECK) or 409 when the request does not explain it', async () => {
    const unexplained = () => undefined;
    expect(await answer('23514', unexplained)).toMatchObject({ status: 400, message: /constraints/ });
    expect(await answer('23503')).toMatchObject({ status: 409, message: /constraints/ });
  });

  it('is never asked of a failure that is not a violation', async () => {
    let asked = false;
    const error = await answer('22023', () => {
      asked = true;
      return new ProblemError(400, 'wrong');
    });
    expect(error).toMatchObject({ status: 400, message: 'The database refused a value in the request.' });
    expect(asked).toBe(false);
  });
});
