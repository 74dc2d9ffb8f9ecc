// Verifies a JWT from an OpenID Connect provider with WebCrypto only.
//
// Not hono/utils/jwt's `verify`: it has no leeway (each time check is on or off),
// its `typ` option cannot say "absent, JWT or at+jwt" in one call, and it throws
// a different error class for each failure. Here every failure, including an
// exception from WebCrypto, is a refusal with a fixed, header-safe reason.

import { decodeBase64url } from '../lib/base64url.ts';

/** The signature algorithms accepted: asymmetric only, one per key type. */
export type JwtAlg = 'RS256' | 'ES256' | 'EdDSA';

/** How WebCrypto imports a key for `alg` and verifies a signature with it. */
export const WEBCRYPTO: Record<
  JwtAlg,
  { importParams: SubtleCryptoImportKeyAlgorithm; verifyParams: SubtleCryptoSignAlgorithm }
> = {
  RS256: { importParams: { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' }, verifyParams: { name: 'RSASSA-PKCS1-v1_5' } },
  ES256: { importParams: { name: 'ECDSA', namedCurve: 'P-256' }, verifyParams: { name: 'ECDSA', hash: 'SHA-256' } },
  EdDSA: { importParams: { name: 'Ed25519' }, verifyParams: { name: 'Ed25519' } },
};

const isAccepted = (alg: unknown): alg is JwtAlg => alg === 'RS256' || alg === 'ES256' || alg === 'EdDSA';

/** What a key source answers for a `kid`: the key, "not in the key set", or "cannot tell now". */
export type KeyLookup =
  { kind: 'key'; key: CryptoKey; alg: JwtAlg } | { kind: 'unknown' } | { kind: 'unavailable'; retryAfter: number };

/** Finds the verification key a token names; see createJwksCache. */
export type KeySource = (kid: string) => Promise<KeyLookup>;

export interface JwtPolicy {
  /** The `iss` a token must carry, compared exactly (OpenID Connect: the issuer URL as the provider writes it). */
  issuer: string;
  /** The token's `aud` (a string or an array) must contain one of these; ANY_AUDIENCE: `aud` is not checked. */
  audience: readonly string[] | typeof ANY_AUDIENCE;
  /** Clock skew tolerated on `exp`, `nbf` and `iat`, in seconds. Default 60. */
  leewaySeconds?: number;
  /** The clock, in ms since the epoch. Default Date.now. */
  now?: () => number;
}

/** The policy's audience that skips the `aud` check (`AUTH_AUDIENCE=*`): said explicitly, never by leaving it out. */
export const ANY_AUDIENCE = '*';

export type JwtClaims = Record<string, unknown>;

/** A verified subject, a refusal (401), or keys that cannot be had now (503 + Retry-After). */
export type JwtVerdict =
  | { ok: true; subject: string; claims: JwtClaims }
  | { ok: false; refusal: string }
  | { ok: false; unavailable: string; retryAfter: number };

/** Longer tokens are refused before any parsing. */
export const MAX_TOKEN_LENGTH = 16 * 1024;
/** A `sub` of more characters (code points) is refused: it becomes part of an owner id. */
export const MAX_SUBJECT_LENGTH = 255;

/**
 * Whether `sub` can name an owner: not empty, well-formed Unicode (a lone
 * surrogate would become U+FFFD in the database, so two subjects would share
 * one owner), no control character, at most MAX_SUBJECT_LENGTH code points.
 */
export function usableSubject(sub: unknown): sub is string {
  if (typeof sub !== 'string' || sub === '' || sub.length > 2 * MAX_SUBJECT_LENGTH) return false;
  if (!sub.isWellFormed() || /\p{Cc}/u.test(sub)) return false;
  let length = 0;
  for (const _ of sub) if (++length > MAX_SUBJECT_LENGTH) return false;
  return true;
}

const SEGMENT = /^[A-Za-z0-9_-]+$/;
const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });

function base64urlBytes(segment: string): Uint8Array {
  const binary = decodeBase64url(segment);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

function jsonObject(segment: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(decoder.decode(base64urlBytes(segment)));
    return typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

/** `typ` absent, `JWT` or `at+jwt` (RFC 9068), with or without `application/`, in any case. */
function typAccepted(typ: unknown): boolean {
  if (typ === undefined) return true;
  if (typeof typ !== 'string') return false;
  const media = typ.toLowerCase().replace(/^application\//, '');
  return media === 'jwt' || media === 'at+jwt';
}

const isTime = (value: unknown): value is number => typeof value === 'number' && Number.isFinite(value);

/** True when `token` has the shape of a compact JWS (three base64url segments), without decoding it. */
export function looksLikeJwt(token: string): boolean {
  const parts = token.split('.');
  return parts.length === 3 && SEGMENT.test(parts[0]!) && SEGMENT.test(parts[1]!);
}

/**
 * Verifies a compact JWT: an accepted asymmetric algorithm, an accepted `typ`,
 * a `kid` the key source knows, the signature, then `iss`, `exp` (required),
 * `nbf`, `iat` (not in the future), `aud` unless the policy accepts any, and
 * a usable `sub` (usableSubject). Never throws for a bad token: every failure, an exception
 * from WebCrypto included, is a refusal whose reason is a fixed sentence (safe
 * for a `WWW-Authenticate` error_description; nothing of the token is echoed).
 */
export async function verifyJwt(token: string, keys: KeySource, policy: JwtPolicy): Promise<JwtVerdict> {
  try {
    return await verify(token, keys, policy);
  } catch {
    return { ok: false, refusal: 'the token could not be verified' };
  }
}

async function verify(token: string, keys: KeySource, policy: JwtPolicy): Promise<JwtVerdict> {
  const refuse = (refusal: string): JwtVerdict => ({ ok: false, refusal });
  if (token.length > MAX_TOKEN_LENGTH) return refuse('the token is too long');
  if (!looksLikeJwt(token)) return refuse('the token is not a JWT');
  const [headerPart, payloadPart, signaturePart] = token.split('.') as [string, string, string];

  const header = jsonObject(headerPart);
  if (!header) return refuse('the token is not a JWT');
  if (!isAccepted(header.alg)) return refuse('the token is not signed with RS256, ES256 or EdDSA');
  if (!typAccepted(header.typ)) return refuse('the token type (typ) is not JWT or at+jwt');
  if (header.crit !== undefined) return refuse('the token has critical header parameters this API does not understand');
  if (typeof header.kid !== 'string' || header.kid === '' || header.kid.length > 256)
    return refuse('the token names no key (kid)');
  const claims = jsonObject(payloadPart);
  if (!claims) return refuse('the token is not a JWT');
  if (!SEGMENT.test(signaturePart)) return refuse('the token has no signature');

  const found = await keys(header.kid);
  if (found.kind === 'unavailable')
    return {
      ok: false,
      unavailable: "the identity provider's keys cannot be fetched now",
      retryAfter: found.retryAfter,
    };
  if (found.kind === 'unknown') return refuse("the token's key (kid) is not in the issuer's key set");
  if (found.alg !== header.alg) return refuse("the token's algorithm does not match its key");
  const signed = await crypto.subtle
    .verify(
      WEBCRYPTO[found.alg].verifyParams,
      found.key,
      base64urlBytes(signaturePart),
      encoder.encode(`${headerPart}.${payloadPart}`),
    )
    .catch(() => false);
  if (!signed) return refuse('the token signature is not valid');

  const now = (policy.now ?? Date.now)() / 1000;
  const leeway = policy.leewaySeconds ?? 60;
  if (claims.iss !== policy.issuer) return refuse('the token issuer (iss) is not trusted');
  if (!isTime(claims.exp)) return refuse('the token has no expiry (exp)');
  if (claims.exp + leeway <= now) return refuse('the token has expired');
  if (claims.nbf !== undefined && (!isTime(claims.nbf) || claims.nbf - leeway > now))
    return refuse('the token is not valid yet (nbf)');
  if (claims.iat !== undefined && (!isTime(claims.iat) || claims.iat - leeway > now))
    return refuse('the token was issued in the future (iat)');
  const audience = policy.audience;
  if (audience !== ANY_AUDIENCE) {
    const aud = Array.isArray(claims.aud) ? claims.aud : [claims.aud];
    if (!aud.some((a) => typeof a === 'string' && audience.includes(a)))
      return refuse('the token is not meant for this API (aud)');
  }
  const sub = claims.sub;
  if (!usableSubject(sub)) return refuse('the token has no usable subject (sub)');
  return { ok: true, subject: sub, claims };
}
