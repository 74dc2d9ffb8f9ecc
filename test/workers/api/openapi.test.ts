import { describe, expect, it } from 'vitest';
import committed from '../../../openapi.json';
import { call } from './client.ts';

describe('GET /openapi.json', () => {
  it('is an OpenAPI 3.1 document naming the origin that served it', async () => {
    const res = await call('GET', '/openapi.json');
    expect(res.status).toBe(200);
    expect(res.body.openapi).toBe('3.1.0');
    expect(res.body.servers).toEqual([{ url: 'http://localhost', description: 'This server' }]);
  });

  // test/node/api/openapi-drift.test.ts checks that the file is the routes' document.
  it('is the committed openapi.json', async () => {
    const { servers: _served, ...served } = (await call('GET', '/openapi.json')).body;
    const { servers: _file, ...file } = committed as Record<string, unknown>;
    expect(served).toEqual(file);
  });

  it('gives every operation an id, a tag and problem responses for its errors', async () => {
    const { paths } = (await call('GET', '/openapi.json')).body;
    const operations = Object.values(paths).flatMap((item: any) => Object.values(item)) as any[];
    expect(operations.map((op) => op.operationId).sort()).toEqual([
      'createTodo',
      'deleteTodo',
      'getTodo',
      'health',
      'importTodos',
      'listChanges',
      'listTodos',
      'updateTodo',
    ]);
    for (const op of operations) {
      expect(op.operationId).toEqual(expect.any(String));
      expect(op.tags.length).toBeGreaterThan(0);
      for (const status of ['500', '503'])
        expect(op.responses[status].content['application/problem+json']).toBeDefined();
    }
  });

  it('declares the bearer scheme for /todos and leaves /health public', async () => {
    const doc = (await call('GET', '/openapi.json')).body;
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
