import { ProblemError } from '../lib/problem.ts';

/** How long a key is remembered: a client retrying within this window gets the original response. */
export const KEY_LIFETIME = '24 hours';

/** The `Idempotency-Key` header, if present: 1 to 255 visible ASCII characters. */
export function idempotencyKey(header: string | undefined): string | undefined {
  if (header === undefined) return undefined;
  if (!/^[\x21-\x7e]{1,255}$/.test(header)) {
    throw new ProblemError(400, 'Idempotency-Key must be 1 to 255 visible ASCII characters.', {
      errors: [{ path: 'Idempotency-Key', message: 'must be 1 to 255 visible ASCII characters' }],
    });
  }
  return header;
}

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

/** A fingerprint of the request a key was first used with, to refuse the same key with another body. */
export const requestHash = (request: unknown): Promise<string> => sha256Hex(JSON.stringify(request));

/** The answer for a key that was already used: the stored response, or 422 when the request differs. */
export function replay(stored: { requestHash: string; response: string }, hash: string): string {
  if (stored.requestHash !== hash) {
    throw new ProblemError(
      422,
      'This Idempotency-Key was already used with a different request body; use a new key for a new request.',
    );
  }
  return stored.response;
}
