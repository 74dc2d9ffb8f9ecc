import { beforeAll, describe, expect, it } from 'vitest';
import {
  acceptsNoOne,
  identify,
  isCloudflareAccessIssuer,
  parseIdentitySettings,
  type IdentityEnv,
  type IdentitySettings,
} from '../../../src/auth/identify.ts';
import { importKeySet } from '../../../src/auth/jwks.ts';
import type { KeySource } from '../../../src/auth/jwt.ts';
import { findStaticToken, parseApiTokens, parseTokenEntry, type StaticToken } from '../../../src/auth/tokens.ts';
import { claims, jwks, makeKey, signJwt, type TestKey } from '../../support/jwt.ts';

describe('API_TOKENS entries', () => {
  it.each([
    ['tok_a', { owner: 'default', token: 'tok_a' }],
    ['ci:tok_b', { owner: 'token:ci', token: 'tok_b' }],
    ['ci:tok:with:colons', { owner: 'token:ci', token: 'tok:with:colons' }],
    ['svc.bot_1-x:abc', { owner: 'token:svc.bot_1-x', token: 'abc' }],
    [':leading-colon', { owner: 'default', token: ':leading-colon' }],
    ['bad$name:tok', { owner: 'default', token: 'bad$name:tok' }],
    [`${'n'.repeat(64)}:tok`, { owner: `token:${'n'.repeat(64)}`, token: 'tok' }],
    [`${'n'.repeat(65)}:tok`, { owner: 'default', token: `${'n'.repeat(65)}:tok` }],
    ['https://x', { owner: 'token:https', token: '//x' }],
  ])('%s -> %j', (entry, expected) => {
    expect(parseTokenEntry(entry)).toEqual(expected);
  });

  it('parses a list, trimming blanks around entries', () => {
    expect(parseApiTokens(' tok_a , ci:tok_b,, deploy:x:y ')).toEqual({
      ok: true,
      tokens: [
        { owner: 'default', token: 'tok_a' },
        { owner: 'token:ci', token: 'tok_b' },
        { owner: 'token:deploy', token: 'x:y' },
      ],
    });
  });

  it('reads unset and empty as no token', () => {
    expect(parseApiTokens(undefined)).toEqual({ ok: true, tokens: [] });
    expect(parseApiTokens('')).toEqual({ ok: true, tokens: [] });
  });

  it('allows one name twice (rotation without a gap)', () => {
    expect(parseApiTokens('ci:old,ci:new')).toMatchObject({
      ok: true,
      tokens: [{ owner: 'token:ci' }, { owner: 'token:ci' }],
    });
  });

  it.each([
    [',', /names no token/],
    [' , ', /names no token/],
    ['ci:', /named ci has no token/],
    ['SECRET1 SECRET2', /entry 1 holds a character/],
    ['ci:SECRET1 SECRET2', /named ci holds a character/],
    ['SECRET_é', /entry 1 holds a character/],
    ['SECRET_A,ci:SECRET_A', /entries 1 and 2 are the same token/],
  ])('refuses %j, naming the entry and never the token', (value, message) => {
    const parsed = parseApiTokens(value);
    expect(parsed.ok).toBe(false);
    const error = (parsed as { error: string }).error;
    expect(error).toMatch(message);
    expect(error).not.toMatch(/SECRET/);
  });

  it('finds the owner of a presented token, and nothing for a near miss', async () => {
    const { tokens } = parseApiTokens('tok_a,ci:tok:b') as { tokens: StaticToken[] };
    expect(await findStaticToken('tok:b', tokens)).toEqual({ owner: 'token:ci', token: 'tok:b' });
    expect(await findStaticToken('tok_a', tokens)).toEqual({ owner: 'default', token: 'tok_a' });
    for (const miss of ['ci:tok:b', 'tok_', 'tok_a ', 'TOK_A', ''])
      expect(await findStaticToken(miss, tokens)).toBeUndefined();
    expect(await findStaticToken('x', [])).toBeUndefined();
  });
});

describe('identity settings', () => {
  const parse = (env: IdentityEnv) => parseIdentitySettings(env);
  const problems = (env: IdentityEnv) => {
    const parsed = parse(env);
    return parsed.ok ? [] : parsed.problems.map((p) => p.setting);
  };

  it('with nothing set accepts no one (secure by default)', () => {
    const parsed = parse({});
    expect(parsed).toMatchObject({ ok: true, settings: { tokens: [], jwt: undefined, anonymous: false } });
    expect(acceptsNoOne((parsed as { settings: IdentitySettings }).settings)).toBe(true);
  });

  it('reads OpenID Connect, audiences and anonymous access', () => {
    expect(
      parse({
        AUTH_JWKS_URL: 'https://p.example/jwks',
        AUTH_ISSUER: 'https://p.example/',
        AUTH_AUDIENCE: 'a, b',
        AUTH_ANONYMOUS: 'on',
      }),
    ).toEqual({
      ok: true,
      settings: {
        tokens: [],
        jwt: {
          jwksUrl: 'https://p.example/jwks',
          issuer: 'https://p.example/',
          audience: ['a', 'b'],
          cloudflareAccess: false,
        },
        anonymous: true,
      },
    });
    expect(
      parse({ AUTH_JWKS_URL: 'http://127.0.0.1:4444/.well-known/jwks.json', AUTH_ISSUER: 'http://127.0.0.1:4444' }).ok,
    ).toBe(true);
  });

  it.each([
    [{ AUTH_JWKS_URL: 'https://p.example/jwks' }, ['AUTH_ISSUER']],
    [{ AUTH_ISSUER: 'https://p.example' }, ['AUTH_JWKS_URL']],
    [{ AUTH_JWKS_URL: 'http://p.example/jwks', AUTH_ISSUER: 'https://p.example' }, ['AUTH_JWKS_URL']],
    [{ AUTH_JWKS_URL: 'https://p.example/jwks', AUTH_ISSUER: 'p.example' }, ['AUTH_ISSUER']],
    [{ AUTH_AUDIENCE: 'api' }, ['AUTH_AUDIENCE']],
    [
      {
        AUTH_JWKS_URL: 'https://acme.cloudflareaccess.com/cdn-cgi/access/certs',
        AUTH_ISSUER: 'https://acme.cloudflareaccess.com',
      },
      ['AUTH_AUDIENCE'],
    ],
    [{ AUTH_ANONYMOUS: 'yes' }, ['AUTH_ANONYMOUS']],
    [{ API_TOKENS: ',' }, ['API_TOKENS']],
  ] as [IdentityEnv, string[]][])('names the bad setting: %j', (env, settings) => {
    expect(problems(env)).toEqual(settings);
  });

  it('recognises Cloudflare Access team domains', () => {
    expect(isCloudflareAccessIssuer('https://acme.cloudflareaccess.com')).toBe(true);
    expect(isCloudflareAccessIssuer('https://acme.cloudflareaccess.com/')).toBe(true);
    for (const other of [
      'http://acme.cloudflareaccess.com',
      'https://acme.cloudflareaccess.com.evil.example',
      'https://evil.example/acme.cloudflareaccess.com',
      'https://a.b.cloudflareaccess.com',
    ]) {
      expect(isCloudflareAccessIssuer(other)).toBe(false);
    }
  });
});

describe('identify', () => {
  const ISSUER = 'https://acme.cloudflareaccess.com';
  let key: TestKey;
  let keys: KeySource;
  let jwt: string;
  beforeAll(async () => {
    key = await makeKey('ES256');
    const set = await importKeySet(jwks(key));
    keys = async (kid) => {
      const entry = set.get(kid);
      return entry ? { kind: 'key', ...entry } : { kind: 'unknown' };
    };
    jwt = await signJwt(key, claims(ISSUER, { sub: 'user-1', aud: 'app-aud' }));
  });

  const settings = (env: IdentityEnv) => (parseIdentitySettings(env) as { settings: IdentitySettings }).settings;
  const all = () =>
    settings({
      API_TOKENS: 'tok_a,ci:tok:b',
      AUTH_JWKS_URL: `${ISSUER}/cdn-cgi/access/certs`,
      AUTH_ISSUER: ISSUER,
      AUTH_AUDIENCE: 'app-aud',
    });
  const who = (headers: Record<string, string>, s = all(), k: KeySource | undefined = keys) =>
    identify(new Headers(headers), s, k);

  it('names the owner of each kind of credential', async () => {
    expect(await who({ authorization: 'Bearer tok_a' })).toEqual({ owner: 'default', via: 'token' });
    expect(await who({ authorization: 'bearer  tok:b' })).toEqual({ owner: 'token:ci', via: 'token' });
    expect(await who({ authorization: `Bearer ${jwt}` })).toEqual({ owner: 'jwt:user-1', via: 'jwt' });
    expect(await who({ 'cf-access-jwt-assertion': jwt })).toEqual({ owner: 'jwt:user-1', via: 'jwt' });
  });

  it('prefers a Bearer token to the Access assertion', async () => {
    expect(await who({ authorization: 'Bearer tok_a', 'cf-access-jwt-assertion': jwt })).toEqual({
      owner: 'default',
      via: 'token',
    });
  });

  it('reads Cf-Access-Jwt-Assertion only when the issuer is an Access team domain', async () => {
    const other = settings({ AUTH_JWKS_URL: 'https://p.example/jwks', AUTH_ISSUER: 'https://p.example' });
    expect(await who({ 'cf-access-jwt-assertion': jwt }, other)).toMatchObject({
      refusal: { description: expect.stringMatching(/needs a bearer token/) },
    });
  });

  it('refuses a JWT when only static tokens are configured', async () => {
    expect(await who({ authorization: `Bearer ${jwt}` }, settings({ API_TOKENS: 'tok_a' }))).toMatchObject({
      refusal: { error: 'invalid_token' },
    });
  });

  it.each([
    ['no header', {}],
    ['a malformed header', { authorization: 'Basic dG9rX2E=' }],
    ['a wrong token', { authorization: 'Bearer nope' }],
    ['a bad JWT', { authorization: `Bearer ${'x'}.y.z` }],
  ])('refuses %s', async (_, headers) => {
    const identity = await who(headers);
    expect(identity).toHaveProperty('refusal');
    expect((identity as { refusal: { description: string } }).refusal.description).toMatch(
      /^[\x20\x21\x23-\x5b\x5d-\x7e]+$/,
    );
  });

  it('with anonymous access on, lets a request with no credential act as default, but still refuses a bad one', async () => {
    const open = settings({ AUTH_ANONYMOUS: 'on' });
    expect(await who({}, open)).toEqual({ owner: 'default', via: 'anonymous' });
    expect(await who({ authorization: 'Bearer nope' }, open)).toMatchObject({ refusal: { error: 'invalid_token' } });
  });

  it('with anonymous access off and nothing configured, refuses everyone', async () => {
    const shut = settings({});
    expect(await who({}, shut)).toMatchObject({
      refusal: { description: expect.stringMatching(/accepts no credentials/) },
    });
    expect(await who({ authorization: 'Bearer tok_a' }, shut)).toMatchObject({ refusal: { error: 'invalid_token' } });
    expect(await who({ authorization: `Bearer ${jwt}` }, shut)).toMatchObject({ refusal: { error: 'invalid_token' } });
  });

  it('passes on "unavailable" with its Retry-After', async () => {
    const down: KeySource = async () => ({ kind: 'unavailable', retryAfter: 12 });
    expect(await who({ authorization: `Bearer ${jwt}` }, all(), down)).toMatchObject({
      unavailable: { retryAfter: 12 },
    });
  });
});
