// Identity through the API: tokens minted by the local issuer (the test stack's gateway, each test
// with a key ring of its own), verified by the Worker against the gateway's JWKS with real fetches.
import { env } from 'cloudflare:workers';
import { describe, expect, inject, it, vi } from 'vitest';
import { LOCAL_AUDIENCE } from '../../../dev/local-audience.ts';
import { app } from '../../../src/index.ts';
import { base64url, unsignedJwt } from '../../support/jwt.ts';

const gateway = inject('gatewayUrl');
const run = crypto.randomUUID().slice(0, 8);
const now = () => Math.floor(Date.now() / 1000);

/**
 * A key ring of the local issuer, and the Worker settings that trust it (its own JWKS URL, so its own cache)
 * for the audience the issuer writes by default, as `npm run dev` does.
 */
function issuer(name: string, settings: Record<string, string> = {}) {
  const scope = `${name}-${run}`;
  const post = async (path: string, body: unknown = {}) =>
    await (
      await fetch(`${gateway}${path}?scope=${scope}`, { method: 'POST', body: JSON.stringify(body) })
    ).json<Record<string, string>>();
  const workerEnv = {
    ...env,
    AUTH_ANONYMOUS: undefined,
    AUTH_JWKS_URL: `${gateway}/.well-known/jwks.json?scope=${scope}`,
    AUTH_ISSUER: gateway,
    AUTH_AUDIENCE: LOCAL_AUDIENCE,
    ...settings,
  };
  return {
    mint: async (sub = 'alice', claims: Record<string, unknown> = {}, aud?: string | null) =>
      (await post('/issuer/token', { sub, claims, aud })).token!,
    outage: (down: boolean) => post('/issuer/outage', { down }),
    publicJwk: async () =>
      (await (await fetch(workerEnv.AUTH_JWKS_URL)).json<{ keys: (JsonWebKey & { kid: string })[] }>()).keys[0]!,
    call: (headers: Record<string, string>, path = '/todos') => app.request(path, { headers }, workerEnv),
  };
}

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
const swapPayload = (token: string, payload: Record<string, unknown>) => {
  const [header, , signature] = token.split('.');
  return `${header}.${base64url(JSON.stringify(payload))}.${signature}`;
};

describe('OpenID Connect tokens', () => {
  it('accept a token the issuer signed, in the Authorization header', async () => {
    const idp = issuer('valid');
    expect((await idp.call(bearer(await idp.mint()))).status).toBe(200);
  });

  it.each([
    ['expired', { exp: now() - 3600, iat: now() - 7200 }],
    ['not yet valid', { nbf: now() + 3600 }],
    ['issued in the future', { iat: now() + 3600 }],
    ['from another issuer', { iss: 'https://evil.example' }],
  ])('refuse a token %s with a 401', async (_, claims) => {
    const idp = issuer(`claims-${Object.keys(claims).join('')}`);
    const res = await idp.call(bearer(await idp.mint('alice', claims)));
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toMatch(/^Bearer realm="todos", error="invalid_token"/);
  });

  it('check the audience', async () => {
    const idp = issuer('audience', { AUTH_AUDIENCE: 'todo-api' });
    expect((await idp.call(bearer(await idp.mint('alice', {}, 'todo-api')))).status).toBe(200);
    expect((await idp.call(bearer(await idp.mint('alice', {}, 'another-api')))).status).toBe(401);
    expect((await idp.call(bearer(await idp.mint('alice', {}, null)))).status).toBe(401);
    expect((await idp.call(bearer(await idp.mint('alice')))).status).toBe(401);
  });

  // A shared issuer (Google, an Auth0 tenant, Entra ID, Okta) signs tokens for each of its applications.
  it('refuse a token the same issuer minted for another application, as npm run dev does', async () => {
    const idp = issuer('other-app');
    expect((await idp.call(bearer(await idp.mint('alice')))).status).toBe(200);
    const res = await idp.call(bearer(await idp.mint('alice', {}, 'https://other-app.example')));
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toMatch(/error="invalid_token".*\(aud\)/);
  });

  it('answer 500 naming AUTH_AUDIENCE while an issuer is configured without one', async () => {
    vi.spyOn(console, 'error').mockImplementation(() => undefined);
    try {
      for (const AUTH_AUDIENCE of [undefined, '', ' , ']) {
        const idp = issuer('no-audience', { AUTH_AUDIENCE: AUTH_AUDIENCE as string });
        const res = await idp.call(bearer(await idp.mint('alice')));
        expect(res.status).toBe(500);
        expect((await res.json<{ detail: string }>()).detail).toMatch(/misconfigured: check AUTH_AUDIENCE;/);
      }
    } finally {
      vi.restoreAllMocks();
    }
  });

  it('accept any audience with AUTH_AUDIENCE=*, and warn about it once', async () => {
    const warnings: string[] = [];
    vi.spyOn(console, 'warn').mockImplementation((line: string) => void warnings.push(line));
    try {
      const idp = issuer('any-audience', { AUTH_AUDIENCE: '*' });
      for (const aud of ['https://other-app.example', null, LOCAL_AUDIENCE])
        expect((await idp.call(bearer(await idp.mint('alice', {}, aud)))).status).toBe(200);
      const again = issuer('any-audience-again', { AUTH_AUDIENCE: '*' });
      expect((await again.call(bearer(await again.mint('alice')))).status).toBe(200);
      expect(warnings.filter((line) => line.includes('AnyAudience'))).toHaveLength(1);
    } finally {
      vi.restoreAllMocks();
    }
  });

  it.each([
    ['a lone surrogate', 'alice\ud800'],
    ['another lone surrogate', 'alice\udfff'],
    ['a control character', 'alice\u0007'],
    ['a line break', 'alice\r\nbob'],
    ['256 characters', 'a'.repeat(256)],
  ])('refuse a token whose sub holds %s (it would not name one owner alone)', async (_, sub) => {
    const idp = issuer('bad-sub');
    const res = await idp.call(bearer(await idp.mint(sub)));
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toMatch(/error="invalid_token".*subject/);
  });

  it('accept a sub of 255 characters in any script', async () => {
    const idp = issuer('long-sub');
    for (const sub of ['é'.repeat(255), '山'.repeat(255), '🙂'.repeat(255)])
      expect((await idp.call(bearer(await idp.mint(sub)))).status).toBe(200);
  });

  it('refuse alg none, HS256 signed with the public key, an unknown kid, a tampered payload and garbage', async () => {
    const idp = issuer('forged');
    const good = await idp.mint('alice');
    const jwk = await idp.publicJwk();
    const header = (fields: Record<string, unknown>) => base64url(JSON.stringify(fields));
    const payload = base64url(JSON.stringify({ iss: gateway, sub: 'mallory', iat: now(), exp: now() + 600 }));
    const hmacInput = `${header({ alg: 'HS256', typ: 'JWT', kid: jwk.kid })}.${payload}`;
    const secret = await crypto.subtle.importKey(
      'raw',
      new TextEncoder().encode(JSON.stringify(jwk)),
      { name: 'HMAC', hash: 'SHA-256' },
      false,
      ['sign'],
    );
    const hs256 = `${hmacInput}.${base64url(new Uint8Array(await crypto.subtle.sign('HMAC', secret, new TextEncoder().encode(hmacInput))))}`;
    const [, goodPayload, goodSignature] = good.split('.');
    const tokens = [
      unsignedJwt({ iss: gateway, sub: 'mallory', iat: now(), exp: now() + 600 }, jwk.kid),
      hs256,
      `${header({ alg: 'ES256', typ: 'JWT', kid: 'no-such-kid' })}.${goodPayload}.${goodSignature}`,
      swapPayload(good, { iss: gateway, sub: 'mallory', iat: now(), exp: now() + 600 }),
      'not-a-jwt',
      'a.b.c',
      `${good}x`,
    ];
    for (const token of tokens) expect((await idp.call(bearer(token))).status, token.slice(0, 40)).toBe(401);
    expect((await idp.call(bearer(good))).status).toBe(200);
  });

  it('read Cf-Access-Jwt-Assertion when the issuer is a Cloudflare Access team domain, and only then', async () => {
    const access = 'https://team.cloudflareaccess.com';
    const idp = issuer('access', { AUTH_ISSUER: access, AUTH_AUDIENCE: 'app-aud-tag' });
    const token = await idp.mint('alice', { iss: access }, 'app-aud-tag');
    // Another Access application of the same team: same issuer, same keys, another AUD tag.
    expect(
      (await idp.call({ 'cf-access-jwt-assertion': await idp.mint('alice', { iss: access }, 'other-app') })).status,
    ).toBe(401);
    expect((await idp.call({ 'cf-access-jwt-assertion': token })).status).toBe(200);
    expect((await idp.call(bearer(token))).status).toBe(200);
    const plain = issuer('not-access');
    expect((await plain.call({ 'cf-access-jwt-assertion': await plain.mint() })).status).toBe(401);
  });

  it('keep serving a key already fetched while the JWKS is down, and answer 503 with Retry-After for one that is not', async () => {
    const idp = issuer('outage');
    const first = await idp.mint('alice');
    expect((await idp.call(bearer(first))).status).toBe(200);
    await idp.outage(true);
    try {
      expect((await idp.call(bearer(first))).status).toBe(200);
      const cold = issuer('outage-cold');
      await cold.outage(true);
      const res = await cold.call(bearer(await cold.mint('bob')));
      expect(res.status).toBe(503);
      expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0);
      await cold.outage(false);
    } finally {
      await idp.outage(false);
    }
  });
});
