import { env } from 'cloudflare:workers';
import { describe, expect, it, vi } from 'vitest';
import app from '../../../src/index.ts';
import { matchesAnyToken } from '../../../src/middleware/auth/index.ts';
import { call, withSettings } from './client.ts';

const protectedEnv = withSettings({ API_TOKENS: ' tok_old , tok_new ,' });
const json = 'application/json';
// Every route under /todos. (To be replaced by a walk over the served OpenAPI document.)
const routes: [string, string, string?, string?][] = [
  ['GET', '/todos'], ['POST', '/todos', '{"text":"x"}', json], ['GET', '/todos/1'], ['PATCH', '/todos/1', '{"done":true}', json], ['DELETE', '/todos/1'],
  ['POST', '/todos/import', 'text\nx\n', 'text/csv'],
];
const request = (method: string, path: string, body: string | undefined, type = json, authorization?: string, e = protectedEnv) =>
  call(method, path, { body, headers: { 'content-type': type, ...(authorization ? { authorization } : {}) }, env: e });

describe('bearer auth when API_TOKENS is set', () => {
  it.each(routes)('refuses %s %s without a token: 401 problem with WWW-Authenticate', async (method, path, body, type) => {
    const res = await request(method, path, body, type);
    expect(res.status).toBe(401);
    expect(res.headers.get('content-type')).toBe('application/problem+json');
    expect(res.headers.get('www-authenticate')).toBe('Bearer realm="todos"');
  });

  it.each(['Basic dG9rX25ldw==', 'Bearer', 'Bearer ', 'Bearertok_new', 'Bearer tok_new extra', 'tok_new'])(
    'refuses a malformed Authorization header: %s',
    async (authorization) => {
      for (const [method, path, body, type] of routes) expect((await request(method, path, body, type, authorization)).status).toBe(401);
    },
  );

  it.each(['Bearer tok_wrong', 'Bearer tok_ne', 'Bearer tok_new2', 'Bearer TOK_NEW'])('refuses a wrong token: %s', async (authorization) => {
    const res = await request('GET', '/todos', undefined, json, authorization);
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toContain('error="invalid_token"');
  });

  it('accepts every configured token, with any case of the scheme', async () => {
    for (const authorization of ['Bearer tok_old', 'Bearer tok_new', 'bearer tok_new', 'BEARER  tok_old']) {
      expect((await request('GET', '/todos', undefined, json, authorization)).status).toBe(200);
    }
  });

  it('stops accepting a token once it is rotated out', async () => {
    const rotated = withSettings({ API_TOKENS: 'tok_new' });
    expect((await request('GET', '/todos', undefined, json, 'Bearer tok_old', rotated)).status).toBe(401);
    expect((await request('GET', '/todos', undefined, json, 'Bearer tok_new', rotated)).status).toBe(200);
  });

  it('leaves /health, /openapi.json and /docs public', async () => {
    for (const path of ['/health', '/openapi.json', '/docs']) expect((await call('GET', path, { env: protectedEnv })).status).toBe(200);
  });
});

describe('open mode', () => {
  it('lets everyone in when API_TOKENS is unset or blank', async () => {
    for (const API_TOKENS of [undefined, '', ' , ']) expect((await app.request('/todos', {}, { ...env, API_TOKENS })).status).toBe(200);
  });
});

describe('token comparison', () => {
  const tokens = ['tok_a', 'tok_b', 'tok_c'];
  /** How many SHA-256 digests one comparison against `tokens` computes. */
  async function digestsFor(presented: string) {
    const digest = vi.spyOn(crypto.subtle, 'digest');
    try {
      const matched = await matchesAnyToken(presented, tokens);
      return { matched, digests: digest.mock.calls.length };
    } finally {
      digest.mockRestore();
    }
  }

  it('tells match from mismatch', async () => {
    expect((await digestsFor('tok_b')).matched).toBe(true);
    expect((await digestsFor('tok_d')).matched).toBe(false);
    expect(await matchesAnyToken('', [])).toBe(false);
  });

  it('hashes every configured token whether the first, the last or none matches (no early exit)', async () => {
    const [first, last, none] = [await digestsFor('tok_a'), await digestsFor('tok_c'), await digestsFor('tok_x')];
    expect(first.digests).toBeGreaterThanOrEqual(tokens.length);
    expect(last.digests).toBe(first.digests);
    expect(none.digests).toBe(first.digests);
  });
});
