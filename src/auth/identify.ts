import { jwksCacheFor } from './jwks.ts';
import { ANY_AUDIENCE, looksLikeJwt, verifyJwt, type KeySource } from './jwt.ts';
import { ANONYMOUS_OWNER, findStaticToken, parseApiTokens, type StaticToken } from './tokens.ts';

/** Where identities may come from, parsed once per isolate (see parseIdentitySettings). */
export interface IdentitySettings {
  /** Parsed `API_TOKENS`. */
  tokens: readonly StaticToken[];
  /** OpenID Connect, when `AUTH_JWKS_URL` and `AUTH_ISSUER` are set. */
  jwt?: {
    jwksUrl: string;
    issuer: string;
    /** `AUTH_AUDIENCE`, comma-separated, or `*`: `aud` is not checked (an explicit opt-out, warned about). */
    audience: readonly string[] | typeof ANY_AUDIENCE;
    /** True when the issuer is a Cloudflare Access team domain: its `Cf-Access-Jwt-Assertion` header is read too. */
    cloudflareAccess: boolean;
  };
  /** `AUTH_ANONYMOUS=on`: a request with no credential acts as `anonymous`. */
  anonymous: boolean;
}

/** The settings identity reads, as the Worker receives them. */
export interface IdentityEnv {
  API_TOKENS?: string;
  AUTH_JWKS_URL?: string;
  AUTH_ISSUER?: string;
  AUTH_AUDIENCE?: string;
  AUTH_ANONYMOUS?: string;
}

export type SettingProblem = { setting: keyof IdentityEnv; message: string };

/** A 401's `WWW-Authenticate` error (RFC 6750) and a sentence for the problem's detail and error_description. */
export interface Refusal {
  error?: 'invalid_request' | 'invalid_token';
  description: string;
}

/** Who is calling: an owner id, a refusal (401), or keys that cannot be had now (503 + Retry-After). */
export type Identity =
  | { owner: string; via: 'jwt' | 'token' | 'anonymous' }
  | { refusal: Refusal }
  | { unavailable: { description: string; retryAfter: number } };

/** `https://<team>.cloudflareaccess.com`: the issuer of Cloudflare Access's application tokens. */
export function isCloudflareAccessIssuer(issuer: string): boolean {
  return /^https:\/\/[a-z0-9-]+\.cloudflareaccess\.com\/?$/i.test(issuer);
}

/** An absolute https URL, or http to this machine (the local issuer). */
function urlProblem(value: string): string | undefined {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return 'must be an absolute URL';
  }
  if (url.protocol === 'https:') return undefined;
  if (url.protocol === 'http:' && ['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname)) return undefined;
  return 'must be an https URL (http only for 127.0.0.1 or localhost)';
}

/**
 * Parses the identity settings, naming each bad one. `AUTH_JWKS_URL` and
 * `AUTH_ISSUER` go together, and `AUTH_AUDIENCE` is required with them: an
 * issuer shared by several applications (Google, an Auth0 tenant, Entra ID,
 * Okta) signs tokens meant for each, and only `aud` tells them apart; `*`
 * alone opts out. `AUTH_ANONYMOUS` is `on`, `off` or unset (off). Meant to be
 * called once per isolate (from the settings module), not per request.
 */
export function parseIdentitySettings(
  env: IdentityEnv,
): { ok: true; settings: IdentitySettings } | { ok: false; problems: SettingProblem[] } {
  const problems: SettingProblem[] = [];
  const blankToUndefined = (value: string | undefined) =>
    value === undefined || value.trim() === '' ? undefined : value.trim();
  const jwksUrl = blankToUndefined(env.AUTH_JWKS_URL);
  const issuer = blankToUndefined(env.AUTH_ISSUER);
  const audience = (env.AUTH_AUDIENCE ?? '')
    .split(',')
    .map((a) => a.trim())
    .filter(Boolean);

  const tokens = parseApiTokens(env.API_TOKENS);
  if (!tokens.ok) problems.push({ setting: 'API_TOKENS', message: tokens.error });
  if (jwksUrl && !issuer)
    problems.push({
      setting: 'AUTH_ISSUER',
      message: 'must be set with AUTH_JWKS_URL (the iss your provider writes in its tokens)',
    });
  if (issuer && !jwksUrl)
    problems.push({ setting: 'AUTH_JWKS_URL', message: "must be set with AUTH_ISSUER (your provider's jwks_uri)" });
  const jwksProblem = jwksUrl && urlProblem(jwksUrl);
  if (jwksProblem) problems.push({ setting: 'AUTH_JWKS_URL', message: jwksProblem });
  const issuerProblem = issuer && urlProblem(issuer);
  if (issuerProblem) problems.push({ setting: 'AUTH_ISSUER', message: issuerProblem });
  const anyAudience = audience.includes(ANY_AUDIENCE);
  if (anyAudience && audience.length > 1)
    problems.push({ setting: 'AUTH_AUDIENCE', message: 'is * (any audience) or a list of audiences, not both' });
  // Every Access application of a team shares its issuer and keys: only `aud` says a token is meant for this API.
  if (issuer && isCloudflareAccessIssuer(issuer) && (audience.length === 0 || anyAudience)) {
    problems.push({
      setting: 'AUTH_AUDIENCE',
      message: "must be set for a Cloudflare Access issuer: the application's AUD tag (not *)",
    });
  } else if (issuer && audience.length === 0) {
    problems.push({
      setting: 'AUTH_AUDIENCE',
      message:
        'must be set with AUTH_ISSUER: the aud your provider writes in tokens for this API (its API identifier or client id), or * to accept a token meant for any application of that issuer',
    });
  }
  if (audience.length > 0 && !(jwksUrl && issuer))
    problems.push({ setting: 'AUTH_AUDIENCE', message: 'is only used with AUTH_JWKS_URL and AUTH_ISSUER' });
  const anonymous = (env.AUTH_ANONYMOUS ?? '').trim().toLowerCase();
  if (!['', 'on', 'off'].includes(anonymous))
    problems.push({ setting: 'AUTH_ANONYMOUS', message: 'must be on or off' });

  if (problems.length > 0 || !tokens.ok) return { ok: false, problems };
  return {
    ok: true,
    settings: {
      tokens: tokens.tokens,
      jwt:
        jwksUrl && issuer
          ? {
              jwksUrl,
              issuer,
              audience: anyAudience ? ANY_AUDIENCE : audience,
              cloudflareAccess: isCloudflareAccessIssuer(issuer),
            }
          : undefined,
      anonymous: anonymous === 'on',
    },
  };
}

/** True when no request can be identified: no static token, no OpenID Connect, anonymous access off (every protected route answers 401). */
export function acceptsNoOne(settings: IdentitySettings): boolean {
  return settings.tokens.length === 0 && !settings.jwt && !settings.anonymous;
}

/** This isolate's key cache for the configured JWKS, bound to one request's `waitUntil`; undefined without OpenID Connect. */
export function keysFor(
  settings: IdentitySettings,
  waitUntil?: (promise: Promise<unknown>) => void,
): KeySource | undefined {
  return settings.jwt && jwksCacheFor(settings.jwt.jwksUrl).source(waitUntil);
}

const BEARER = /^Bearer +([\x21-\x7e]+) *$/i;
const ASSERTION = /^[\x21-\x7e]+$/;

/**
 * Who is calling. The credential is `Authorization: Bearer <token>`, or, when
 * the issuer is a Cloudflare Access team domain and no Bearer header is sent,
 * `Cf-Access-Jwt-Assertion`. A Bearer token is first compared with the static
 * tokens (`token:<name>` or `default`), then verified as a JWT (`jwt:<sub>`).
 * No credential: `anonymous` when anonymous access is on, else a refusal. A
 * credential that fails is refused even when anonymous access is on.
 * Every description is a fixed sentence that fits a quoted `error_description`.
 * `keys` defaults to this isolate's cache (keysFor), without `waitUntil`.
 */
export async function identify(
  headers: Headers,
  settings: IdentitySettings,
  keys: KeySource | undefined = keysFor(settings),
  options: { now?: () => number } = {},
): Promise<Identity> {
  const authorization = headers.get('authorization');
  const bearer = authorization === null ? undefined : BEARER.exec(authorization)?.[1];
  const assertion = settings.jwt?.cloudflareAccess ? headers.get('cf-access-jwt-assertion')?.trim() : undefined;

  if (bearer === undefined && assertion) {
    if (!ASSERTION.test(assertion))
      return {
        refusal: { error: 'invalid_request', description: 'The Cf-Access-Jwt-Assertion header is not a token.' },
      };
    return fromJwt(assertion, settings, keys, options.now);
  }
  if (authorization !== null && bearer === undefined) {
    return { refusal: { error: 'invalid_request', description: 'The Authorization header must be: Bearer <token>.' } };
  }
  if (bearer === undefined) {
    if (settings.anonymous) return { owner: ANONYMOUS_OWNER, via: 'anonymous' };
    if (acceptsNoOne(settings))
      return {
        refusal: { description: 'This server accepts no credentials yet: its identity settings are not configured.' },
      };
    return { refusal: { description: 'This API needs a bearer token: send Authorization: Bearer <token>.' } };
  }
  const token = await findStaticToken(bearer, settings.tokens);
  if (token) return { owner: token.owner, via: 'token' };
  if (settings.jwt && looksLikeJwt(bearer)) return fromJwt(bearer, settings, keys, options.now);
  return { refusal: { error: 'invalid_token', description: 'The bearer token is not valid.' } };
}

async function fromJwt(
  token: string,
  settings: IdentitySettings,
  keys: KeySource | undefined,
  now?: () => number,
): Promise<Identity> {
  const jwt = settings.jwt!;
  const verdict = await verifyJwt(token, keys ?? jwksCacheFor(jwt.jwksUrl).source(), {
    issuer: jwt.issuer,
    audience: jwt.audience,
    now,
  });
  if (verdict.ok) return { owner: `jwt:${verdict.subject}`, via: 'jwt' };
  if ('unavailable' in verdict)
    return {
      unavailable: {
        description: `The token cannot be checked now: ${verdict.unavailable}.`,
        retryAfter: verdict.retryAfter,
      },
    };
  return { refusal: { error: 'invalid_token', description: `The bearer token is not valid: ${verdict.refusal}.` } };
}
