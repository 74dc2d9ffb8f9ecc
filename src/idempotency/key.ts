import { ProblemError } from '../lib/problem.ts';
import { sha256Hex } from '../lib/sha256.ts';

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
