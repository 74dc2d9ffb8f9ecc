import type { MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { ProblemError, problemResponse } from '../lib/problem.ts';

interface BodyRule {
  /** The media type to send, as named in the 415 and in `Accept-Post`; it must come in UTF-8. */
  mediaType: string;
  /** Largest body in bytes; beyond it, 413. */
  maxBytes: number;
}

/** Whether a Content-Type names `mediaType` in UTF-8: no charset parameter (UTF-8 is then assumed), or charset=utf-8. */
function isUtf8Of(mediaType: string, contentType: string): boolean {
  const [type = '', ...parameters] = contentType.toLowerCase().split(';').map((part) => part.trim());
  const charset = parameters.find((p) => p.startsWith('charset='))?.slice('charset='.length).replace(/^"|"$/g, '');
  return type === mediaType && (charset === undefined || charset === 'utf-8' || charset === 'utf8');
}

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });

/**
 * Guards a route with a body: 415 unless the body is declared as the route's
 * media type in UTF-8, unencoded (otherwise a validator would see no body, or
 * mojibake); 413 past the size limit, checked while the body streams in rather
 * than after; 400 when its bytes are not UTF-8. Both the JSON validator and the
 * CSV handler would otherwise decode bad bytes to U+FFFD and store them.
 */
function requireBody({ mediaType, maxBytes }: BodyRule): MiddlewareHandler[] {
  const requireType: MiddlewareHandler = async function requireType(c, next) {
    const encoding = c.req.header('content-encoding');
    if (!isUtf8Of(mediaType, c.req.header('content-type') ?? '') || (encoding !== undefined && encoding.toLowerCase() !== 'identity')) {
      throw new ProblemError(415, `Send the body as ${mediaType} in UTF-8, without Content-Encoding.`, { headers: { 'Accept-Post': mediaType } });
    }
    await next();
  };
  const limit = bodyLimit({
    maxSize: maxBytes,
    onError: (c) => problemResponse(c, 413, `The body must be at most ${maxBytes} bytes.`),
  });
  const requireUtf8: MiddlewareHandler = async function requireUtf8(c, next) {
    // Bounded: bodyLimit has already refused a body over the limit (by its Content-Length,
    // or, when chunked, while buffering it).
    const bytes = await c.req.arrayBuffer();
    let text: string;
    try {
      text = utf8.decode(bytes);
    } catch {
      throw new ProblemError(400, 'The body is not valid UTF-8.');
    }
    // Hono's body cache: c.req.json() and c.req.text() now start from the checked text instead
    // of decoding the bytes again. (Its type names the resolved value; it holds promises.)
    c.req.bodyCache.text = Promise.resolve(text) as unknown as string;
    await next();
  };
  return [requireType, limit, requireUtf8];
}

/** Largest JSON body accepted: a todo is at most 1000 characters, so 64 KiB is generous. */
export const JSON_BODY_LIMIT = 64 * 1024;

export const jsonBody = () => requireBody({ mediaType: 'application/json', maxBytes: JSON_BODY_LIMIT });

export const csvBody = (maxBytes: number) => requireBody({ mediaType: 'text/csv', maxBytes });
