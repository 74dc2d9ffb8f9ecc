// Makes signing keys and JWTs with WebCrypto only, so the same helpers work in Node and in workerd.

export type TestAlg = 'RS256' | 'ES256' | 'EdDSA' | 'HS256';

const generateParams: Record<Exclude<TestAlg, 'HS256'>, SubtleCryptoGenerateKeyAlgorithm> = {
  RS256: { name: 'RSASSA-PKCS1-v1_5', modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]), hash: 'SHA-256' },
  ES256: { name: 'ECDSA', namedCurve: 'P-256' },
  EdDSA: { name: 'Ed25519' },
};
const signParams = {
  RS256: { name: 'RSASSA-PKCS1-v1_5' },
  ES256: { name: 'ECDSA', hash: 'SHA-256' },
  EdDSA: { name: 'Ed25519' },
  HS256: { name: 'HMAC' },
};

export interface TestKey {
  alg: Exclude<TestAlg, 'HS256'>;
  kid: string;
  privateKey: CryptoKey;
  /** The public key as a JWK with kid (what a JWKS lists). */
  jwk: JsonWebKey & { kid: string };
}

/** A fresh signing key for `alg`, named `kid`. */
export async function makeKey(alg: TestKey['alg'], kid = `${alg}-${crypto.randomUUID()}`): Promise<TestKey> {
  const pair = (await crypto.subtle.generateKey(generateParams[alg], true, ['sign', 'verify'])) as CryptoKeyPair;
  const exported = (await crypto.subtle.exportKey('jwk', pair.publicKey)) as JsonWebKey;
  const { key_ops: _ops, ext: _ext, ...jwk } = exported;
  return {
    alg,
    kid,
    privateKey: pair.privateKey,
    jwk: { ...jwk, alg: alg === 'EdDSA' ? 'EdDSA' : alg, use: 'sig', kid },
  };
}

export const jwks = (...keys: TestKey[]) => ({ keys: keys.map((k) => k.jwk) });

export const base64url = (bytes: Uint8Array | string) => {
  const raw = typeof bytes === 'string' ? new TextEncoder().encode(bytes) : bytes;
  let binary = '';
  for (const byte of raw) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
};
const part = (value: unknown) => base64url(JSON.stringify(value));

/** Signs `header.payload` with `key`; header fields default to the key's alg and kid and typ JWT. */
export async function signJwt(
  key: TestKey,
  payload: Record<string, unknown>,
  header: Record<string, unknown> = {},
): Promise<string> {
  const input = `${part({ alg: key.alg, typ: 'JWT', kid: key.kid, ...header })}.${part(payload)}`;
  const signature = await crypto.subtle.sign(signParams[key.alg], key.privateKey, new TextEncoder().encode(input));
  return `${input}.${base64url(new Uint8Array(signature))}`;
}

/** The classic confusion attack: HS256 whose HMAC secret is the public key's JWK text, as a careless verifier would import it. */
export async function signWithPublicKeyAsHmacSecret(key: TestKey, payload: Record<string, unknown>): Promise<string> {
  const input = `${part({ alg: 'HS256', typ: 'JWT', kid: key.kid })}.${part(payload)}`;
  const secret = await crypto.subtle.importKey(
    'raw',
    new TextEncoder().encode(JSON.stringify(key.jwk)),
    { name: 'HMAC', hash: 'SHA-256' },
    false,
    ['sign'],
  );
  const signature = await crypto.subtle.sign('HMAC', secret, new TextEncoder().encode(input));
  return `${input}.${base64url(new Uint8Array(signature))}`;
}

/** An unsigned token (alg none, empty signature). */
export const unsignedJwt = (payload: Record<string, unknown>, kid = 'any') =>
  `${part({ alg: 'none', typ: 'JWT', kid })}.${part(payload)}.`;

/** Claims valid now for `issuer`: sub, iat, exp in an hour; `extra` overrides. */
export const claims = (
  issuer: string,
  extra: Record<string, unknown> = {},
  nowSeconds = Math.floor(Date.now() / 1000),
) => ({
  iss: issuer,
  sub: 'alice',
  iat: nowSeconds,
  exp: nowSeconds + 3600,
  ...extra,
});
