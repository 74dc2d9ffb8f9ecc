import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import app from '../../../src/index.ts';
import { call } from './client.ts';

describe('routing', () => {
  it('answers 404 with a problem for an unknown route', async () => {
    const res = await call('GET', '/nope');
    expect(res.status).toBe(404);
    expect(res.body).toMatchObject({ status: 404, title: 'Not Found' });
  });

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
  it('carries a request id, and keeps a sane one the client sent', async () => {
    const generated = await call('GET', '/health');
    expect(generated.headers.get('x-request-id')).toMatch(/^[\w-]{8,}$/);
    const echoed = await call('GET', '/nope', { headers: { 'x-request-id': 'client-abc-123' } });
    expect(echoed.headers.get('x-request-id')).toBe('client-abc-123');
    expect(echoed.body.instance).toBe('urn:request:client-abc-123');
  });

  it('allows any origin by default, without credentials', async () => {
    const res = await call('GET', '/health', { headers: { origin: 'https://example.com' } });
    expect(res.headers.get('access-control-allow-origin')).toBe('*');
    expect(res.headers.get('access-control-allow-credentials')).toBeNull();
  });

  it('answers CORS preflights for the API', async () => {
    const res = await call('OPTIONS', '/todos', {
      headers: { origin: 'https://example.com', 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type, idempotency-key' },
    });
    expect(res.status).toBe(204);
    expect(res.headers.get('access-control-allow-methods')?.split(',')).toEqual(['GET', 'HEAD', 'POST', 'PATCH', 'DELETE']);
    expect(res.headers.get('access-control-allow-headers')?.toLowerCase()).toContain('idempotency-key');
  });

  it('lets browsers read the headers the API documents', async () => {
    const res = await call('GET', '/health', { headers: { origin: 'https://example.com' } });
    expect(res.headers.get('access-control-expose-headers')?.split(',')).toEqual(['Location', 'Retry-After', 'X-Request-Id', 'Idempotent-Replayed']);
  });

  it('allows any origin when CORS_ORIGINS is unset', async () => {
    const res = await app.request('/health', { headers: { origin: 'https://example.com' } }, { ...env, CORS_ORIGINS: undefined });
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
