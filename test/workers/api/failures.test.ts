import { describe, expect, it } from 'vitest';
import { captureConsole } from '../../support/console.ts';
import { call, withSettings } from './client.ts';
import { databaseOperations } from './operations.ts';

const TOKEN = 'tok_500_SECRET_c4f1_0123456789abcdef';
const auth = { authorization: `Bearer ${TOKEN}` };

describe('unexpected failures (500)', () => {
  it('answers a bare problem with the request id: no stack, SQL, connection string or secret', async () => {
    // A database that does not exist: the driver's error names it, and drizzle's wrapper quotes the SQL.
    const misconfigured = withSettings({ API_TOKENS: TOKEN });
    const url = new URL(misconfigured.DATABASE_URL);
    url.pathname = '/no_such_database';
    misconfigured.DATABASE_URL = url.toString();
    for (const { method, path, options } of databaseOperations) {
      const request = options();
      // The error lines this logs are logs.test.ts's subject; here they are kept out of the output.
      const { result: res } = await captureConsole(() =>
        call(method, path, { ...request, headers: { ...request.headers, ...auth }, env: misconfigured }),
      );
      expect(res.status, `${method} ${path}`).toBe(500);
      expect(res.body).toEqual({
        type: 'about:blank',
        title: 'Internal Server Error',
        status: 500,
        instance: `urn:request:${res.headers.get('x-request-id')}`,
        detail: 'Something went wrong on our side. Quote the instance (request id) when reporting it.',
      });
      const text = JSON.stringify(res.body) + [...res.headers].join('\n');
      for (const secret of [
        TOKEN,
        url.password,
        'no_such_database',
        'postgres://',
        'select',
        'insert',
        'from "todos"',
        '.ts:',
      ])
        expect(text).not.toContain(secret);
    }
  });

  it('answers 500 saying so when DATABASE_URL is not set', async () => {
    for (const DATABASE_URL of [undefined, '']) {
      for (const { method, path, options } of databaseOperations) {
        const res = await call(method, path, { ...options(), env: withSettings({ DATABASE_URL: DATABASE_URL }) });
        expect(res.status, `${method} ${path}`).toBe(500);
        expect(res.body.detail).toBe(
          'The server is misconfigured: the secret DATABASE_URL is not set, so there is no database to ask.',
        );
      }
    }
  });
});
