// The local identity provider: an ES256 key pair kept in .data/, the JWKS the gateway serves
// at /.well-known/jwks.json, and tokens it signs. Offline, no account; never for production.
import { createHash, createPrivateKey, generateKeyPairSync, sign, type JsonWebKey, type KeyObject } from 'node:crypto';
import { linkSync, mkdirSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { LOCAL_AUDIENCE } from './local-audience.ts';

/** Where `npm run dev`, `npm run db` and `npm run token` keep the local issuer's key (git-ignored). */
export const LOCAL_ISSUER_KEY_FILE = '.data/local-issuer.json';
/** The gateway's URL under `npm run dev`: the local issuer's `iss`. */
export const LOCAL_ISSUER_URL = 'http://127.0.0.1:4444';
/** Where the gateway serves the key set, under its URL. */
export const JWKS_PATH = '/.well-known/jwks.json';

export interface IssuerKey {
  kid: string;
  privateKey: KeyObject;
  /** What the JWKS lists: the public half, with kid, alg and use. */
  publicJwk: JsonWebKey & { kid: string; alg: 'ES256'; use: 'sig' };
}

const base64url = (bytes: Buffer | string) => Buffer.from(bytes).toString('base64url');

/** The key as the file stores it (a private JWK) turned into an IssuerKey; kid is the RFC 7638 thumbprint. */
function fromPrivateJwk(jwk: JsonWebKey): IssuerKey {
  if (jwk.kty !== 'EC' || jwk.crv !== 'P-256' || !jwk.x || !jwk.y || !jwk.d)
    throw new Error('the local issuer key is not an EC P-256 private JWK');
  const thumbprint = JSON.stringify({ crv: jwk.crv, kty: jwk.kty, x: jwk.x, y: jwk.y });
  const kid = base64url(createHash('sha256').update(thumbprint).digest());
  return {
    kid,
    privateKey: createPrivateKey({ key: jwk, format: 'jwk' }),
    publicJwk: { kty: 'EC', crv: 'P-256', x: jwk.x, y: jwk.y, kid, alg: 'ES256', use: 'sig' },
  };
}

/** A new ES256 key, in memory only. */
export function generateIssuerKey(): IssuerKey {
  return fromPrivateJwk(generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ format: 'jwk' }));
}

/**
 * The local issuer's key from `file`, made on first use. Creation is atomic
 * (written aside, then linked into place, which fails if another process got
 * there first), so `npm run dev` and `npm run token` started together agree.
 */
export function loadIssuerKey(file = LOCAL_ISSUER_KEY_FILE): IssuerKey {
  try {
    return fromPrivateJwk(JSON.parse(readFileSync(file, 'utf8')) as JsonWebKey);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT')
      throw new Error(
        `cannot read the local issuer key ${file}: ${(err as Error).message} (delete it to make a new one)`,
      );
  }
  mkdirSync(dirname(file), { recursive: true });
  const aside = `${file}.${process.pid}.${Date.now()}.tmp`;
  writeFileSync(
    aside,
    JSON.stringify(generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ format: 'jwk' })),
    { mode: 0o600 },
  );
  try {
    linkSync(aside, file);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  } finally {
    unlinkSync(aside);
  }
  return fromPrivateJwk(JSON.parse(readFileSync(file, 'utf8')) as JsonWebKey);
}

/** The JWKS document for `keys` (public halves only). */
export function jwksOf(keys: readonly IssuerKey[]): { keys: IssuerKey['publicJwk'][] } {
  return { keys: keys.map((k) => k.publicJwk) };
}

export interface MintOptions {
  issuer: string;
  subject: string;
  /** Seconds from now until `exp`. Default 3600. */
  lifetimeSeconds?: number;
  /** `aud`; default LOCAL_AUDIENCE, the one `npm run dev` requires; null: no `aud` claim. */
  audience?: string | string[] | null;
  /** More claims, applied last: they may override iss, sub, iat, exp (an expired token: `{ exp: 1 }`). */
  claims?: Record<string, unknown>;
  /** Seconds since the epoch. Default: now. */
  now?: number;
}

/** A signed JWT (ES256, typ JWT, kid) with iss, sub, iat, nbf-less exp, aud (unless null) and extra claims. */
export function mintToken(
  key: IssuerKey,
  {
    issuer,
    subject,
    lifetimeSeconds = 3600,
    audience = LOCAL_AUDIENCE,
    claims = {},
    now = Math.floor(Date.now() / 1000),
  }: MintOptions,
): string {
  const header = { alg: 'ES256', typ: 'JWT', kid: key.kid };
  const payload = {
    iss: issuer,
    sub: subject,
    iat: now,
    exp: now + lifetimeSeconds,
    ...(audience === null ? {} : { aud: audience }),
    ...claims,
  };
  const input = `${base64url(JSON.stringify(header))}.${base64url(JSON.stringify(payload))}`;
  const signature = sign('sha256', Buffer.from(input), { key: key.privateKey, dsaEncoding: 'ieee-p1363' });
  return `${input}.${base64url(signature)}`;
}

/** `90`, `90s`, `15m`, `1h`, `2d` as seconds; throws on anything else. */
export function parseLifetime(value: string): number {
  const match = /^(\d+)([smhd]?)$/.exec(value.trim());
  const seconds = match
    ? Number(match[1]) * { '': 1, s: 1, m: 60, h: 3600, d: 86_400 }[match[2] as '' | 's' | 'm' | 'h' | 'd']
    : NaN;
  if (!(seconds > 0 && seconds <= 366 * 86_400))
    throw new Error(`--lifetime must be like 90s, 15m, 1h or 2d (at most a year), not ${JSON.stringify(value)}`);
  return seconds;
}

/** `k=v` as a claim: v is JSON when it parses (numbers, booleans, arrays, objects), else a string. */
export function parseClaim(value: string): [string, unknown] {
  const eq = value.indexOf('=');
  if (eq <= 0) throw new Error(`--claim must be name=value, not ${JSON.stringify(value)}`);
  const raw = value.slice(eq + 1);
  try {
    return [value.slice(0, eq), JSON.parse(raw)];
  } catch {
    return [value.slice(0, eq), raw];
  }
}

/**
 * What `npm run dev` gives the Worker to trust the local issuer served by the
 * gateway at `gatewayUrl`, for tokens meant for LOCAL_AUDIENCE (with anonymous
 * access on, so curl works with no token), and a ready-to-use token for
 * `subject` (default `dev`).
 */
export function localIdentity(
  gatewayUrl: string,
  { keyFile = LOCAL_ISSUER_KEY_FILE, subject = 'dev', lifetimeSeconds = 12 * 3600 } = {},
) {
  const key = loadIssuerKey(keyFile);
  return {
    vars: {
      AUTH_JWKS_URL: `${gatewayUrl}${JWKS_PATH}`,
      AUTH_ISSUER: gatewayUrl,
      AUTH_AUDIENCE: LOCAL_AUDIENCE,
      AUTH_ANONYMOUS: 'on',
    },
    token: mintToken(key, { issuer: gatewayUrl, subject, lifetimeSeconds }),
  };
}
