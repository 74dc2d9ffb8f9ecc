import { NeonDbError } from '@neondatabase/serverless';
import { DrizzleQueryError } from 'drizzle-orm/errors';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { classifyDbError } from '../../../src/db/errors.ts';
import { withRetry } from '../../../src/db/retry.ts';

const dbError = (code: string) => Object.assign(new NeonDbError('boom'), { code });
const wrapped = (cause: Error) => new DrizzleQueryError('select 1', [], cause);

describe('classifyDbError', () => {
  it.each([
    ['a network failure', new NeonDbError('Error connecting to database: TypeError: fetch failed'), 'transient'],
    ["the proxy's 5xx", new NeonDbError('Server error (HTTP status 503): could not reach the database'), 'transient'],
    ['admin shutdown 57P01', dbError('57P01'), 'transient'],
    ['cannot connect now 57P03', dbError('57P03'), 'transient'],
    ['connection failure 08006', dbError('08006'), 'transient'],
    ['too many connections 53300', dbError('53300'), 'transient'],
    ['unique violation 23505', dbError('23505'), 'constraint'],
    ['check violation 23514', dbError('23514'), 'constraint'],
    ['invalid text 22P02', dbError('22P02'), 'input'],
    ['a quota refusal QUOTA', dbError('QUOTA'), 'quota'],
    ['the default list kept DFLT1', dbError('DFLT1'), 'default-list'],
    ['syntax error 42601', dbError('42601'), 'unknown'],
    ['a plain bug', new TypeError('x is undefined'), 'unknown'],
  ])('%s is %s, also when drizzle wraps it', (_, err, kind) => {
    expect(classifyDbError(err)).toBe(kind);
    expect(classifyDbError(wrapped(err))).toBe(kind);
  });

  it('calls anything a timeout once our deadline fired', () => {
    expect(classifyDbError(new NeonDbError('Error connecting to database: AbortError'), true)).toBe('timeout');
  });
});

describe('withRetry', () => {
  const transient = () => Promise.reject(dbError('57P01'));
  const options = (over = {}) => ({
    deadlineAt: 10_000,
    now: () => 0,
    sleep: async () => undefined,
    random: () => 0.5,
    retryable: (e: unknown) => classifyDbError(e) === 'transient',
    ...over,
  });

  it('retries transient failures up to 3 attempts in all', async () => {
    let calls = 0;
    await expect(
      withRetry(() => {
        calls++;
        return transient();
      }, options()),
    ).rejects.toMatchObject({ code: '57P01' });
    expect(calls).toBe(3);
  });

  it('returns as soon as an attempt succeeds', async () => {
    let calls = 0;
    expect(await withRetry(async () => (++calls < 2 ? transient() : 'ok'), options())).toBe('ok');
    expect(calls).toBe(2);
  });

  it.each(['23505', '22P02', '42601'])('never retries %s', async (code) => {
    let calls = 0;
    await expect(
      withRetry(() => {
        calls++;
        return Promise.reject(dbError(code));
      }, options()),
    ).rejects.toMatchObject({ code });
    expect(calls).toBe(1);
  });

  it('never sleeps past the deadline, never exceeds 3 attempts, and backs off within the cap (property)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 0, max: 3000 }),
        fc.array(fc.double({ min: 0, max: 0.999, noNaN: true }), { minLength: 3, maxLength: 3 }),
        async (deadline, randoms) => {
          let clock = 0;
          let calls = 0;
          const sleeps: number[] = [];
          let r = 0;
          await withRetry(
            () => {
              calls++;
              return transient();
            },
            options({
              deadlineAt: deadline,
              now: () => clock,
              random: () => randoms[r++ % 3]!,
              sleep: async (ms: number) => {
                sleeps.push(ms);
                clock += ms;
              },
            }),
          ).catch(() => undefined);
          expect(calls).toBeLessThanOrEqual(3);
          expect(clock).toBeLessThan(Math.max(deadline, 1));
          sleeps.forEach((ms, n) => expect(ms).toBeLessThan(Math.min(1000, 50 * 2 ** n)));
        },
      ),
    );
  });
});
