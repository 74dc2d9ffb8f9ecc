import { env } from 'cloudflare:workers';
import { describe, expect, it, vi } from 'vitest';
import type { Env } from '../../../src/env.ts';
import { app } from '../../../src/index.ts';
import { indexOfSecret } from '../../../src/auth/secrets.ts';
import { apiDocument, operationsOf } from '../../support/operations.ts';
import { call } from './client.ts';

/** Static tokens as long as API_TOKENS requires (32 characters at least), named by how the tests use them. */
const long = (name: string) => `${name}_0f9e8d7c6b5a4f3e2d1c0b9a8f7e6d5c`;
const [TOK_OLD, TOK_NEW, TOK_X] = [long('tok_old'), long('tok_new'), long('tok_x')];
const protectedEnv: Env = { ...env, AUTH_ANONYMOUS: undefined, API_TOKENS: ` ${TOK_OLD} , ${TOK_NEW} ,` };
// Every operation the served document marks as secured: a route added later is covered without an edit here.
const operations = operationsOf(apiDocument);
const secured = operations.filter((o) => o.secured);
const routes = secured.map((o): [string, string, string?] => [o.method, o.path, o.body]);
/** Calls an operation under `e`, its answer checked against the served document (call). */
const request = async (
  method: string,
  path: string,
  body: string | undefined,
  authorization?: string,
  e = protectedEnv,
) => {
  const contentType = operations.find((o) => o.method === method && o.path === path)?.contentType ?? 'application/json';
  const res = await call(method, path, {
    body,
    headers: { 'content-type': contentType, ...(authorization ? { authorization } : {}) },
    env: e,
  });
  return { status: res.status, headers: res.headers, json: <T>() => Promise.resolve(res.body as T) };
};

describe('bearer auth when API_TOKENS is set', () => {
  it('finds the protected operations in the served document, and the public ones', () => {
    expect(routes.length).toBeGreaterThanOrEqual(6);
    expect(operations.filter((o) => !o.secured).map((o) => `${o.method} ${o.path}`)).toEqual(['GET /health']);
  });

  it.each(routes)('refuses %s %s without a token: 401 problem with WWW-Authenticate', async (method, path, body) => {
    const res = await request(method, path, body);
    expect(res.status).toBe(401);
    expect(res.headers.get('content-type')).toBe('application/problem+json');
    expect(res.headers.get('www-authenticate')).toBe('Bearer realm="todos"');
  });

  it.each(['Basic dG9rX25ldw==', 'Bearer', 'Bearer ', `Bearer${TOK_NEW}`, `Bearer ${TOK_NEW} extra`, TOK_NEW])(
    'refuses a malformed Authorization header: %s',
    async (authorization) => {
      for (const [method, path, body] of routes)
        expect((await request(method, path, body, authorization)).status).toBe(401);
    },
  );

  it.each([
    `Bearer ${long('tok_wrong')}`,
    `Bearer ${TOK_NEW.slice(0, -1)}`,
    `Bearer ${TOK_NEW}2`,
    `Bearer ${TOK_NEW.toUpperCase()}`,
  ])('refuses a wrong token: %s', async (authorization) => {
    const res = await request('GET', '/todos', undefined, authorization);
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toContain('error="invalid_token"');
  });

  it('accepts every configured token, with any case of the scheme', async () => {
    for (const authorization of [`Bearer ${TOK_OLD}`, `Bearer ${TOK_NEW}`, `bearer ${TOK_NEW}`, `BEARER  ${TOK_OLD}`]) {
      expect((await request('GET', '/todos', undefined, authorization)).status).toBe(200);
    }
  });

  it('stops accepting a token once it is rotated out', async () => {
    const rotated = { ...env, API_TOKENS: TOK_NEW };
    expect((await request('GET', '/todos', undefined, `Bearer ${TOK_OLD}`, rotated)).status).toBe(401);
    expect((await request('GET', '/todos', undefined, `Bearer ${TOK_NEW}`, rotated)).status).toBe(200);
  });

  // /openapi.json is a static asset: the Worker never sees that request (test/node/api/swagger-ui.test.ts).
  it('leaves /health and /docs public', async () => {
    for (const path of ['/health', '/docs']) expect((await app.request(path, {}, protectedEnv)).status).toBe(200);
  });
});

describe('anonymous access and secure by default', () => {
  it('lets a caller without a token in only when AUTH_ANONYMOUS is on', async () => {
    expect((await app.request('/todos', {}, { ...env, AUTH_ANONYMOUS: 'on' })).status).toBe(200);
    expect((await app.request('/todos', {}, { ...env, AUTH_ANONYMOUS: 'on', API_TOKENS: TOK_X })).status).toBe(200);
    expect((await app.request('/todos', {}, { ...env, AUTH_ANONYMOUS: 'off' })).status).toBe(401);
  });

  // Two anonymous callers cannot be told apart, but they are not the holders of a bare token (`default`).
  it("acts as the owner anonymous, apart from a bare token's default: neither sees or changes the other's todos", async () => {
    const both = { ...env, AUTH_ANONYMOUS: 'on', API_TOKENS: TOK_X };
    const as = (authorization?: string) => ({
      'content-type': 'application/json',
      ...(authorization ? { authorization } : {}),
    });
    const text = `anonymous-apart-${crypto.randomUUID()}`;
    const created = await app.request(
      '/todos',
      { method: 'POST', headers: as(), body: JSON.stringify({ text }) },
      both,
    );
    expect(created.status).toBe(201);
    const { id } = await created.json<{ id: number }>();
    const bare = `Bearer ${TOK_X}`;
    expect((await app.request(`/todos/${id}`, { headers: as(bare) }, both)).status).toBe(404);
    expect(
      (await app.request(`/todos/${id}`, { method: 'PATCH', headers: as(bare), body: '{"done":true}' }, both)).status,
    ).toBe(404);
    const listed = await (
      await app.request('/todos?limit=100', { headers: as(bare) }, both)
    ).json<{
      items: { id: number }[];
    }>();
    expect(listed.items.map((t) => t.id)).not.toContain(id);
    expect((await app.request(`/todos/${id}`, { headers: as() }, both)).status).toBe(200);
  });

  it('refuses a bad credential even when anonymous access is on', async () => {
    const res = await app.request(
      '/todos',
      { headers: { authorization: 'Bearer nope' } },
      { ...env, AUTH_ANONYMOUS: 'on', API_TOKENS: TOK_X },
    );
    expect(res.status).toBe(401);
  });

  // Unset API_TOKENS used to mean open; now nothing configured means nobody, and the log says why once.
  it.each(routes)(
    'answers %s %s with 401 when no identity source is configured and anonymous access is off',
    async (method, path, body) => {
      const warnings: string[] = [];
      vi.spyOn(console, 'warn').mockImplementation((line: string) => void warnings.push(line));
      const nothing = {
        ...env,
        AUTH_ANONYMOUS: undefined,
        API_TOKENS: undefined,
        AUTH_JWKS_URL: undefined,
        AUTH_ISSUER: undefined,
      };
      const res = await request(method, path, body, undefined, nothing);
      expect(res.status).toBe(401);
      expect((await res.json<{ detail: string }>()).detail).toMatch(/accepts no credentials yet/);
      expect(warnings.every((line) => line.includes('NoIdentitySource'))).toBe(true);
      vi.restoreAllMocks();
    },
  );
});

describe('API_TOKENS', () => {
  it('names owners: name:token is token:<name>, a bare token is default, and a token may contain ":"', async () => {
    const [colon, bare, y] = [long('s3cr:et'), long('bare-token'), long('y')];
    const tokens = { ...protectedEnv, API_TOKENS: `ci:${colon}, ${bare}, x:${y}` };
    for (const token of [colon, bare, y])
      expect((await request('GET', '/todos', undefined, `Bearer ${token}`, tokens)).status).toBe(200);
    for (const token of [`ci:${colon}`, 's3cr', `x:${y}`, 'x'])
      expect((await request('GET', '/todos', undefined, `Bearer ${token}`, tokens)).status).toBe(401);
  });

  // A value that names no token is a mistake (a stray comma in a secret), never a wish to be open.
  it('refuses every request with a 500 that names API_TOKENS when it names no token, and logs what to fix once', async () => {
    const errors: string[] = [];
    vi.spyOn(console, 'error').mockImplementation((line: string) => void errors.push(line));
    // Another misconfiguration first, so that this one is news to the isolate's log.
    expect((await app.request('/todos', {}, { ...env, DB_TIMEOUT_MS: '5s' })).status).toBe(500);
    for (const API_TOKENS of [',', ' , ', ' ', ',,']) {
      for (const [method, path, body] of [...routes, ['GET', '/health'] as [string, string]]) {
        const res = await request(method, path, body, 'Bearer anything', { ...env, API_TOKENS });
        expect(res.status).toBe(500);
        expect(res.headers.get('content-type')).toBe('application/problem+json');
        expect((await res.json<{ detail: string }>()).detail).toMatch(/misconfigured: check API_TOKENS;/);
      }
    }
    expect(errors.filter((line) => line.includes('API_TOKENS is set but names no token'))).toHaveLength(1);
    vi.restoreAllMocks();
  });

  // A short token can be guessed, or is a placeholder (`changeme`) left in the secret.
  it.each([
    ['a bare token', 'changeme'],
    ['a named token', `deploybot:${'x'.repeat(31)}`],
  ])(
    'refuses to serve with %s shorter than 32 characters, naming neither the token nor its entry',
    async (_, API_TOKENS) => {
      const errors: string[] = [];
      vi.spyOn(console, 'error').mockImplementation((line: string) => void errors.push(line));
      try {
        const res = await request('GET', '/todos', undefined, `Bearer ${API_TOKENS}`, { ...env, API_TOKENS });
        expect(res.status).toBe(500);
        const detail = (await res.json<{ detail: string }>()).detail;
        expect(detail).toMatch(/misconfigured: check API_TOKENS;/);
        for (const secretish of ['changeme', 'xxxxxxxx', 'deploybot', 'entry']) expect(detail).not.toContain(secretish);
        // The log says which entry and why, and still holds no token.
        expect(errors.join('\n')).toMatch(/fewer than 32 characters/);
        expect(errors.join('\n')).not.toMatch(/changeme|xxxxxxxx/);
      } finally {
        vi.restoreAllMocks();
      }
    },
  );
});

describe('token comparison', () => {
  const tokens = ['tok_a', 'tok_b', 'tok_c'];
  /** How many SHA-256 digests one comparison against `tokens` computes. */
  async function digestsFor(presented: string) {
    const digest = vi.spyOn(crypto.subtle, 'digest');
    try {
      const matched = (await indexOfSecret(presented, tokens)) !== -1;
      return { matched, digests: digest.mock.calls.length };
    } finally {
      digest.mockRestore();
    }
  }

  it('tells match from mismatch', async () => {
    expect((await digestsFor('tok_b')).matched).toBe(true);
    expect((await digestsFor('tok_d')).matched).toBe(false);
    expect(await indexOfSecret('', [])).toBe(-1);
  });

  it('hashes every configured token whether the first, the last or none matches (no early exit)', async () => {
    const [first, last, none] = [await digestsFor('tok_a'), await digestsFor('tok_c'), await digestsFor('tok_x')];
    expect(first.digests).toBeGreaterThanOrEqual(tokens.length);
    expect(last.digests).toBe(first.digests);
    expect(none.digests).toBe(first.digests);
  });
});
