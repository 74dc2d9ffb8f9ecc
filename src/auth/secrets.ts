const encoder = new TextEncoder();
const sha256 = async (value: string) => new Uint8Array(await crypto.subtle.digest('SHA-256', encoder.encode(value)));

const sameBytes = (x: Uint8Array, y: Uint8Array) => {
  let difference = x.length ^ y.length;
  for (let i = 0; i < x.length; i++) difference |= x[i]! ^ y[i]!;
  return difference === 0;
};

/**
 * Compares two secrets in time that depends on neither their common prefix nor
 * their lengths: both are hashed to 32 bytes and every byte is compared.
 */
export async function secretsEqual(a: string, b: string): Promise<boolean> {
  const [x, y] = await Promise.all([sha256(a), sha256(b)]);
  return sameBytes(x, y);
}

/**
 * The index in `secrets` of the one equal to `presented`, or -1. Every secret
 * is compared, the same way, so timing does not tell which one matched.
 */
export async function indexOfSecret(presented: string, secrets: readonly string[]): Promise<number> {
  const [digest, ...digests] = await Promise.all([presented, ...secrets].map(sha256));
  let found = -1;
  digests.forEach((candidate, i) => {
    if (sameBytes(digest!, candidate) && found === -1) found = i;
  });
  return found;
}
