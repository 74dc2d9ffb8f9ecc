import { describe, expect, it } from 'vitest';
import { createApp } from '../../../src/app.ts';
import { databaseHandle } from '../../../src/db/client.ts';
import type { Env } from '../../../src/env.ts';
import type { ReportError } from '../../../src/lib/report-error.ts';
import { captureConsole, jsonLines } from '../../support/console.ts';

// createApp({ reportError }) on Node, without a database: every statement fails with a bug of ours, which
// the data layer does not recognise, so it reaches onError as an unexpected error.
const BUG = 'a bug in a handler';
const env = { DATABASE_URL: 'postgres://nobody@127.0.0.1:1/none', AUTH_ANONYMOUS: 'on' } as Env;
const buggyDatabase = (e: Env) =>
  databaseHandle(e, () => {
    throw new Error(BUG);
  });

/** The app with a reporter that records its calls, and a request helper that runs what was left to waitUntil. */
function appReporting(report: ReportError) {
  const app = createApp({ database: buggyDatabase, reportError: report });
  return async (path: string, init: RequestInit = {}) => {
    const pending: Promise<unknown>[] = [];
    const ctx = { waitUntil: (p: Promise<unknown>) => void pending.push(p), passThroughOnException() {}, props: {} };
    const { result: res, lines } = await captureConsole(async () => {
      const answer = await app.request(path, init, env, ctx);
      await Promise.all(pending);
      return answer;
    });
    return { res, body: await res.json<any>(), lines: jsonLines(lines) };
  };
}

describe('createApp({ reportError })', () => {
  it('hands an error answered with a 500 to the reporter exactly once, with the request context', async () => {
    const calls: { err: unknown; requestId: unknown }[] = [];
    const request = appReporting((err, c) => void calls.push({ err, requestId: c.get('requestId') }));
    const { res, body } = await request('/todos');
    expect(res.status).toBe(500);
    expect(calls).toHaveLength(1);
    expect(calls[0]!.err).toBeInstanceOf(Error);
    expect((calls[0]!.err as Error).message).toBe(BUG);
    expect(calls[0]!.requestId).toBe(res.headers.get('x-request-id'));
    expect(body.instance).toBe(`urn:request:${res.headers.get('x-request-id')}`);
  });

  it('reports a 500 problem thrown on purpose too (DATABASE_URL missing)', async () => {
    const calls: unknown[] = [];
    const app = createApp({ reportError: (err) => void calls.push(err) });
    const { result: res } = await captureConsole(async () => app.request('/todos', {}, { ...env, DATABASE_URL: '' }));
    expect(res.status).toBe(500);
    expect(calls).toHaveLength(1);
  });

  it.each([
    [
      'a validation problem (400)',
      '/todos',
      { method: 'POST', body: '{"text":""}', headers: { 'content-type': 'application/json' } },
      400,
    ],
    [
      'an unsupported media type (415)',
      '/todos',
      { method: 'POST', body: 'x', headers: { 'content-type': 'text/plain' } },
      415,
    ],
    ['an unknown route (404)', '/nowhere', {}, 404],
    ['a method the route does not answer (405)', '/todos', { method: 'PUT' }, 405],
    ['an id that is not a UUID (404)', '/todos/not-an-id', {}, 404],
  ])('never reports %s', async (_name, path, init, status) => {
    const calls: unknown[] = [];
    const request = appReporting((err) => void calls.push(err));
    const { res } = await request(path, init);
    expect(res.status).toBe(status);
    expect(calls).toEqual([]);
  });

  it("takes a reporter that returns an event id, as Sentry's captureException does", async () => {
    const ids: string[] = [];
    const captureException = (_err: unknown): string => {
      ids.push(crypto.randomUUID());
      return ids.at(-1)!;
    };
    const { res } = await appReporting((err) => captureException(err))('/todos');
    expect(res.status).toBe(500);
    expect(ids).toHaveLength(1);
  });

  it('keeps the 500 when the reporter throws or rejects, and logs that it failed', async () => {
    for (const report of [
      () => {
        throw new Error('reporter down');
      },
      () => Promise.reject(new Error('reporter down')),
    ]) {
      const { res, body, lines } = await appReporting(report)('/todos');
      expect(res.status).toBe(500);
      expect(body.status).toBe(500);
      expect(lines).toContainEqual(
        expect.objectContaining({ during: 'reportError', error: 'Error', message: 'reporter down' }),
      );
    }
  });

  it("leaves the reporter's promise to waitUntil, and answers without waiting for it", async () => {
    let release!: () => void;
    const reported = new Promise<void>((resolve) => (release = resolve));
    const app = createApp({ database: buggyDatabase, reportError: () => reported });
    const waited: Promise<unknown>[] = [];
    const ctx = { waitUntil: (p: Promise<unknown>) => void waited.push(p), passThroughOnException() {}, props: {} };
    const { result: res } = await captureConsole(async () =>
      app.request('/todos', {}, env, ctx as unknown as ExecutionContext),
    );
    expect(res.status).toBe(500); // answered while the report is still pending
    expect(waited).toHaveLength(1);
    release();
    await waited[0];
  });
});
