import { env } from 'cloudflare:workers';
import { describe, expect, inject, it } from 'vitest';
import { LOCAL_AUDIENCE } from '../../../dev/local-audience.ts';
import type { Env } from '../../../src/env.ts';
import { call } from './client.ts';

// GET /me: who the caller is (each way of being identified), their usage and their limits; never anyone else's.
const run = crypto.randomUUID().slice(0, 8);
const secret = (name: string) => `me-${name}-${run}-${crypto.randomUUID()}`;
const TOKENS = { alice: secret('alice'), bob: secret('bob'), bare: secret('bare') };
const gateway = inject('gatewayUrl');
const scope = `me-${run}`;

/** Every way in at once: named tokens, a bare one, the local issuer's JWTs (a key ring of this file's own), anonymous. */
const settings: Env = {
  ...env,
  API_TOKENS: `alice${run}:${TOKENS.alice},bob${run}:${TOKENS.bob},${TOKENS.bare}`,
  AUTH_JWKS_URL: `${gateway}/.well-known/jwks.json?scope=${scope}`,
  AUTH_ISSUER: gateway,
  AUTH_AUDIENCE: LOCAL_AUDIENCE,
  AUTH_ANONYMOUS: 'on',
  TODO_QUOTA: '250',
};

const as = (authorization?: string, more: Partial<Env> = {}) => ({
  me: () => call('GET', '/me', { headers: authorization ? { authorization } : {}, env: { ...settings, ...more } }),
  create: (text: string) =>
    call('POST', '/todos', { json: { text }, headers: authorization ? { authorization } : {}, env: settings }),
});

async function jwtFor(sub: string): Promise<string> {
  const res = await fetch(`${gateway}/issuer/token?scope=${scope}`, { method: 'POST', body: JSON.stringify({ sub }) });
  return `Bearer ${(await res.json<{ token: string }>()).token}`;
}

describe('GET /me', () => {
  it.each([
    ['a named static token', () => `Bearer ${TOKENS.alice}`, { kind: 'token', id: `token:alice${run}` }],
    ['a bare static token', () => `Bearer ${TOKENS.bare}`, { kind: 'token', id: 'default' }],
    ['an OpenID Connect JWT', () => jwtFor(`carol${run}`), { kind: 'jwt', id: `jwt:carol${run}` }],
    ['no credential, with anonymous access on', () => undefined, { kind: 'anonymous', id: 'anonymous' }],
  ])('names how the caller came in: %s', async (_, credential, owner) => {
    const res = await as(await credential()).me();
    expect(res.status).toBe(200);
    expect(res.body.owner).toEqual(owner);
    expect(res.headers.get('cache-control')).toBe('private, no-store');
  });

  it("counts the caller's todos against the quota, and never another owner's", async () => {
    const [alice, bob] = [as(`Bearer ${TOKENS.alice}`), as(`Bearer ${TOKENS.bob}`)];
    const before = { alice: (await alice.me()).body.usage.todos, bob: (await bob.me()).body.usage.todos };
    for (const text of ['one', 'two']) expect((await alice.create(text)).status).toBe(201);
    expect((await bob.create('three')).status).toBe(201);
    expect((await alice.me()).body.usage).toEqual({ todos: before.alice + 2, quota: 250, lists: 1, listQuota: 1000 });
    expect((await bob.me()).body.usage).toEqual({ todos: before.bob + 1, quota: 250, lists: 1, listQuota: 1000 });
  });

  it('says 0 for an owner who never wrote', async () => {
    const res = await as(await jwtFor(`dave${run}`)).me();
    // The default list counts before any write has made it.
    expect(res.body.usage).toEqual({ todos: 0, quota: 250, lists: 1, listQuota: 1000 });
  });

  it('states the limits that apply, the quota from TODO_QUOTA (100000 when unset)', async () => {
    const res = await as(`Bearer ${TOKENS.alice}`).me();
    expect(res.body.limits).toEqual({
      todos: 250,
      lists: 1000,
      keptDeletions: 250,
      changesRetentionDays: 30,
      importRows: 100_000,
      importBytes: 10 * 1024 * 1024,
      textLength: 1000,
      titleLength: 200,
    });
    const unset = await as(`Bearer ${TOKENS.alice}`, { TODO_QUOTA: undefined }).me();
    expect(unset.body.usage.quota).toBe(100_000);
    expect(unset.body.limits.todos).toBe(100_000);
  });

  it('refuses a query parameter by name, and other methods with 405 and Allow', async () => {
    const query = await call('GET', '/me?owner=token:bob', {
      headers: { authorization: `Bearer ${TOKENS.alice}` },
      env: settings,
    });
    expect(query.status).toBe(400);
    expect(JSON.stringify(query.body)).toContain('owner');
    const post = await call('POST', '/me', { headers: { authorization: `Bearer ${TOKENS.alice}` }, env: settings });
    expect(post.status).toBe(405);
    expect(post.headers.get('allow')).toContain('GET');
  });

  it('is a 401 without a credential when anonymous access is off, and a bad TODO_QUOTA is a 500 naming it', async () => {
    expect((await as(undefined, { AUTH_ANONYMOUS: undefined }).me()).status).toBe(401);
    const bad = await as(`Bearer ${TOKENS.alice}`, { TODO_QUOTA: '12abc' }).me();
    expect(bad.status).toBe(500);
    expect(bad.body.detail).toContain('TODO_QUOTA');
    expect(JSON.stringify(bad.body)).not.toContain('12abc');
  });
});
