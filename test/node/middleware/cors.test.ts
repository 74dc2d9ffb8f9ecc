import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { cors } from '../../../src/middleware/cors/index.ts';

const ALLOWED = 'https://app.example';
const app = new Hono()
  .use(
    cors({
      origin: (origin) => (origin === ALLOWED ? origin : null),
      allowMethods: () => ['GET', 'POST'],
      allowHeaders: ['Authorization', 'Content-Type'],
      exposeHeaders: ['ETag', 'Location'],
      maxAge: 600,
    }),
  )
  .get('/', (c) => c.json({ ok: true }, 200, { Vary: 'Accept' }));

describe('CORS', () => {
  it('names an allowed origin, exposes the headers, and adds Origin to what the route varies on', async () => {
    const res = await app.request('/', { headers: { origin: ALLOWED } });
    expect(res.status).toBe(200);
    expect(res.headers.get('access-control-allow-origin')).toBe(ALLOWED);
    expect(res.headers.get('access-control-expose-headers')).toBe('ETag,Location');
    expect(res.headers.get('vary')).toBe('Accept, Origin');
  });

  it('answers another origin without allowing it, still varying on Origin', async () => {
    const res = await app.request('/', { headers: { origin: 'https://evil.example' } });
    expect(res.status).toBe(200);
    expect(res.headers.get('access-control-allow-origin')).toBeNull();
    expect(res.headers.get('vary')).toContain('Origin');
  });

  it("answers a preflight with hono's cors: methods, headers and max age", async () => {
    const res = await app.request('/', {
      method: 'OPTIONS',
      headers: { origin: ALLOWED, 'access-control-request-method': 'POST' },
    });
    expect(res.status).toBe(204);
    expect(res.headers.get('access-control-allow-origin')).toBe(ALLOWED);
    expect(res.headers.get('access-control-allow-methods')).toBe('GET,POST');
    expect(res.headers.get('access-control-allow-headers')).toBe('Authorization,Content-Type');
    expect(res.headers.get('access-control-max-age')).toBe('600');
  });
});
