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
import {
  findStaticToken,
  MIN_TOKEN_LENGTH,
  parseApiTokens,
  parseTokenEntry,
  type StaticToken,
} from '../../../src/auth/tokens.ts';
import { claims, jwks, makeKey, signJwt, type TestKey } from '../../support/jwt.ts';

/** Static tokens as long as API_TOKENS requires: each starts with what the test calls it. */
const TOK_A = 'tok_a'.padEnd(MIN_TOKEN_LENGTH, '_0123456789abcdef');
const TOK_B = 'tok:b'.padEnd(MIN_TOKEN_LENGTH, '_0123456789abcdef');

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
    expect(parseApiTokens(` ${TOK_A} , ci:${TOK_B},, deploy:x:${TOK_A} `)).toEqual({
      ok: true,
      tokens: [
        { owner: 'default', token: TOK_A },
        { owner: 'token:ci', token: TOK_B },
        { owner: 'token:deploy', token: `x:${TOK_A}` },
      ],
    });
  });

  it('reads unset and empty as no token', () => {
    expect(parseApiTokens(undefined)).toEqual({ ok: true, tokens: [] });
    expect(parseApiTokens('')).toEqual({ ok: true, tokens: [] });
  });

  it('allows one name twice (rotation without a gap)', () => {
    expect(parseApiTokens(`ci:${TOK_A},ci:${TOK_B}`)).toMatchObject({
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
    [`SECRET_A${'a'.repeat(32)},ci:SECRET_A${'a'.repeat(32)}`, /entries 1 and 2 are the same token/],
    ['SECRET_1', /entry 1 is a token of fewer than 32 characters/],
    [`deploybot:SECRET_${'x'.repeat(31 - 'SECRET_'.length)}`, /named deploybot is a token of fewer than 32/],
    [`SECRET_${'x'.repeat(40)},ci:SECRET_1`, /named ci is a token of fewer than 32/],
  ])('refuses %j, naming the entry and never the token', (value, message) => {
    const parsed = parseApiTokens(value);
    expect(parsed.ok).toBe(false);
    const error = (parsed as { error: string }).error;
    expect(error).toMatch(message);
    expect(error).not.toMatch(/SECRET/);
  });

  it('accepts a token of exactly 32 characters', () => {
    expect(parseApiTokens('x'.repeat(32))).toMatchObject({ ok: true });
    expect(parseApiTokens(`ci:${'x'.repeat(32)}`)).toMatchObject({ ok: true });
  });

  it('finds the owner of a presented token, and nothing for a near miss', async () => {
    const { tokens } = parseApiTokens(`${TOK_A},ci:${TOK_B}`) as { tokens: StaticToken[] };
    expect(await findStaticToken(TOK_B, tokens)).toEqual({ owner: 'token:ci', token: TOK_B });
    expect(await findStaticToken(TOK_A, tokens)).toEqual({ owner: 'default', token: TOK_A });
    for (const miss of [`ci:${TOK_B}`, TOK_A.slice(0, -1), `${TOK_A} `, TOK_A.toUpperCase(), ''])
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
      parse({
        AUTH_JWKS_URL: 'http://127.0.0.1:4444/.well-known/jwks.json',
        AUTH_ISSUER: 'http://127.0.0.1:4444',
        AUTH_AUDIENCE: 'local-todo-api',
      }).ok,
    ).toBe(true);
  });

  it('takes AUTH_AUDIENCE=* as an explicit "any audience", alone', () => {
    const any = parse({
      AUTH_JWKS_URL: 'https://p.example/jwks',
      AUTH_ISSUER: 'https://p.example',
      AUTH_AUDIENCE: ' * ',
    });
    expect(any).toMatchObject({ ok: true, settings: { jwt: { audience: '*' } } });
  });

  it.each([
    [{ AUTH_JWKS_URL: 'https://p.example/jwks', AUTH_AUDIENCE: 'api' }, ['AUTH_ISSUER', 'AUTH_AUDIENCE']],
    [{ AUTH_ISSUER: 'https://p.example', AUTH_AUDIENCE: 'api' }, ['AUTH_JWKS_URL', 'AUTH_AUDIENCE']],
    [
      { AUTH_JWKS_URL: 'http://p.example/jwks', AUTH_ISSUER: 'https://p.example', AUTH_AUDIENCE: 'api' },
      ['AUTH_JWKS_URL'],
    ],
    [{ AUTH_JWKS_URL: 'https://p.example/jwks', AUTH_ISSUER: 'p.example', AUTH_AUDIENCE: 'api' }, ['AUTH_ISSUER']],
    [{ AUTH_AUDIENCE: 'api' }, ['AUTH_AUDIENCE']],
    // A shared issuer signs tokens for every application it serves: without an audience, any of them would pass.
    [{ AUTH_JWKS_URL: 'https://p.example/jwks', AUTH_ISSUER: 'https://p.example' }, ['AUTH_AUDIENCE']],
    [
      { AUTH_JWKS_URL: 'https://p.example/jwks', AUTH_ISSUER: 'https://p.example', AUTH_AUDIENCE: ' , ' },
      ['AUTH_AUDIENCE'],
    ],
    [
      { AUTH_JWKS_URL: 'https://p.example/jwks', AUTH_ISSUER: 'https://p.example', AUTH_AUDIENCE: 'api,*' },
      ['AUTH_AUDIENCE'],
    ],
    [
      {
        AUTH_JWKS_URL: 'https://acme.cloudflareaccess.com/cdn-cgi/access/certs',
        AUTH_ISSUER: 'https://acme.cloudflareaccess.com',
      },
      ['AUTH_AUDIENCE'],
    ],
    [
      {
        AUTH_JWKS_URL: 'https://acme.cloudflareaccess.com/cdn-cgi/access/certs',
        AUTH_ISSUER: 'https://acme.cloudflareaccess.com',
        AUTH_AUDIENCE: '*',
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
      API_TOKENS: `${TOK_A},ci:${TOK_B}`,
      AUTH_JWKS_URL: `${ISSUER}/cdn-cgi/access/certs`,
      AUTH_ISSUER: ISSUER,
      AUTH_AUDIENCE: 'app-aud',
    });
  const who = (headers: Record<string, string>, s = all(), k: KeySource | undefined = keys) =>
    identify(new Headers(headers), s, k);

  it('names the owner of each kind of credential', async () => {
    expect(await who({ authorization: `Bearer ${TOK_A}` })).toEqual({ owner: 'default', via: 'token' });
    expect(await who({ authorization: `bearer  ${TOK_B}` })).toEqual({ owner: 'token:ci', via: 'token' });
    expect(await who({ authorization: `Bearer ${jwt}` })).toEqual({ owner: 'jwt:user-1', via: 'jwt' });
    expect(await who({ 'cf-access-jwt-assertion': jwt })).toEqual({ owner: 'jwt:user-1', via: 'jwt' });
  });

  it('prefers a Bearer token to the Access assertion', async () => {
    expect(await who({ authorization: `Bearer ${TOK_A}`, 'cf-access-jwt-assertion': jwt })).toEqual({
      owner: 'default',
      via: 'token',
    });
  });

  it('reads Cf-Access-Jwt-Assertion only when the issuer is an Access team domain', async () => {
    const other = settings({
      AUTH_JWKS_URL: 'https://p.example/jwks',
      AUTH_ISSUER: 'https://p.example',
      AUTH_AUDIENCE: 'app-aud',
    });
    expect(await who({ 'cf-access-jwt-assertion': jwt }, other)).toMatchObject({
      refusal: { description: expect.stringMatching(/needs a bearer token/) },
    });
  });

  it('refuses a JWT when only static tokens are configured', async () => {
    expect(await who({ authorization: `Bearer ${jwt}` }, settings({ API_TOKENS: TOK_A }))).toMatchObject({
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

  it('with anonymous access on, lets a request with no credential act as anonymous, apart from a bare token (default), but still refuses a bad one', async () => {
    const open = settings({ AUTH_ANONYMOUS: 'on', API_TOKENS: TOK_A });
    expect(await who({}, open)).toEqual({ owner: 'anonymous', via: 'anonymous' });
    expect(await who({ authorization: `Bearer ${TOK_A}` }, open)).toEqual({ owner: 'default', via: 'token' });
    expect(await who({ authorization: 'Bearer nope' }, open)).toMatchObject({ refusal: { error: 'invalid_token' } });
  });

  it('with anonymous access off and nothing configured, refuses everyone', async () => {
    const shut = settings({});
    expect(await who({}, shut)).toMatchObject({
      refusal: { description: expect.stringMatching(/accepts no credentials/) },
    });
    expect(await who({ authorization: `Bearer ${TOK_A}` }, shut)).toMatchObject({
      refusal: { error: 'invalid_token' },
    });
    expect(await who({ authorization: `Bearer ${jwt}` }, shut)).toMatchObject({ refusal: { error: 'invalid_token' } });
  });

  it('passes on "unavailable" with its Retry-After', async () => {
    const down: KeySource = async () => ({ kind: 'unavailable', retryAfter: 12 });
    expect(await who({ authorization: `Bearer ${jwt}` }, all(), down)).toMatchObject({
      unavailable: { retryAfter: 12 },
    });
  });
});
