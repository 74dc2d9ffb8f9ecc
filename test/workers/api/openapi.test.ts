import { describe, expect, it } from 'vitest';
import { apiDocument } from '../../support/operations.ts';
import { call } from './client.ts';

// The document is a static asset (the committed openapi.json); test/node/api/swagger-ui.test.ts fetches it
// from wrangler dev, and test/node/api/openapi-drift.test.ts checks that it is the routes' document.
describe('the OpenAPI document (/openapi.json)', () => {
  it('is an OpenAPI 3.1 document whose server is relative, so "Try it out" calls whichever origin served it', () => {
    expect(apiDocument.openapi).toBe('3.1.0');
    expect(apiDocument.servers).toEqual([{ url: '/', description: 'The origin serving this document' }]);
  });

  it("is not the Worker's: the Worker answers it 404, the asset layer serves it", async () => {
    expect((await call('GET', '/openapi.json')).status).toBe(404);
  });

  it('gives every operation an id, a tag and problem responses for its errors', () => {
    const { paths } = apiDocument;
    const operations = Object.values(paths).flatMap((item: any) => Object.values(item)) as any[];
    expect(operations.map((op) => op.operationId).sort()).toEqual([
      'createList',
      'createTodo',
      'deleteList',
      'deleteTodo',
      'getList',
      'getMe',
      'getTodo',
      'health',
      'importTodos',
      'listAllChanges',
      'listChanges',
      'listLists',
      'listTodos',
      'updateList',
      'updateTodo',
    ]);
    for (const op of operations) {
      expect(op.operationId).toEqual(expect.any(String));
      expect(op.tags.length).toBeGreaterThan(0);
      for (const status of ['500', '503'])
        expect(op.responses[status].content['application/problem+json']).toBeDefined();
    }
  });

  it('declares the bearer scheme for /todos and leaves /health public', () => {
    const doc = apiDocument as Record<string, any>;
    expect(doc.components.securitySchemes.bearerAuth).toMatchObject({ type: 'http', scheme: 'bearer' });
    expect(doc.paths['/todos'].post.security).toEqual([{ bearerAuth: [] }]);
    expect(doc.paths['/health'].get.security).toEqual([]);
  });
});

describe('GET /docs', () => {
  it('serves Swagger UI from this origin only: no CDN, no inline script', async () => {
    const res = await call('GET', '/docs');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/html');
    const html = res.body as string;
    expect(html).toContain('/docs/swagger-ui-bundle.js');
    expect(html).not.toMatch(/https?:\/\//);
    expect(html).not.toMatch(/<script>[^<]/);
  });
});
