import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { app } from '../../../src/index.ts';
import { apiDocument, operationsOf } from '../../support/operations.ts';

// Every operation in the served document, so a route added later is covered without an edit here.
describe('query parameters no route declares', () => {
  it.each(operationsOf(apiDocument).map((o) => [o.method, o.path, o] as const))(
    'are refused by name on %s %s',
    async (method, path, operation) => {
      const res = await app.request(
        `${path}?force=true`,
        {
          method,
          body: operation.body,
          headers: operation.contentType ? { 'content-type': operation.contentType } : {},
        },
        env,
      );
      expect(res.status).toBe(400);
      expect(await res.json()).toMatchObject({ errors: [{ path: 'force', message: 'unknown field "force"' }] });
    },
  );
});
