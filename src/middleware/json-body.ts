import type { MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { ProblemError, problemResponse } from '../lib/problem.ts';

/** Largest JSON body accepted: a todo is at most 1000 characters, so 64 KiB is generous. */
export const JSON_BODY_LIMIT = 64 * 1024;

const JSON_TYPE = /^application\/(?:[\w.+-]+\+)?json\s*(?:;|$)/i;

/**
 * Guards a JSON body route: 415 unless the body is declared JSON (otherwise
 * the validator would see no body at all), 413 past the size limit.
 */
export function jsonBody(): MiddlewareHandler[] {
  const requireJson: MiddlewareHandler = async function requireJson(c, next) {
    if (!JSON_TYPE.test(c.req.header('content-type') ?? '')) {
      throw new ProblemError(415, 'Send the body as application/json.', { headers: { 'Accept-Post': 'application/json' } });
    }
    await next();
  };
  const limit = bodyLimit({
    maxSize: JSON_BODY_LIMIT,
    onError: (c) => problemResponse(c, 413, `The body must be at most ${JSON_BODY_LIMIT} bytes.`),
  });
  return [requireJson, limit];
}
