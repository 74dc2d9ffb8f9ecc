import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { app } from '../../../src/index.ts';
import { call } from './client.ts';

describe('routing', () => {
  it('answers 404 with a problem for an unknown route', async () => {
    const res = await call('GET', '/nope');
    expect(res.status).toBe(404);
    expect(res.body).toMatchObject({ status: 404, title: 'Not Found' });
  });

  // Route paths were read as regular expressions: the dot of a path like /openapi.json matched any character.
  it.each(['/openapi_json', '/openapiXjson', '/docs/../openapi.json.bak'])(
    'answers 404, not 405, for %s',
    async (path) => {
      const res = await call('POST', path);
      expect(res.status).toBe(404);
      expect(res.headers.get('allow')).toBeNull();
    },
  );

  it.each([
    ['PUT', '/todos/1', 'GET, PATCH, DELETE'],
    ['DELETE', '/todos', 'POST, GET'],
    ['POST', '/health', 'GET'],
    ['GET', '/todos/import', 'POST'],
    ['DELETE', '/todos/import', 'POST'],
  ])('answers 405 with Allow for %s %s', async (method, path, allowed) => {
    const res = await call(method, path);
    expect(res.status).toBe(405);
    expect(res.headers.get('content-type')).toBe('application/problem+json');
    expect(res.headers.get('allow')).toBe(`${allowed}, ${allowed.includes('GET') ? 'HEAD, ' : ''}OPTIONS`);
  });
});

describe('every response', () => {
  const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

  it("carries a request id of the server's own, whatever the client sent", async () => {
    const generated = await call('GET', '/health');
    expect(generated.headers.get('x-request-id')).toMatch(UUID);
    // A client must not choose the id that names its problems in our logs (or someone else's).
    const theirs = await call('GET', '/nope', { headers: { 'x-request-id': 'client-abc-123' } });
    expect(theirs.headers.get('x-request-id')).toMatch(UUID);
    expect(theirs.body.instance).toBe(`urn:request:${theirs.headers.get('x-request-id')}`);
    const other = await call('GET', '/nope', { headers: { 'x-request-id': 'client-abc-123' } });
    expect(other.headers.get('x-request-id')).not.toBe(theirs.headers.get('x-request-id'));
  });

  it('allows any origin by default, without credentials', async () => {
    const res = await call('GET', '/health', { headers: { origin: 'https://example.com' } });
    expect(res.headers.get('access-control-allow-origin')).toBe('*');
    expect(res.headers.get('access-control-allow-credentials')).toBeNull();
  });

  /** A browser's CORS preflight for `method` on `path`, asking to send `headers`. */
  const preflight = (path: string, method: string, headers: string) =>
    call('OPTIONS', path, {
      headers: {
        origin: 'https://example.com',
        'access-control-request-method': method,
        'access-control-request-headers': headers,
      },
    });

  it('answers CORS preflights for the API', async () => {
    const res = await preflight('/todos', 'POST', 'content-type, idempotency-key');
    expect(res.status).toBe(204);
    expect(res.headers.get('access-control-allow-methods')?.split(',')).toEqual([
      'GET',
      'HEAD',
      'POST',
      'PATCH',
      'DELETE',
    ]);
    expect(res.headers.get('access-control-allow-headers')?.toLowerCase()).toContain('idempotency-key');
  });

  it('lets browsers send conditional requests (If-Match, If-None-Match)', async () => {
    const res = await preflight('/todos/1', 'PATCH', 'if-match, if-none-match');
    expect(res.status).toBe(204);
    const allowed = res.headers.get('access-control-allow-headers')?.toLowerCase().split(',');
    expect(allowed).toEqual(expect.arrayContaining(['if-match', 'if-none-match']));
  });

  it('lets browsers read the headers the API documents', async () => {
    const res = await call('GET', '/health', { headers: { origin: 'https://example.com' } });
    expect(res.headers.get('access-control-expose-headers')?.split(',')).toEqual([
      'Location',
      'Retry-After',
      'X-Request-Id',
      'Idempotent-Replayed',
      'ETag',
    ]);
  });

  it('says that an answer depends on Origin, after what the route itself varies on', async () => {
    const res = await call('GET', '/todos', { headers: { origin: 'https://example.com' } });
    expect(res.headers.get('vary')).toBe('Accept, Origin');
  });

  it('sends the CORS headers with problems too', async () => {
    const res = await call('GET', '/nope', { headers: { origin: 'https://example.com' } });
    expect(res.status).toBe(404);
    expect(res.headers.get('access-control-allow-origin')).toBe('*');
    expect(res.headers.get('access-control-expose-headers')).toContain('X-Request-Id');
    expect(res.headers.get('vary')).toBe('Origin');
  });

  it('allows any origin when CORS_ORIGINS is unset', async () => {
    const res = await app.request(
      '/health',
      { headers: { origin: 'https://example.com' } },
      { ...env, CORS_ORIGINS: undefined },
    );
    expect(res.status).toBe(200);
    expect(res.headers.get('access-control-allow-origin')).toBe('*');
  });

  it('restricts origins to CORS_ORIGINS when set', async () => {
    const e = { ...env, CORS_ORIGINS: 'https://app.example' };
    const allowed = await app.request('/health', { headers: { origin: 'https://app.example' } }, e);
    const other = await app.request('/health', { headers: { origin: 'https://evil.example' } }, e);
    expect(allowed.headers.get('access-control-allow-origin')).toBe('https://app.example');
    expect(other.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('sends secure headers with a Content-Security-Policy', async () => {
    const res = await call('GET', '/docs');
    expect(res.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
  });
});
