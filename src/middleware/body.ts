import type { MiddlewareHandler } from 'hono';
import { ProblemError } from '../lib/problem.ts';

interface BodyRule {
  /** The media type to send, as named in the 415 and in `Accept-Post`; it must come in UTF-8. */
  mediaType: string;
  /** Largest body in bytes; beyond it, 413. */
  maxBytes: number;
}

/** Whether a Content-Type names `mediaType` in UTF-8: no charset parameter (UTF-8 is then assumed), or charset=utf-8. */
function isUtf8Of(mediaType: string, contentType: string): boolean {
  const [type = '', ...parameters] = contentType
    .toLowerCase()
    .split(';')
    .map((part) => part.trim());
  const charset = parameters
    .find((p) => p.startsWith('charset='))
    ?.slice('charset='.length)
    .replace(/^"|"$/g, '');
  return type === mediaType && (charset === undefined || charset === 'utf-8' || charset === 'utf8');
}

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });

/**
 * The body's bytes, or undefined as soon as more than `maxBytes` arrive. It
 * counts what it reads, whatever `Content-Length` claims (a host need not
 * hold the two to agree); a claim over the limit is refused before reading.
 * The buffer grows by doubling as bytes arrive, never past the claim while
 * the claim holds (so the last step fits exactly): a client that claims
 * 10 MiB and sends nothing gets no 10 MiB allocated. A body that breaks off
 * is a 400.
 */
export async function readAtMost(request: Request, maxBytes: number): Promise<Uint8Array | undefined> {
  const declared = Number(request.headers.get('content-length'));
  if (declared > maxBytes) return undefined;
  if (!request.body) return new Uint8Array(0);
  const reader = (request.body as ReadableStream<Uint8Array>).getReader();
  let buffer = new Uint8Array(Math.min(maxBytes, 64 * 1024, declared > 0 ? declared : Infinity));
  let size = 0;
  for (;;) {
    let chunk: ReadableStreamReadResult<Uint8Array>;
    try {
      chunk = await reader.read();
    } catch {
      throw new ProblemError(400, 'The body ended before it was complete.');
    }
    const { done, value } = chunk;
    if (done) return buffer.subarray(0, size);
    if (size + value.byteLength > maxBytes) {
      await reader.cancel();
      return undefined;
    }
    const needed = size + value.byteLength;
    if (needed > buffer.length) {
      const doubled = Math.max(buffer.length * 2, needed);
      const grown = new Uint8Array(Math.min(maxBytes, declared >= needed ? Math.min(doubled, declared) : doubled));
      grown.set(buffer.subarray(0, size));
      buffer = grown;
    }
    buffer.set(value, size);
    size += value.byteLength;
  }
}

/**
 * Guards a route with a body: 415 unless the body is declared as the route's
 * media type in UTF-8, unencoded (otherwise a validator would see no body, or
 * mojibake); 413 past the size limit, counted while the body streams in; 400
 * when its bytes are not UTF-8. Both the JSON validator and the CSV handler
 * would otherwise decode bad bytes to U+FFFD and store them.
 */
function requireBody({ mediaType, maxBytes }: BodyRule): MiddlewareHandler {
  return async function requireBody(c, next) {
    const encoding = c.req.header('content-encoding');
    if (
      !isUtf8Of(mediaType, c.req.header('content-type') ?? '') ||
      (encoding !== undefined && encoding.toLowerCase() !== 'identity')
    ) {
      throw new ProblemError(415, `Send the body as ${mediaType} in UTF-8, without Content-Encoding.`, {
        headers: { 'Accept-Post': mediaType },
      });
    }
    const bytes = await readAtMost(c.req.raw, maxBytes);
    if (!bytes) throw new ProblemError(413, `The body must be at most ${maxBytes} bytes.`);
    let text: string;
    try {
      text = utf8.decode(bytes);
    } catch {
      throw new ProblemError(400, 'The body is not valid UTF-8.');
    }
    // Hono's body cache: c.req.json() and c.req.text() start from the checked text, so the body is
    // never read twice. (Its type names the resolved value; it holds a promise.)
    (c.req.bodyCache as Record<string, unknown>).text = Promise.resolve(text);
    await next();
  };
}

/** Largest JSON body accepted: a todo is at most 1000 characters, so 64 KiB is generous. */
export const JSON_BODY_LIMIT = 64 * 1024;

export const jsonBody = () => requireBody({ mediaType: 'application/json', maxBytes: JSON_BODY_LIMIT });

export const csvBody = (maxBytes: number) => requireBody({ mediaType: 'text/csv', maxBytes });
