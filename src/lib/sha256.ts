/** SHA-256 digests in hex, with Web Crypto: request fingerprints, the feed's owner tags. */

const hex = (digest: ArrayBuffer) => [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('');

/** SHA-256 in hex. */
export async function sha256Hex(data: string | ArrayBuffer): Promise<string> {
  return hex(await crypto.subtle.digest('SHA-256', typeof data === 'string' ? new TextEncoder().encode(data) : data));
}

/**
 * SHA-256 in hex of a text given piece by piece (the same as sha256Hex of the
 * whole text), so a large body is fingerprinted as it arrives, never held whole.
 */
export function textSha256() {
  const stream = new crypto.DigestStream('SHA-256');
  const writer = stream.getWriter();
  const encoder = new TextEncoder();
  return {
    write: (text: string): Promise<void> => writer.write(encoder.encode(text)),
    async hex(): Promise<string> {
      await writer.close();
      return hex(await stream.digest);
    },
  };
}
