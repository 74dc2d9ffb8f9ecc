import { describe, expect, inject, it } from 'vitest';
import { captureConsole, requestLines } from '../../support/console.ts';
import { within } from '../../support/deadline.ts';
import { openOutageLink } from '../../support/outage-link.ts';
import { call, UNREACHABLE, withSettings } from './client.ts';
import { databaseOperations } from './operations.ts';

const key = () => ({ 'idempotency-key': crypto.randomUUID() });

describe('an unreachable database', () => {
  // Which operations are retried is the policy: reads, PATCH (absolute values) and keyed writes may be repeated.
  it.each(databaseOperations)(
    '$name: 503 problem with Retry-After: 1, after $attempts attempt(s)',
    async ({ method, path, options, attempts }) => {
      const { result: res, lines } = await captureConsole(() =>
        call(method, path, { ...options(), env: withSettings({ NEON_LOCAL_GATEWAY: UNREACHABLE }) }),
      );
      expect(res.status).toBe(503);
      expect(res.headers.get('retry-after')).toBe('1');
      expect(res.headers.get('content-type')).toBe('application/problem+json');
      // The retry policy, as the request log counts round trips: 3 attempts where repeating is harmless, else 1.
      const [line] = requestLines(lines, res.headers.get('x-request-id'));
      expect(line?.db?.roundTrips).toBe(attempts);
      expect(res.body.detail).toMatch(attempts > 1 ? /Try again shortly/ : /may or may not have been made/);
    },
  );

  it('never shows SQL, a stack trace or the connection string in a problem', async () => {
    const down = withSettings({ NEON_LOCAL_GATEWAY: UNREACHABLE });
    const text = JSON.stringify((await call('POST', '/todos', { json: { text: 'x' }, env: down })).body);
    expect(text).not.toMatch(/insert|select|postgres:\/\/|at .*\.ts|todo-local/i);
  });
});

describe('a database that does not answer', () => {
  const DEADLINE_MS = 1500;
  // What may come on top of the deadline: workerd's timers, and two other suites sharing 2 cores.
  const MARGIN_MS = 3000;
  const silent = withSettings({ NEON_LOCAL_GATEWAY: inject('blackholeAddress'), DB_TIMEOUT_MS: String(DEADLINE_MS) });

  it('gets a 503 within the deadline', async () => {
    const started = Date.now();
    const res = await within(DEADLINE_MS + MARGIN_MS, call('GET', '/todos', { env: silent }));
    expect(Date.now() - started).toBeGreaterThanOrEqual(DEADLINE_MS - 50); // the silent endpoint never answers: only the deadline ends it
    expect(res.status).toBe(503);
    expect(res.headers.get('retry-after')).toBe('1');
    expect(res.body.detail).toMatch(new RegExp(`did not answer within ${DEADLINE_MS} ms`));
  });

  it('tells the client when a write that is not safe to repeat may have happened, and when a retry is safe', async () => {
    const post = (headers: Record<string, string>) =>
      within(DEADLINE_MS + MARGIN_MS, call('POST', '/todos', { json: { text: 'x' }, headers, env: silent }));
    expect((await post({})).body.detail).toMatch(/may or may not have been made/);
    expect((await post(key())).body.detail).toMatch(/Try again shortly/);
  });
});

describe('an outage that ends', () => {
  it('answers 503 during it and 200 on the very next request once the database is back', async () => {
    const link = await openOutageLink();
    try {
      const via = withSettings({ NEON_LOCAL_GATEWAY: link.address });
      expect((await call('GET', '/health', { env: via })).status).toBe(200);
      await link.down();
      expect((await call('GET', '/health', { env: via })).status).toBe(503);
      expect((await call('GET', '/todos', { env: via })).status).toBe(503);
      await link.up();
      expect((await call('GET', '/health', { env: via })).status).toBe(200);
      expect((await call('GET', '/todos', { env: via })).status).toBe(200);
    } finally {
      await link.close();
    }
  });
});
