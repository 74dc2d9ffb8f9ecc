import { beforeAll, describe, expect, it } from 'vitest';
import { importKeySet } from '../../../src/auth/jwks.ts';
import { ANY_AUDIENCE, verifyJwt, type JwtPolicy, type KeySource } from '../../../src/auth/jwt.ts';
import {
  base64url,
  claims,
  jwks,
  makeKey,
  signJwt,
  signWithPublicKeyAsHmacSecret,
  unsignedJwt,
  type TestKey,
} from '../../support/jwt.ts';

const ISSUER = 'https://issuer.example';
const NOW = 1_800_000_000; // seconds
const policy: JwtPolicy = { issuer: ISSUER, audience: ANY_AUDIENCE, now: () => NOW * 1000 };
const valid = (extra: Record<string, unknown> = {}) => claims(ISSUER, extra, NOW);

let rs: TestKey, es: TestKey, ed: TestKey, stranger: TestKey;
let keys: KeySource;

beforeAll(async () => {
  [rs, es, ed, stranger] = await Promise.all([makeKey('RS256'), makeKey('ES256'), makeKey('EdDSA'), makeKey('ES256')]);
  const set = await importKeySet(jwks(rs, es, ed));
  keys = async (kid) => {
    const entry = set.get(kid);
    return entry ? { kind: 'key', ...entry } : { kind: 'unknown' };
  };
});

const refusal = async (token: string, p: JwtPolicy = policy) => {
  const verdict = await verifyJwt(token, keys, p);
  expect(verdict.ok).toBe(false);
  return (verdict as { refusal: string }).refusal;
};

describe('accepted tokens', () => {
  it.each(['RS256', 'ES256', 'EdDSA'] as const)('accepts %s and returns the subject', async (alg) => {
    const key = { RS256: rs, ES256: es, EdDSA: ed }[alg];
    const verdict = await verifyJwt(await signJwt(key, valid({ sub: `user-${alg}` })), keys, policy);
    expect(verdict).toMatchObject({ ok: true, subject: `user-${alg}` });
  });

  it.each([
    ['absent', undefined],
    ['JWT', 'JWT'],
    ['jwt', 'jwt'],
    ['at+jwt', 'at+jwt'],
    ['application/at+jwt', 'application/at+jwt'],
  ])('accepts typ %s', async (_, typ) => {
    const token = await signJwt(es, valid(), { typ });
    expect((await verifyJwt(token, keys, policy)).ok).toBe(true);
  });

  it('tolerates 60 s of clock skew on exp, nbf and iat', async () => {
    const token = await signJwt(es, valid({ exp: NOW - 59, nbf: NOW + 59, iat: NOW + 59 }));
    expect((await verifyJwt(token, keys, policy)).ok).toBe(true);
  });

  it('accepts an aud array holding one of the configured audiences', async () => {
    const token = await signJwt(es, valid({ aud: ['other', 'todo-api'] }));
    expect((await verifyJwt(token, keys, { ...policy, audience: ['todo-api'] })).ok).toBe(true);
    const single = await signJwt(es, valid({ aud: 'todo-api' }));
    expect((await verifyJwt(single, keys, { ...policy, audience: ['x', 'todo-api'] })).ok).toBe(true);
  });

  it('does not check aud when the policy says any audience (*)', async () => {
    expect((await verifyJwt(await signJwt(es, valid({ aud: 'anything' })), keys, policy)).ok).toBe(true);
    expect((await verifyJwt(await signJwt(es, valid()), keys, policy)).ok).toBe(true);
  });

  it('accepts a sub of 255 characters, counted as code points (emoji included), and any script', async () => {
    for (const sub of ['x'.repeat(255), '😀'.repeat(255), 'Zoë Ünal 山田', 'auth0|5f7c8ec7c33c6c004bbafe82'])
      expect(await verifyJwt(await signJwt(es, valid({ sub })), keys, policy)).toMatchObject({
        ok: true,
        subject: sub,
      });
  });
});

describe('refusals (a reason, never an exception)', () => {
  it('refuses an expired token (60 s past exp)', async () => {
    expect(await refusal(await signJwt(es, valid({ exp: NOW - 60 })))).toBe('the token has expired');
  });
  it('refuses a token without exp', async () => {
    expect(await refusal(await signJwt(es, valid({ exp: undefined })))).toMatch(/no expiry/);
  });
  it('refuses a token not yet valid (nbf more than 60 s ahead)', async () => {
    expect(await refusal(await signJwt(es, valid({ nbf: NOW + 61 })))).toMatch(/not valid yet/);
  });
  it('refuses a token issued in the future (iat more than 60 s ahead)', async () => {
    expect(await refusal(await signJwt(es, valid({ iat: NOW + 61 })))).toMatch(/issued in the future/);
  });
  it.each([
    ['a string exp', { exp: String(NOW + 100) }],
    ['a string nbf', { nbf: 'soon' }],
    ['a null iat', { iat: null }],
  ])('refuses %s', async (_, extra) => {
    expect(await refusal(await signJwt(es, valid(extra)))).toBeTruthy();
  });
  it('refuses a wrong issuer, and a missing one', async () => {
    expect(await refusal(await signJwt(es, valid({ iss: 'https://evil.example' })))).toMatch(/issuer/);
    expect(await refusal(await signJwt(es, valid({ iss: `${ISSUER}/` })))).toMatch(/issuer/);
    expect(await refusal(await signJwt(es, valid({ iss: undefined })))).toMatch(/issuer/);
  });
  it('refuses a wrong audience, and a missing one, when an audience is configured', async () => {
    const p = { ...policy, audience: ['todo-api'] };
    expect(await refusal(await signJwt(es, valid({ aud: 'other-api' })), p)).toMatch(/aud/);
    expect(await refusal(await signJwt(es, valid({ aud: ['a', 'b'] })), p)).toMatch(/aud/);
    expect(await refusal(await signJwt(es, valid()), p)).toMatch(/aud/);
  });
  it('refuses alg none', async () => {
    expect(await refusal(unsignedJwt(valid(), es.kid))).toMatch(/RS256, ES256 or EdDSA/);
  });
  it('refuses HS256 signed with the public key as the HMAC secret', async () => {
    expect(await refusal(await signWithPublicKeyAsHmacSecret(rs, valid()))).toMatch(/RS256, ES256 or EdDSA/);
  });
  it.each(['HS256', 'HS384', 'HS512', 'RS384', 'PS256', 'ES384', 'ES512', 'none', 'None', ''])(
    'refuses alg %j',
    async (alg) => {
      const token = await signJwt(es, valid(), { alg });
      expect(await refusal(token)).toMatch(/RS256, ES256 or EdDSA/);
    },
  );
  it('refuses a token whose alg does not match its key (ES256 header on an RSA kid)', async () => {
    expect(await refusal(await signJwt(es, valid(), { kid: rs.kid }))).toMatch(/does not match its key/);
  });
  it('refuses an unknown kid, and no kid at all', async () => {
    expect(await refusal(await signJwt(stranger, valid()))).toMatch(/not in the issuer's key set/);
    expect(await refusal(await signJwt(es, valid(), { kid: undefined }))).toMatch(/no key/);
  });
  it('refuses a token signed by another key under a known kid', async () => {
    expect(await refusal(await signJwt(stranger, valid(), { kid: es.kid }))).toMatch(/signature/);
  });
  it('refuses a tampered payload', async () => {
    const [h, , s] = (await signJwt(es, valid({ sub: 'alice' }))).split('.');
    expect(await refusal(`${h}.${base64url(JSON.stringify(valid({ sub: 'mallory' })))}.${s}`)).toMatch(/signature/);
  });
  it('refuses a tampered header', async () => {
    const [, p, s] = (await signJwt(es, valid())).split('.');
    expect(
      await refusal(`${base64url(JSON.stringify({ alg: 'ES256', kid: es.kid, typ: 'at+jwt' }))}.${p}.${s}`),
    ).toMatch(/signature/);
  });
  it.each([
    ['an empty string', ''],
    ['one word', 'garbage'],
    ['two parts', 'a.b'],
    ['four parts', 'a.b.c.d'],
    ['non-base64url', 'a$.b.c'],
    ['a header that is not JSON', `${base64url('nope')}.${base64url('{}')}.c2ln`],
    ['a header that is an array', `${base64url('[]')}.${base64url('{}')}.c2ln`],
    ['a header that is not UTF-8', `${base64url(new Uint8Array([0xff, 0xfe]))}.${base64url('{}')}.c2ln`],
    ['a 20 KB token', `${'a'.repeat(20_000)}.b.c`],
  ])('refuses garbage: %s', async (_, token) => {
    expect(await refusal(token)).toBeTruthy();
  });
  it('refuses a payload that is not JSON, once the header is fine', async () => {
    const [h] = (await signJwt(es, valid())).split('.');
    expect(await refusal(`${h}.${base64url('not json')}.c2ln`)).toMatch(/not a JWT/);
  });
  it.each([
    ['JWS', 'JWS'],
    ['dpop+jwt', 'dpop+jwt'],
    ['a number', 1],
    ['empty', ''],
  ])('refuses typ %s', async (_, typ) => {
    expect(await refusal(await signJwt(es, valid(), { typ }))).toMatch(/typ/);
  });
  it('refuses a crit header', async () => {
    expect(await refusal(await signJwt(es, valid(), { crit: ['exp'] }))).toMatch(/critical/);
  });
  it.each([
    ['missing', undefined],
    ['empty', ''],
    ['a number', 42],
    ['256 characters', 'x'.repeat(256)],
    ['256 emoji', '😀'.repeat(256)],
    ['a lone high surrogate', 'alice\ud800'],
    ['a lone low surrogate', '\udc00bob'],
    ['a NUL', 'alice\u0000'],
    ['a line break', 'alice\nbob'],
    ['an escape', '\u001b[31malice'],
    ['a DEL', 'alice\u007f'],
    ['a C1 control', 'alice\u0085'],
  ])('refuses a sub that is %s', async (_, sub) => {
    expect(await refusal(await signJwt(es, valid({ sub })))).toMatch(/subject/);
  });
  it('turns an exception from the key source into a refusal', async () => {
    const throwing: KeySource = async () => {
      throw new TypeError('boom');
    };
    expect(await verifyJwt(await signJwt(es, valid()), throwing, policy)).toEqual({
      ok: false,
      refusal: 'the token could not be verified',
    });
  });
  it('passes "unavailable" on from the key source', async () => {
    const down: KeySource = async () => ({ kind: 'unavailable', retryAfter: 7 });
    expect(await verifyJwt(await signJwt(es, valid()), down, policy)).toMatchObject({ ok: false, retryAfter: 7 });
  });
  it('never asks for keys when the header already fails', async () => {
    let asked = 0;
    const counting: KeySource = async (kid) => (asked++, keys(kid));
    await verifyJwt(unsignedJwt(valid()), counting, policy);
    await verifyJwt('garbage', counting, policy);
    expect(asked).toBe(0);
  });
  it('words every refusal so it fits a quoted error_description (RFC 6750)', async () => {
    const tokens = [unsignedJwt(valid()), await signJwt(es, valid({ exp: 1 })), await signJwt(stranger, valid()), 'x'];
    for (const token of tokens) expect(await refusal(token)).toMatch(/^[\x20\x21\x23-\x5b\x5d-\x7e]+$/);
  });
});
