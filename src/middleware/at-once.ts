import type { Context, MiddlewareHandler } from 'hono';
import { RETRY_AFTER_SECONDS } from '../db/client.ts';
import { ProblemError } from '../lib/problem.ts';

interface AtOnceOptions {
  max: number;
  /** What the requests are, for the answer ("import"). */
  what: string;
  /** Requests that are let through whatever else runs (and are not counted): cheap ones. */
  exempt?: (c: Context) => boolean;
}

/**
 * Lets at most `max` requests through at once in this isolate; one more is
 * answered 503 with Retry-After before its body is read. For a route whose
 * memory grows with its body: an isolate has 128 MB, whatever the requests
 * it serves together.
 */
export function atOnce({ max, what, exempt = () => false }: AtOnceOptions): MiddlewareHandler {
  let running = 0;
  return async function atOnce(c, next) {
    if (exempt(c)) return next();
    if (running >= max) {
      throw new ProblemError(503, `This server is busy with another ${what}; retry after the time Retry-After gives.`, {
        headers: { 'Retry-After': String(RETRY_AFTER_SECONDS) },
      });
    }
    running++;
    try {
      await next();
    } finally {
      running--;
    }
  };
}
