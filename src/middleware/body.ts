import type { MiddlewareHandler } from 'hono';
import { ProblemError } from '../lib/problem.ts';

interface BodyRule {
  /** The media type to send, as named in the 415 and in `Accept-Post`; it must come in UTF-8. */
  mediaType: string;
  /** Largest body in bytes; beyond it, 413. */
  maxBytes: number;
  /** The handler reads the body as it arrives (bodyText): only what the headers say is checked here. */
  streamed?: boolean;
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

const tooLarge = (maxBytes: number) => new ProblemError(413, `The body must be at most ${maxBytes} bytes.`);

/**
 * The body as UTF-8 text, piece by piece as its bytes arrive, so that no copy
 * of the whole is held unless the caller keeps one. It counts what it reads,
 * whatever `Content-Length` claims (a host need not hold the two to agree):
 * 413 once more than `maxBytes` arrived, and before reading anything when the
 * claim is over it. 400 for bytes that are not UTF-8 (a decoder would turn
 * them into U+FFFD, stored as such) and for a body that breaks off. A leading
 * BOM is dropped. Stopping early (break, or a throw in the loop) cancels the
 * rest of the body.
 */
export async function* bodyText(request: Request, maxBytes: number): AsyncGenerator<string, void> {
  if (Number(request.headers.get('content-length')) > maxBytes) throw tooLarge(maxBytes);
  if (!request.body) return;
  const reader = (request.body as ReadableStream<Uint8Array>).getReader();
  const decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });
  const decode = (bytes?: Uint8Array) => {
    try {
      // Without bytes: the end, where a character cut short is an error too.
      return bytes ? decoder.decode(bytes, { stream: true }) : decoder.decode();
    } catch {
      throw new ProblemError(400, 'The body is not valid UTF-8.');
    }
  };
  let size = 0;
  let finished = false;
  try {
    for (;;) {
      let chunk: ReadableStreamReadResult<Uint8Array>;
      try {
        chunk = await reader.read();
      } catch {
        throw new ProblemError(400, 'The body ended before it was complete.');
      }
      if (chunk.done) break;
      size += chunk.value.byteLength;
      if (size > maxBytes) throw tooLarge(maxBytes);
      yield decode(chunk.value);
    }
    finished = true;
    yield decode();
  } finally {
    if (!finished) await reader.cancel().catch(() => undefined);
  }
}

/**
 * Guards a route with a body: 415 unless the body is declared as the route's
 * media type in UTF-8, unencoded (otherwise a validator would see no body, or
 * mojibake); 413 when its declared length is over the limit. Unless the
 * handler streams it itself (bodyText), the body is then read and checked
 * here: 413 past the limit, counted while it streams in, 400 when its bytes
 * are not UTF-8.
 */
function requireBody({ mediaType, maxBytes, streamed = false }: BodyRule): MiddlewareHandler {
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
    if (Number(c.req.header('content-length')) > maxBytes) throw tooLarge(maxBytes);
    if (!streamed) {
      let text = '';
      for await (const piece of bodyText(c.req.raw, maxBytes)) text += piece;
      // Hono's body cache: c.req.json() and c.req.text() start from the checked text, so the body is
      // never read twice. (Its type names the resolved value; it holds a promise.)
      (c.req.bodyCache as Record<string, unknown>).text = Promise.resolve(text);
    }
    await next();
  };
}

/** Largest JSON body accepted: a todo is at most 1000 characters, so 64 KiB is generous. */
export const JSON_BODY_LIMIT = 64 * 1024;

export const jsonBody = () => requireBody({ mediaType: 'application/json', maxBytes: JSON_BODY_LIMIT });

/** A CSV body, left for the handler to read as it arrives (bodyText). */
export const csvBody = (maxBytes: number) => requireBody({ mediaType: 'text/csv', maxBytes, streamed: true });
