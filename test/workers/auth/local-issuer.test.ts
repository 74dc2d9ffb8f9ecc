// Identity inside workerd: tokens minted by the local issuer (the test stack's gateway), verified
// through the Worker's own code with real fetches of the gateway's JWKS, counted at the gateway.
import { describe, expect, inject, it } from 'vitest';
import { identify, parseIdentitySettings, type IdentitySettings } from '../../../src/auth/identify.ts';
import { createJwksCache, importKeySet } from '../../../src/auth/jwks.ts';
import { verifyJwt, type KeySource } from '../../../src/auth/jwt.ts';
import { LOCAL_AUDIENCE } from '../../../dev/local-audience.ts';
import { claims, jwks, makeKey, signJwt, signWithPublicKeyAsHmacSecret } from '../../support/jwt.ts';

const gateway = inject('gatewayUrl');
/** What the Worker checks tokens of the local issuer against: the audience it writes unless told otherwise. */
const local = { issuer: gateway, audience: [LOCAL_AUDIENCE] };
const run = crypto.randomUUID().slice(0, 8);

/** A key ring of the local issuer of its own (a gateway "scope"), so tests that rotate or break it disturb no one. */
function scope(name: string) {
  const id = `${name}-${run}`;
  const post = async (path: string, body: unknown = {}) => {
    const res = await fetch(`${gateway}${path}?scope=${id}`, { method: 'POST', body: JSON.stringify(body) });
    expect(res.status).toBe(200);
    return await res.json<Record<string, unknown>>();
  };
  return {
    jwksUrl: `${gateway}/.well-known/jwks.json?scope=${id}`,
    mint: async (sub: string, extra: Record<string, unknown> = {}) =>
      (await post('/issuer/token', { sub, ...extra })).token as string,
    rotate: () => post('/issuer/rotate'),
    outage: (down: boolean) => post('/issuer/outage', { down }),
    fetches: async () =>
      (await (await fetch(`${gateway}/stats`)).json<{ jwksRequestsByScope: Record<string, number> }>())
        .jwksRequestsByScope[id] ?? 0,
  };
}

/** A JWKS cache on a clock the test moves, fetching for real. */
function cacheOn(jwksUrl: string) {
  const clock = { t: Date.now() };
  const cache = createJwksCache({ url: jwksUrl, now: () => clock.t });
  return { clock, keys: cache.source() };
}

const forged = (token: string, kid: string) => {
  const [header, payload, signature] = token.split('.');
  const h = JSON.parse(atob(header!.replace(/-/g, '+').replace(/_/g, '/')));
  return `${btoa(JSON.stringify({ ...h, kid }))
    .replace(/\+/g, '-')
    .replace(/\//g, '_')
    .replace(/=+$/, '')}.${payload}.${signature}`;
};

describe('tokens from the local issuer, verified in workerd against the gateway JWKS', () => {
  it('verifies a minted token with one JWKS fetch, and then none', async () => {
    const s = scope('steady');
    const { keys } = cacheOn(s.jwksUrl);
    const token = await s.mint('alice');
    expect(await verifyJwt(token, keys, local)).toMatchObject({ ok: true, subject: 'alice' });
    for (let i = 0; i < 20; i++) expect((await verifyJwt(token, keys, local)).ok).toBe(true);
    expect(await s.fetches()).toBe(1);
  });

  it('accepts a rotated key after one refetch, and turns a flood of unknown kids into at most one fetch per 30 s', async () => {
    const s = scope('rotation');
    const { clock, keys } = cacheOn(s.jwksUrl);
    const old = await s.mint('bob');
    expect((await verifyJwt(old, keys, local)).ok).toBe(true);
    await s.rotate();
    const rotated = await s.mint('bob');
    clock.t += 31_000;
    expect(await verifyJwt(rotated, keys, local)).toMatchObject({ ok: true, subject: 'bob' });
    expect(await s.fetches()).toBe(2);

    const flood = (n: number) =>
      Promise.all(
        Array.from({ length: n }, (_, i) => verifyJwt(forged(rotated, `forged-${clock.t}-${i}`), keys, local)),
      );
    for (const verdict of await flood(100))
      expect(verdict).toMatchObject({ ok: false, refusal: expect.stringMatching(/kid/) });
    expect(await s.fetches()).toBe(2); // within 30 s of the last fetch: none
    clock.t += 31_000;
    await flood(100);
    await flood(100);
    expect(await s.fetches()).toBe(3); // one, for 200 forged kids
    expect((await verifyJwt(old, keys, local)).ok).toBe(true);
  });

  it('with the JWKS down: a cached kid still passes, an uncached one is "unavailable" with Retry-After', async () => {
    const s = scope('outage');
    const { clock, keys } = cacheOn(s.jwksUrl);
    const cached = await s.mint('carol');
    expect((await verifyJwt(cached, keys, local)).ok).toBe(true);
    await s.rotate();
    const uncached = await s.mint('carol');
    await s.outage(true);
    clock.t += 31_000;
    expect((await verifyJwt(cached, keys, local)).ok).toBe(true);
    expect(await verifyJwt(uncached, keys, local)).toMatchObject({ ok: false, retryAfter: 30 });
    expect(await s.fetches()).toBe(2);
    await s.outage(false);
    clock.t += 31_000;
    expect((await verifyJwt(uncached, keys, local)).ok).toBe(true);
  });

  it('identifies the caller through identify(), from Authorization or from nothing with anonymous access on', async () => {
    const s = scope('identify');
    const parsed = parseIdentitySettings({
      AUTH_JWKS_URL: s.jwksUrl,
      AUTH_ISSUER: gateway,
      AUTH_AUDIENCE: 'todo-api',
      AUTH_ANONYMOUS: 'on',
      API_TOKENS: `ci:tok:${'1'.repeat(32)}`,
    });
    const settings = (parsed as { settings: IdentitySettings }).settings;
    const who = (headers: Record<string, string>) => identify(new Headers(headers), settings); // the isolate's own cache
    expect(await who({ authorization: `Bearer ${await s.mint('dave', { aud: 'todo-api' })}` })).toEqual({
      owner: 'jwt:dave',
      via: 'jwt',
    });
    expect(await who({ authorization: `Bearer ${await s.mint('dave', { aud: 'other' })}` })).toMatchObject({
      refusal: { error: 'invalid_token' },
    });
    expect(await who({ authorization: `Bearer tok:${'1'.repeat(32)}` })).toEqual({ owner: 'token:ci', via: 'token' });
    expect(await who({})).toEqual({ owner: 'anonymous', via: 'anonymous' });
    expect(await s.fetches()).toBe(1);
  });
});

describe("workerd's WebCrypto", () => {
  it('verifies RS256, ES256 and EdDSA, and refuses HS256 signed with the public key', async () => {
    const [rs, es, ed] = await Promise.all([makeKey('RS256'), makeKey('ES256'), makeKey('EdDSA')]);
    const set = await importKeySet(jwks(rs, es, ed));
    const keys: KeySource = async (kid) => {
      const entry = set.get(kid);
      return entry ? { kind: 'key', ...entry } : { kind: 'unknown' };
    };
    const policy = { issuer: 'https://issuer.example', audience: '*' as const };
    for (const key of [rs, es, ed])
      expect(await verifyJwt(await signJwt(key, claims(policy.issuer)), keys, policy)).toMatchObject({
        ok: true,
        subject: 'alice',
      });
    expect(await verifyJwt(await signWithPublicKeyAsHmacSecret(rs, claims(policy.issuer)), keys, policy)).toMatchObject(
      { ok: false },
    );
  });
});
