import { describe, expect, it } from 'vitest';
import { OpenAPIHono, createRoute, z } from '../../../src/vendor/zod-openapi.ts';
import { defineRoute } from '../../../src/lib/define-route.ts';
import { jsonRequest, requestOf } from '../../../src/lib/request-parts.ts';

/** A schema builder that counts its builds. */
function counted<T>(build: () => T) {
  const builder = () => {
    builder.builds++;
    return build();
  };
  builder.builds = 0;
  return builder;
}

describe('requestOf', () => {
  it('builds a part when it is first read, once, and names every part without building one', () => {
    const query = counted(() => z.object({ q: z.string() }));
    const body = jsonRequest(counted(() => z.object({ text: z.string() })));
    const request = requestOf({ query, body });
    expect(Object.keys(request)).toEqual(['query', 'body']);
    expect('query' in request).toBe(true);
    expect(query.builds).toBe(0);
    const first = request.query;
    expect(request.query).toBe(first);
    expect(query.builds).toBe(1);
    expect(request.body.required).toBe(true);
    expect(request.body.content['application/json'].schema).toBe(request.body.content['application/json'].schema);
  });
});

describe("the Worker's router (src/vendor/zod-openapi.ts)", () => {
  /** Two routes, each with a counted query schema, and a hook that answers 400 with the issues' paths. */
  function twoRoutes() {
    const a = counted(() => z.strictObject({ n: z.string().regex(/^\d+$/, 'digits').transform(Number) }));
    const b = counted(() => z.strictObject({ s: z.string() }));
    const app = new OpenAPIHono({
      defaultHook: (result, c) =>
        result.success ? undefined : c.json({ invalid: (result.error as z.ZodError).issues.map((i) => i.path) }, 400),
    });
    app.openapi(createRoute({ method: 'get', path: '/a', request: requestOf({ query: a }) }), async (c) =>
      c.json({ n: (c.req.valid as (target: 'query') => { n: number })('query').n }),
    );
    app.openapi(createRoute({ method: 'get', path: '/b', request: requestOf({ query: b }) }), async (c) => c.text('b'));
    // A JSON body: a media-type gate (which only awaits its next) runs before the body's validator.
    const body = jsonRequest(() => z.strictObject({ text: z.string() }));
    app.openapi(createRoute({ method: 'post', path: '/c', request: requestOf({ body }) }), async (c) =>
      c.json((c.req.valid as (target: 'json') => unknown)('json'), 201),
    );
    return { app, a, b };
  }

  it("builds no request schema as routes are declared, and only the requested route's on its first request", async () => {
    const { app, a, b } = twoRoutes();
    expect([a.builds, b.builds]).toEqual([0, 0]);
    const answer = await app.request('/a?n=41');
    expect(answer.status).toBe(200);
    expect(await answer.json()).toEqual({ n: 41 });
    expect([a.builds, b.builds]).toEqual([1, 0]);
    await app.request('/a?n=1');
    expect([a.builds, b.builds]).toEqual([1, 0]);
  });

  it("validates with the schema it built: a bad request gets the hook's answer and never reaches the handler", async () => {
    const { app, b } = twoRoutes();
    const bad = await app.request('/a?n=x');
    expect(bad.status).toBe(400);
    expect(await bad.json()).toEqual({ invalid: [['n']] });
    const unknown = await app.request('/a?n=1&extra=1');
    expect(unknown.status).toBe(400);
    expect(b.builds).toBe(0);
    const post = (body: unknown) =>
      app.request('/c', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    const badBody = await post({ text: 1 });
    expect(badBody.status).toBe(400);
    expect(await badBody.json()).toEqual({ invalid: [['text']] });
    const goodBody = await post({ text: 'a' });
    expect([goodBody.status, await goodBody.json()]).toEqual([201, { text: 'a' }]);
  });
});

describe('defineRoute', () => {
  it('refuses a request whose schemas were built as it was declared', () => {
    const route = { method: 'get', path: '/c', responses: {} } as const;
    expect(() => defineRoute({ ...route, request: { query: z.object({}) } })).toThrow(
      'GET /c: request.query is built as the Worker loads; declare the request with requestOf(...)',
    );
    expect(defineRoute({ ...route, request: requestOf({ query: () => z.object({}) }) }).path).toBe('/c');
  });
});
