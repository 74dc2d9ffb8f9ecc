import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { noQuery } from '../../../src/middleware/no-query.ts';

const app = new Hono().delete('/todos/:id', noQuery(), (c) => c.body(null, 204));

describe('the guard of routes that take no query', () => {
  it('lets a request without a query through, and one with a bare ?', async () => {
    expect((await app.request('/todos/1', { method: 'DELETE' })).status).toBe(204);
    expect((await app.request('/todos/1?', { method: 'DELETE' })).status).toBe(204);
  });

  it('refuses a single parameter', async () => {
    expect((await app.request('/todos/1?force', { method: 'DELETE' })).status).toBe(400);
  });

  it('refuses each parameter by name with a 400 problem, and the route does not run', async () => {
    const res = await app.request('/todos/1?force=true&also', { method: 'DELETE' });
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    const body = await res.json<{ errors: { path: string }[] }>();
    expect(body.errors.map((e) => e.path)).toEqual(['force', 'also']);
  });
});
