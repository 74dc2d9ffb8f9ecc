import type { MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { ProblemError, problemResponse } from '../lib/problem.ts';

interface BodyRule {
  /** The media type to send, as named in the 415 and in `Accept-Post`. */
  mediaType: string;
  /** Whether a Content-Type header value counts as that media type. */
  accepts: (contentType: string) => boolean;
  /** Largest body in bytes; beyond it, 413. */
  maxBytes: number;
}

/**
 * Guards a route with a body: 415 unless the body is declared with the route's
 * media type (otherwise a validator would see no body at all), 413 past the
 * size limit, checked while the body streams in rather than after.
 */
function requireBody({ mediaType, accepts, maxBytes }: BodyRule): MiddlewareHandler[] {
  const requireType: MiddlewareHandler = async function requireType(c, next) {
    if (!accepts(c.req.header('content-type') ?? '')) {
      throw new ProblemError(415, `Send the body as ${mediaType}.`, { headers: { 'Accept-Post': mediaType } });
    }
    await next();
  };
  const limit = bodyLimit({
    maxSize: maxBytes,
    onError: (c) => problemResponse(c, 413, `The body must be at most ${maxBytes} bytes.`),
  });
  return [requireType, limit];
}

/** Largest JSON body accepted: a todo is at most 1000 characters, so 64 KiB is generous. */
export const JSON_BODY_LIMIT = 64 * 1024;

const JSON_TYPE = /^application\/(?:[\w.+-]+\+)?json\s*(?:;|$)/i;

export const jsonBody = () =>
  requireBody({ mediaType: 'application/json', accepts: (type) => JSON_TYPE.test(type), maxBytes: JSON_BODY_LIMIT });

/** text/csv in UTF-8: no charset parameter (UTF-8 is then assumed), or charset=utf-8. */
function isUtf8Csv(contentType: string): boolean {
  const [type = '', ...parameters] = contentType.toLowerCase().split(';').map((part) => part.trim());
  const charset = parameters.find((p) => p.startsWith('charset='))?.slice('charset='.length).replace(/^"|"$/g, '');
  return type === 'text/csv' && (charset === undefined || charset === 'utf-8' || charset === 'utf8');
}

export const csvBody = (maxBytes: number) => requireBody({ mediaType: 'text/csv', accepts: isUtf8Csv, maxBytes });
