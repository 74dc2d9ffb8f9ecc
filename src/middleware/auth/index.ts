import type { MiddlewareHandler } from 'hono';
import { identify, keysFor, type Identity, type Refusal } from '../../auth/identify.ts';
import type { AppEnv } from '../../env.ts';
import { ProblemError } from '../../lib/problem.ts';
import { checkRateLimit } from '../rate-limit/index.ts';

declare module 'hono' {
  interface ContextVariableMap {
    /** Who is calling: `jwt:<sub>`, `token:<name>`, `default` (a bare token) or `anonymous`; set on every protected route. */
    owner: string;
    /** How the owner was identified (GET /me says it); set with `owner`. */
    ownerKind: Extract<Identity, { via: unknown }>['via'];
  }
}

const unauthorized = ({ error, description }: Refusal) =>
  new ProblemError(401, description, {
    headers: {
      'WWW-Authenticate': `Bearer realm="todos"${error ? `, error="${error}", error_description="${description}"` : ''}`,
    },
  });

/**
 * Identifies the caller of a protected route (defineRoute puts it first on
 * each one): a verified OpenID Connect JWT, a named or bare static token, or
 * anonymous access when it is on; otherwise a 401 problem with
 * `WWW-Authenticate: Bearer`. Keys that cannot be had right now are a 503
 * with `Retry-After`. Then the per-owner rate limit, if bound (the per-IP one
 * ran before any token was looked at, so forged tokens are throttled before
 * any crypto runs).
 */
export function requireIdentity(): MiddlewareHandler<AppEnv> {
  return async function requireIdentity(c, next) {
    const { identity, RATE_LIMIT_PERIOD_SECONDS } = c.var.settings;
    const who = await identify(
      c.req.raw.headers,
      identity,
      keysFor(identity, (promise) => c.executionCtx.waitUntil(promise)),
    );
    if ('refusal' in who) throw unauthorized(who.refusal);
    if ('unavailable' in who) {
      throw new ProblemError(503, who.unavailable.description, {
        headers: { 'Retry-After': String(who.unavailable.retryAfter) },
      });
    }
    const limiter = c.env.OWNER_RATE_LIMITER;
    if (limiter) await checkRateLimit(limiter, who.owner, RATE_LIMIT_PERIOD_SECONDS, 'account');
    c.set('owner', who.owner);
    c.set('ownerKind', who.via);
    await next();
  };
}
