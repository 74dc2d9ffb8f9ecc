import type { MiddlewareHandler } from 'hono';
import { invalidRequest, unknownField } from '../lib/validation.ts';

/**
 * For routes that take no query parameters: each one sent is refused by name,
 * as the list's schema refuses unknown ones, so `DELETE /todos/1?force=true`
 * does not pretend to honour `force`. A middleware rather than an empty query
 * schema, which would make typed clients pass `query: {}` on every call.
 */
export const noQuery = (): MiddlewareHandler =>
  async function noQuery(c, next) {
    const names = c.req.url.includes('?') ? Object.keys(c.req.queries()) : [];
    if (names.length > 0)
      return invalidRequest(
        c,
        'query',
        names.map((name) => unknownField(name)),
      );
    await next();
  };
