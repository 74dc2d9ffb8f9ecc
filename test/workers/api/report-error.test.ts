import { createExecutionContext, waitOnExecutionContext } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { createApp } from '../../../src/app.ts';
import { captureConsole } from '../../support/console.ts';
import { withSettings } from './client.ts';

// The reporter in workerd, with the real driver: a database that does not exist is a failure the app does
// not expect, answered with a 500 (failures.test.ts checks that answer), and reported once.
describe('createApp({ reportError }) in workerd', () => {
  it('reports the 500 of a real driver failure exactly once, after the response, and never a 4xx', async () => {
    const reported: { err: unknown; requestId: string | undefined }[] = [];
    const app = createApp({
      reportError: async (err, c) => void reported.push({ err, requestId: c.get('requestId') }),
    });
    const settings = withSettings({});
    const url = new URL(settings.DATABASE_URL);
    url.pathname = '/no_such_database';
    settings.DATABASE_URL = url.toString();

    const ctx = createExecutionContext();
    const { result: res } = await captureConsole(async () => app.request('/todos', {}, settings, ctx));
    await waitOnExecutionContext(ctx);
    expect(res.status).toBe(500);
    expect(reported).toHaveLength(1);
    expect(reported[0]!.err).toBeInstanceOf(Error);
    expect(reported[0]!.requestId).toBe(res.headers.get('x-request-id'));

    const refused = await app.request(
      '/todos',
      { method: 'POST', body: 'x', headers: { 'content-type': 'text/plain' } },
      settings,
      createExecutionContext(),
    );
    expect(refused.status).toBe(415);
    expect(reported).toHaveLength(1);
  });
});
