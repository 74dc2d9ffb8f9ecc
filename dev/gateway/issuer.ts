import { generateIssuerKey, jwksOf, mintToken, type IssuerKey } from '../issuer.ts';
import type { GatewayStats } from './types.ts';

/**
 * The local identity provider's HTTP side, as the gateway serves it:
 *
 * - `GET /.well-known/jwks.json`: the key set (counted in /stats: `jwksRequests`, and per scope `jwksRequestsByScope`).
 * - `POST /issuer/token` `{"sub": "alice", "lifetimeSeconds"?: 3600, "aud"?: ..., "claims"?: {...}}`:
 *   a token signed by the newest key, `iss` = the gateway's URL, `aud` as given (default: the one
 *   `npm run dev` requires, dev/local-audience.ts; `null`: none); answers `{token, kid, issuer}`.
 * - `POST /issuer/rotate`: a new signing key; the old ones stay in the set (as providers rotate).
 * - `POST /issuer/outage` `{"down": true|false}`: while down, the key set answers 503 (JWKS outage tests).
 *
 * Each takes `?scope=NAME`: a scope is an independent key ring with its own
 * counter and outage switch, made on first use, so
 * tests that rotate keys or take the JWKS down do not disturb each other. The
 * unnamed scope holds the key from .data/ (the one `npm run token` signs with);
 * rotation and outages are kept in memory only. The gateway listens on
 * 127.0.0.1 only: minting is for this machine, like the database itself.
 */
export function createIssuer(defaultKey: IssuerKey, stats: GatewayStats) {
  const scopes = new Map<string, { keys: IssuerKey[]; down: boolean; jwksRequests: number }>([
    ['', { keys: [defaultKey], down: false, jwksRequests: 0 }],
  ]);
  const MAX_SCOPES = 1000;

  const scopeOf = (url: URL) => {
    const name = url.searchParams.get('scope') ?? '';
    if (name !== '' && !/^[A-Za-z0-9._-]{1,64}$/.test(name))
      throw new IssuerRequestError(400, 'scope must match [A-Za-z0-9._-]{1,64}');
    let scope = scopes.get(name);
    if (!scope) {
      if (scopes.size >= MAX_SCOPES) throw new IssuerRequestError(400, `at most ${MAX_SCOPES} scopes`);
      scopes.set(name, (scope = { keys: [generateIssuerKey()], down: false, jwksRequests: 0 }));
    }
    return { name, scope };
  };

  return {
    /** The unnamed scope's newest key: what the local OpenID provider (./oidc.ts) signs with. */
    signingKey: () => scopes.get('')!.keys.at(-1)!,
    /** JWKS requests per scope ('' is the unnamed one), for /stats. */
    jwksRequestsByScope: () => Object.fromEntries([...scopes].map(([name, scope]) => [name, scope.jwksRequests])),
    /** Zeroes the per-scope counters (POST /stats/reset). */
    resetCounters: () => scopes.forEach((scope) => (scope.jwksRequests = 0)),
    /** GET /.well-known/jwks.json */
    jwks(url: URL): { status: number; body: unknown } {
      const { scope } = scopeOf(url);
      stats.jwksRequests++;
      scope.jwksRequests++;
      return scope.down
        ? { status: 503, body: { message: 'the key set is down (POST /issuer/outage)' } }
        : { status: 200, body: jwksOf(scope.keys) };
    },
    /** POST /issuer/token */
    token(url: URL, issuer: string, body: Record<string, unknown>) {
      const { scope } = scopeOf(url);
      if (typeof body.sub !== 'string' || body.sub === '')
        throw new IssuerRequestError(400, 'sub must be a non-empty string');
      const lifetimeSeconds = body.lifetimeSeconds ?? 3600;
      if (typeof lifetimeSeconds !== 'number' || !(lifetimeSeconds > 0))
        throw new IssuerRequestError(400, 'lifetimeSeconds must be a positive number');
      const claims = body.claims ?? {};
      if (typeof claims !== 'object' || claims === null || Array.isArray(claims))
        throw new IssuerRequestError(400, 'claims must be an object');
      const key = scope.keys.at(-1)!;
      const token = mintToken(key, {
        issuer,
        subject: body.sub,
        lifetimeSeconds,
        audience: body.aud as string | string[] | null | undefined,
        claims: claims as Record<string, unknown>,
      });
      return { token, kid: key.kid, issuer };
    },
    /** POST /issuer/rotate */
    rotate(url: URL) {
      const { scope } = scopeOf(url);
      const key = generateIssuerKey();
      scope.keys.push(key);
      return { kid: key.kid, kids: scope.keys.map((k) => k.kid) };
    },
    /** POST /issuer/outage */
    outage(url: URL, body: Record<string, unknown>) {
      const { scope } = scopeOf(url);
      if (typeof body.down !== 'boolean') throw new IssuerRequestError(400, 'down must be true or false');
      scope.down = body.down;
      return { down: scope.down };
    },
  };
}

/** A bad request to the issuer's endpoints: answered with its status and message. */
export class IssuerRequestError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}
