import { Hono, type Context } from 'hono';
import { describe, expect, it } from 'vitest';
import { ProblemError } from '../../../src/lib/problem.ts';
import { literalPathMethods, noRouteProblem, routeTable } from '../../../src/middleware/method-not-allowed.ts';

const answer = (c: Context, problem: ProblemError) =>
  c.text(problem.message, problem.status as 404 | 405, problem.options.headers);

const app = new Hono();
const table = routeTable(app);
app
  .use(literalPathMethods(table))
  .get('/todos', (c) => c.text('list'))
  .post('/todos', (c) => c.text('create'))
  .post('/todos/import', (c) => c.text('import'))
  .get('/todos/:id', (c) => c.text(`get ${c.req.param('id')}`))
  .patch('/todos/:id', (c) => c.text(`patch ${c.req.param('id')}`))
  .notFound((c) => answer(c, noRouteProblem(table.methodsFor(c.req.path), c.req.method, c.req.path)))
  .onError((err, c) => (err instanceof ProblemError ? answer(c, err) : c.text('unexpected', 500)));

describe('the route table', () => {
  it('lists the methods of a path, with HEAD for GET and OPTIONS', () => {
    expect(table.methodsFor('/todos').sort()).toEqual(['GET', 'HEAD', 'OPTIONS', 'POST']);
    expect(table.methodsFor('/todos/7').sort()).toEqual(['GET', 'HEAD', 'OPTIONS', 'PATCH']);
    expect(table.methodsFor('/nothing')).toEqual([]);
    expect(table.methods()).toEqual(['GET', 'HEAD', 'POST', 'PATCH']);
  });

  it("gives a literal path its own methods only, not the parameter route's", () => {
    expect(table.isLiteral('/todos/import')).toBe(true);
    expect(table.isLiteral('/todos/7')).toBe(false);
    expect(table.methodsFor('/todos/import').sort()).toEqual(['OPTIONS', 'POST']);
  });
});

describe('405 on a known path', () => {
  it('answers another method on a literal path with 405 and Allow, before the parameter route', async () => {
    const res = await app.request('/todos/import', { method: 'PATCH' });
    expect(res.status).toBe(405);
    expect(res.headers.get('allow')).toBe('POST, OPTIONS');
  });

  it('answers an unserved method on a parameter path with 405 and Allow', async () => {
    const res = await app.request('/todos/7', { method: 'DELETE' });
    expect(res.status).toBe(405);
    expect(res.headers.get('allow')?.split(', ').sort()).toEqual(['GET', 'HEAD', 'OPTIONS', 'PATCH']);
  });

  it('answers an unknown path with 404, and lets served methods through', async () => {
    expect((await app.request('/nothing')).status).toBe(404);
    expect(await (await app.request('/todos/import', { method: 'POST' })).text()).toBe('import');
    expect(await (await app.request('/todos/7', { method: 'PATCH' })).text()).toBe('patch 7');
  });
});
