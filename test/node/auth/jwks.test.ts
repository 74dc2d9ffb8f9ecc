import { beforeAll, describe, expect, it } from 'vitest';
import { createJwksCache, importKeySet, type JwksCacheOptions } from '../../../src/auth/jwks.ts';
import { jwks, makeKey, type TestKey } from '../../support/jwt.ts';

const MIN = 60_000;
const HOUR = 60 * MIN;

let k1: TestKey, k2: TestKey, rsa: TestKey, ed: TestKey;
beforeAll(async () => {
  [k1, k2, rsa, ed] = await Promise.all([
    makeKey('ES256', 'k1'),
    makeKey('ES256', 'k2'),
    makeKey('RS256', 'rsa'),
    makeKey('EdDSA', 'ed'),
  ]);
});

/** An answer the test releases later: the fetch that drew it waits until `release(set)`. */
function held() {
  let release!: (answer: unknown) => void;
  const answer = new Promise<unknown>((resolve) => (release = resolve));
  return { held: answer, release };
}

/**
 * A fake clock and a counting JWKS endpoint. `serve` is what it answers now:
 * a key set, 'down' (connection refused), a status, 'hang' (never answers),
 * or a `held()` answer.
 */
function harness(overrides: Partial<JwksCacheOptions> = {}) {
  const h = {
    t: 1_000_000,
    fetches: 0,
    serve: jwks(k1) as unknown,
    background: [] as Promise<unknown>[],
  };
  const cache = createJwksCache({
    url: 'https://issuer.example/jwks',
    now: () => h.t,
    sleep: async (ms) => {
      h.t += ms;
      await new Promise((resolve) => setImmediate(resolve));
    },
    fetch: async () => {
      h.fetches++;
      const serve = h.serve;
      if (serve === 'down') throw new TypeError('fetch failed');
      if (serve === 'hang') return new Promise<Response>(() => undefined);
      if (typeof serve === 'number') return new Response('{}', { status: serve });
      if (typeof serve === 'string') return new Response(serve);
      if (typeof serve === 'object' && serve !== null && 'held' in serve)
        return Response.json(await (serve as ReturnType<typeof held>).held);
      return Response.json(serve);
    },
    ...overrides,
  });
  const waitUntil = (p: Promise<unknown>) => void h.background.push(p);
  return { h, cache, waitUntil, kind: async (kid: string, w?: typeof waitUntil) => (await cache.key(kid, w)).kind };
}

describe('steady state', () => {
  it('fetches once, then answers known kids from memory', async () => {
    const { h, kind } = harness();
    expect(await kind('k1')).toBe('key');
    for (let i = 0; i < 100; i++) {
      h.t += 1000; // 100 s in all, under the 5 minute refresh
      expect(await kind('k1')).toBe('key');
    }
    expect(h.fetches).toBe(1);
  });

  it('imports each algorithm the verifier accepts', async () => {
    const { h, cache } = harness();
    h.serve = jwks(k1, rsa, ed);
    expect(await cache.key('rsa')).toMatchObject({ kind: 'key', alg: 'RS256' });
    expect(await cache.key('k1')).toMatchObject({ kind: 'key', alg: 'ES256' });
    expect(await cache.key('ed')).toMatchObject({ kind: 'key', alg: 'EdDSA' });
    expect(h.fetches).toBe(1);
  });

  it('lets concurrent requests at a cold start share one fetch, without sharing its promise', async () => {
    const { h, kind } = harness();
    expect(await Promise.all(Array.from({ length: 20 }, () => kind('k1')))).toEqual(Array(20).fill('key'));
    expect(h.fetches).toBe(1);
  });

  it('refreshes a set older than 5 minutes once, in the background when given waitUntil', async () => {
    const { h, kind, waitUntil } = harness();
    await kind('k1');
    h.t += 5 * MIN;
    h.serve = 'hang'; // the refresh never answers: the request must not wait for it
    expect(await kind('k1', waitUntil)).toBe('key');
    expect(await kind('k1', waitUntil)).toBe('key');
    expect(h.fetches).toBe(2);
    expect(h.background).toHaveLength(1);
  }, 5_000);

  it('awaits the refresh without waitUntil, and honours a key withdrawn by it', async () => {
    const { h, kind } = harness();
    h.serve = jwks(k1, k2);
    await kind('k1');
    h.t += 5 * MIN;
    h.serve = jwks(k2);
    expect(await kind('k1')).toBe('unknown');
    expect(await kind('k2')).toBe('key');
    expect(h.fetches).toBe(2);
  });
});

describe('rotation and unknown kids', () => {
  it('accepts a new kid after exactly one refetch', async () => {
    const { h, kind } = harness();
    await kind('k1');
    h.t += 31_000;
    h.serve = jwks(k1, k2);
    expect(await kind('k2')).toBe('key');
    expect(h.fetches).toBe(2);
    expect(await kind('k2')).toBe('key');
    expect(h.fetches).toBe(2);
  });

  it('turns a flood of forged kids into at most one fetch per 30 s', async () => {
    const { h, kind } = harness();
    await kind('k1');
    h.t += 31_000;
    // 1000 forged kids over 60 s, 50 at a time (concurrent), then sequentially
    for (let burst = 0; burst < 20; burst++) {
      const kinds = await Promise.all(Array.from({ length: 50 }, (_, i) => kind(`forged-${burst}-${i}`)));
      expect(kinds.every((k) => k === 'unknown')).toBe(true);
      h.t += 3_000;
    }
    // 60 s of flood: fetches at +0 and +30 s at most
    expect(h.fetches - 1).toBeLessThanOrEqual(2);
    expect(await kind('k1')).toBe('key');
  });

  it('refetches for an unknown kid right after a cold start only once the 30 s have passed', async () => {
    const { h, kind } = harness();
    await kind('k1');
    h.serve = jwks(k1, k2);
    expect(await kind('k2')).toBe('unknown'); // the set is 0 s old: no fetch
    expect(h.fetches).toBe(1);
    h.t += 30_000;
    expect(await kind('k2')).toBe('key');
    expect(h.fetches).toBe(2);
  });
});

describe('when the JWKS is unreachable', () => {
  it('still answers a cached kid, and says "unavailable" for an uncached one', async () => {
    const { h, cache, kind } = harness();
    await kind('k1');
    h.t += 31_000;
    h.serve = 'down';
    expect(await kind('k1')).toBe('key');
    expect(await cache.key('k2')).toEqual({ kind: 'unavailable', retryAfter: 30 });
    expect(h.fetches).toBe(2);
    h.t += 10_000;
    expect(await cache.key('k2')).toEqual({ kind: 'unavailable', retryAfter: 20 }); // rate-limited: no fetch
    expect(h.fetches).toBe(2);
  });

  it.each([
    ['a 500', 500],
    ['a page that is not JSON', '<html>'],
    ['JSON without keys', '{"error":"x"}'],
    ['a set with no usable key', '{"keys":[{"kty":"oct","kid":"s","k":"c2VjcmV0"}]}'],
  ])('treats %s as a failed fetch and keeps the last good set', async (_, answer) => {
    const { h, kind } = harness();
    await kind('k1');
    h.t += 5 * MIN;
    h.serve = answer;
    expect(await kind('k1')).toBe('key');
    expect(await kind('k2')).toBe('unavailable');
    expect(h.fetches).toBe(2);
  });

  it('at a cold start, answers "unavailable" and tries again only after 30 s', async () => {
    const { h, kind } = harness();
    h.serve = 'down';
    expect(await kind('k1')).toBe('unavailable');
    expect(await kind('k1')).toBe('unavailable');
    expect(h.fetches).toBe(1);
    h.t += 30_000;
    h.serve = jwks(k1);
    expect(await kind('k1')).toBe('key');
    expect(h.fetches).toBe(2);
  });

  it('keeps the last good set for 24 hours, trying at most every 30 s, then drops it', async () => {
    const { h, kind, waitUntil } = harness();
    await kind('k1');
    const fetchedAt = h.t;
    h.serve = 'down';
    for (let t = 0; t < 24 * HOUR - MIN; t += 10 * MIN) {
      h.t = fetchedAt + t;
      expect(await kind('k1', waitUntil)).toBe('key');
    }
    await Promise.all(h.background);
    expect(h.fetches).toBeLessThanOrEqual(1 + (24 * HOUR) / (10 * MIN));
    h.t = fetchedAt + 24 * HOUR;
    expect(await kind('k1')).toBe('unavailable');
  });

  it('keeps a newer set when a fetch that outlived its deadline answers late with an older one', async () => {
    const { h, kind } = harness();
    const late = held();
    h.serve = late;
    const first = kind('k1'); // its fetch is held past its deadline
    await new Promise((resolve) => setImmediate(resolve));
    h.t += 5_001;
    h.serve = jwks(k2); // k1 withdrawn, k2 current
    expect(await kind('k2')).toBe('key');
    late.release(jwks(k1));
    expect(await first).toBe('unknown');
    expect(await kind('k1')).toBe('unknown');
    expect(await kind('k2')).toBe('key');
    expect(h.fetches).toBe(2);
  });

  it('ends a lookup whose refresh keeps failing without waitUntil, with one fetch', async () => {
    const { h, kind } = harness();
    await kind('k1');
    h.t += 5 * MIN;
    h.serve = 'down';
    expect(await kind('k1')).toBe('key');
    expect(h.fetches).toBe(2);
  });

  it('does not let a fetch whose request was cancelled hold the others past its deadline', async () => {
    const { h, kind } = harness();
    h.serve = 'hang';
    void kind('k1'); // its request is "cancelled": this lookup never ends
    h.serve = jwks(k1);
    const started = h.t;
    expect(await kind('k1')).toBe('key'); // waited for the 5 s deadline, then fetched itself
    expect(h.t - started).toBeGreaterThanOrEqual(5_000);
    expect(h.fetches).toBe(2);
  }, 5_000);
});

describe('importKeySet', () => {
  it('skips encryption keys, other algorithms, keys without kid and malformed keys', async () => {
    const set = await importKeySet({
      keys: [
        { ...k2.jwk, use: 'enc' },
        { ...rsa.jwk, kid: 'ps', alg: 'PS256' },
        { ...k1.jwk, kid: undefined },
        { ...k1.jwk, kid: 'broken', x: 'AAAA' },
        { kty: 'oct', kid: 'hmac', k: 'c2VjcmV0' },
        k1.jwk,
        { ...k2.jwk, kid: 'k1' }, // a second key under a kid already taken: the first wins
      ],
    });
    expect([...set.keys()]).toEqual(['k1']);
  });
});
