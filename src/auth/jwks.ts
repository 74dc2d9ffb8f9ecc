import { WEBCRYPTO, type JwtAlg, type KeyLookup, type KeySource } from './jwt.ts';

export interface JwksCacheOptions {
  /** The provider's JWKS (OpenID Connect `jwks_uri`). */
  url: string;
  /** Default: the global fetch. */
  fetch?: (url: string, init: RequestInit) => Promise<Response>;
  /** The clock, in ms. Default Date.now. */
  now?: () => number;
  /** How a request waiting for another's fetch pauses between looks. Default setTimeout. */
  sleep?: (ms: number) => Promise<void>;
  /** Age after which the key set is fetched again. Default 5 minutes. */
  refreshAfterMs?: number;
  /** Least time between two fetches that complete, whatever asks for them (unknown kids, refreshes, failures). Default 30 s. */
  minFetchIntervalMs?: number;
  /** Past this age the last good key set is dropped, even if no fetch succeeds. Default 24 hours. */
  maxStaleMs?: number;
  /** Deadline of one fetch. Default 5 s. */
  timeoutMs?: number;
  /** Pause between looks while another request's fetch is in flight. Default 20 ms. */
  pollMs?: number;
}

export interface JwksCache {
  /**
   * The key for `kid`. Pass `waitUntil` (the request's `ctx.waitUntil`) so that
   * a due refresh of a known key runs after the response instead of before it.
   */
  key(kid: string, waitUntil?: (promise: Promise<unknown>) => void): Promise<KeyLookup>;
  /** A KeySource bound to one request's `waitUntil`. */
  source(waitUntil?: (promise: Promise<unknown>) => void): KeySource;
}

type KeyEntry = { key: CryptoKey; alg: JwtAlg };
type Attempt = { startedAt: number; deadline: number; done: boolean };

/** A response bigger than this is not a key set. */
const MAX_JWKS_BYTES = 256 * 1024;
/** Keys past this many in one set are ignored. */
const MAX_KEYS = 100;

/** The algorithm a JWK is for, when it is a signing key this API accepts. */
function algOf(jwk: Record<string, unknown>): JwtAlg | undefined {
  if (jwk.use !== undefined && jwk.use !== 'sig') return undefined;
  const alg = jwk.alg;
  if (jwk.kty === 'RSA' && (alg === undefined || alg === 'RS256')) return 'RS256';
  if (jwk.kty === 'EC' && jwk.crv === 'P-256' && (alg === undefined || alg === 'ES256')) return 'ES256';
  if (jwk.kty === 'OKP' && jwk.crv === 'Ed25519' && (alg === undefined || alg === 'EdDSA' || alg === 'Ed25519'))
    return 'EdDSA';
  return undefined;
}

/** Only the public parameters: WebCrypto then has nothing (alg names, key_ops) to disagree with. */
const publicParts = (jwk: Record<string, unknown>): JsonWebKey =>
  (jwk.kty === 'RSA'
    ? { kty: 'RSA', n: jwk.n, e: jwk.e }
    : { kty: jwk.kty, crv: jwk.crv, x: jwk.x, ...(jwk.kty === 'EC' ? { y: jwk.y } : {}) }) as JsonWebKey;

/**
 * Imports the signing keys of a JWKS document by `kid`. Keys this API cannot
 * use (encryption keys, other algorithms, malformed ones) are skipped; a
 * document with no usable key is an error, so the last good set is kept.
 */
export async function importKeySet(document: unknown): Promise<Map<string, KeyEntry>> {
  const keys = (document as { keys?: unknown } | null)?.keys;
  if (!Array.isArray(keys)) throw new Error('not a JWKS: no "keys" array');
  const imported = new Map<string, KeyEntry>();
  for (const jwk of keys.slice(0, MAX_KEYS) as Record<string, unknown>[]) {
    if (
      typeof jwk !== 'object' ||
      jwk === null ||
      typeof jwk.kid !== 'string' ||
      jwk.kid === '' ||
      imported.has(jwk.kid)
    )
      continue;
    const alg = algOf(jwk);
    if (!alg) continue;
    try {
      imported.set(jwk.kid, {
        alg,
        key: await crypto.subtle.importKey('jwk', publicParts(jwk), WEBCRYPTO[alg].importParams, false, ['verify']),
      });
    } catch {
      // a malformed key: the others still count
    }
  }
  if (imported.size === 0) throw new Error('the JWKS holds no usable signing key');
  return imported;
}

/**
 * A per-isolate cache of one provider's JWKS, as imported CryptoKeys by `kid`.
 *
 * - Steady state: a known `kid` is answered from memory, no subrequest.
 * - The set is fetched again once it is `refreshAfterMs` old (in the
 *   background when `waitUntil` is given); meanwhile it keeps serving.
 * - An unknown `kid` makes one fetch, but no fetch starts within
 *   `minFetchIntervalMs` of the last one that completed, so a flood of forged
 *   kids costs at most one fetch per interval. After that, an unknown `kid` is
 *   "unknown" if the last fetch succeeded, "unavailable" (503) if it failed.
 * - The last good set is kept up to `maxStaleMs` while fetches fail.
 * - Only resolved key sets are shared between requests, never a promise: a
 *   request that needs keys while another's fetch is in flight looks again every
 *   `pollMs` until that fetch ends or passes its deadline (its request may have
 *   been cancelled), and then fetches itself if it still has to.
 */
export function createJwksCache(options: JwksCacheOptions): JwksCache {
  const {
    url,
    now = Date.now,
    sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)),
    refreshAfterMs = 5 * 60_000,
    minFetchIntervalMs = 30_000,
    maxStaleMs = 24 * 3_600_000,
    timeoutMs = 5_000,
    pollMs = 20,
  } = options;
  const fetchJwks = options.fetch ?? ((input: string, init: RequestInit) => fetch(input, init));

  let set: { keys: Map<string, KeyEntry>; fetchedAt: number } | undefined;
  let current: Attempt | undefined;
  let lastCompleted: { startedAt: number; ok: boolean } | undefined;

  const inFlight = (at: number) => current !== undefined && !current.done && at < current.deadline;
  const mayFetch = (at: number) => !lastCompleted || at - lastCompleted.startedAt >= minFetchIntervalMs;
  const retryAfter = (at: number) =>
    Math.max(1, Math.ceil(((lastCompleted?.startedAt ?? at) + minFetchIntervalMs - at) / 1000));

  const complete = (outcome: { startedAt: number; ok: boolean }) => {
    if (!lastCompleted || lastCompleted.startedAt <= outcome.startedAt) lastCompleted = outcome;
  };

  /** Fetches and imports the set; never throws (a failure is recorded and the old set kept). */
  async function refresh(startedAt: number): Promise<void> {
    const attempt: Attempt = { startedAt, deadline: startedAt + timeoutMs, done: false };
    current = attempt;
    try {
      const res = await fetchJwks(url, {
        headers: { accept: 'application/json' },
        signal: AbortSignal.timeout(timeoutMs),
      });
      if (!res.ok) throw new Error(`JWKS answered ${res.status}`);
      const text = await res.text();
      if (text.length > MAX_JWKS_BYTES) throw new Error('JWKS too large');
      const keys = await importKeySet(JSON.parse(text));
      // A fetch that outlived its deadline may end after a newer one: the newer set and outcome stand.
      if (!set || set.fetchedAt <= startedAt) set = { keys, fetchedAt: now() };
      complete({ startedAt, ok: true });
    } catch {
      complete({ startedAt, ok: false });
    } finally {
      attempt.done = true;
    }
  }

  // Each look either answers, waits one poll for a fetch in flight, or ends a fetch; a fetch in flight is over
  // by its deadline, so a lookup that needs more looks than this is a defect, answered as a failed fetch.
  const maxLooks = Math.ceil(timeoutMs / pollMs) + 4;

  async function key(kid: string, waitUntil?: (promise: Promise<unknown>) => void): Promise<KeyLookup> {
    for (let look = 0; look < maxLooks; look++) {
      const at = now();
      if (set && at - set.fetchedAt >= maxStaleMs) set = undefined;
      const entry = set?.keys.get(kid);
      if (entry) {
        if (at - set!.fetchedAt >= refreshAfterMs && !inFlight(at) && mayFetch(at)) {
          const refreshing = refresh(at);
          if (waitUntil) waitUntil(refreshing);
          else {
            await refreshing;
            continue; // the new set decides (the key may have been withdrawn)
          }
        }
        return { kind: 'key', ...entry };
      }
      if (inFlight(at)) {
        await sleep(pollMs);
        continue;
      }
      if (!mayFetch(at))
        return lastCompleted!.ok ? { kind: 'unknown' } : { kind: 'unavailable', retryAfter: retryAfter(at) };
      await refresh(at);
      const fetched = set?.keys.get(kid);
      if (fetched) return { kind: 'key', ...fetched };
      return lastCompleted?.ok ? { kind: 'unknown' } : { kind: 'unavailable', retryAfter: retryAfter(now()) };
    }
    return { kind: 'unavailable', retryAfter: retryAfter(now()) };
  }

  return { key, source: (waitUntil) => (kid) => key(kid, waitUntil) };
}

const caches = new Map<string, JwksCache>();

/** This isolate's cache for the JWKS at `url` (one per URL, made on first use). */
export function jwksCacheFor(url: string): JwksCache {
  let cache = caches.get(url);
  if (!cache) caches.set(url, (cache = createJwksCache({ url })));
  return cache;
}
