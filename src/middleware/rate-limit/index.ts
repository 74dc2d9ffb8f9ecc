import type { MiddlewareHandler } from 'hono';
import type { AppEnv } from '../../env.ts';
import { ProblemError } from '../../lib/problem.ts';
import { clientKey } from './client-key.ts';

/**
 * Asks a Workers Rate Limiting binding whether `key` may go on; a 429 with
 * `Retry-After: RATE_LIMIT_PERIOD_SECONDS` (the bindings' period) when not.
 * The bindings count in each Cloudflare location separately, not globally.
 */
export async function checkRateLimit(
  limiter: RateLimit,
  key: string,
  periodSeconds: number,
  who: string,
  what = 'requests',
): Promise<void> {
  const { success } = await limiter.limit({ key });
  if (!success)
    throw new ProblemError(429, `Too many ${what} from this ${who}; wait ${periodSeconds} s.`, {
      headers: { 'Retry-After': String(periodSeconds) },
    });
}

/**
 * Per-client rate limiting with the `RATE_LIMITER` binding: the client is its
 * IP address as Cloudflare saw it, an IPv6 one by its /64 (clientKey). It runs before any credential is looked
 * at, so a flood of forged tokens is throttled before any crypto runs.
 * Without the binding, nothing is limited.
 */
export function rateLimit(): MiddlewareHandler<AppEnv> {
  return async function rateLimit(c, next) {
    const limiter = c.env.RATE_LIMITER;
    if (limiter)
      await checkRateLimit(
        limiter,
        clientKey(c.req.header('cf-connecting-ip') ?? 'anonymous'),
        c.var.settings.RATE_LIMIT_PERIOD_SECONDS,
        'client',
      );
    await next();
  };
}

/** The bindings that limit one kind of operation per owner, beside OWNER_RATE_LIMITER's limit on every request. */
type OperationLimiter = 'IMPORT_RATE_LIMITER';

/**
 * A per-owner limit of its own for the operations of one route (`binding`,
 * e.g. imports, each up to 100,000 rows, get a lower one than requests do),
 * as route middleware: it runs after identity (defineRoute puts that first),
 * so it counts the owner. Without the binding, nothing more is limited.
 */
export function operationRateLimit(binding: OperationLimiter, what: string): MiddlewareHandler<AppEnv> {
  return async function operationRateLimit(c, next) {
    const limiter = c.env[binding];
    if (limiter) await checkRateLimit(limiter, c.var.owner, c.var.settings.RATE_LIMIT_PERIOD_SECONDS, 'account', what);
    await next();
  };
}
