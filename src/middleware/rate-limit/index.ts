import type { MiddlewareHandler } from 'hono';
import type { AppEnv } from '../../env.ts';
import { ProblemError } from '../../lib/problem.ts';

export interface RateLimitOptions {
  /** Seconds a limited client is told to wait: the binding's period (wrangler.toml `simple.period`). */
  periodSeconds?: number;
}

/**
 * Per-client rate limiting with the Workers Rate Limiting binding (`RATE_LIMITER`):
 * the client is its IP address as Cloudflare saw it. Without the binding, nothing is limited.
 */
export function rateLimit({ periodSeconds = 60 }: RateLimitOptions = {}): MiddlewareHandler<AppEnv> {
  return async function rateLimit(c, next) {
    const limiter = c.env.RATE_LIMITER;
    if (limiter) {
      const { success } = await limiter.limit({ key: c.req.header('cf-connecting-ip') ?? 'anonymous' });
      if (!success) {
        throw new ProblemError(429, `Too many requests from this client; wait ${periodSeconds} s.`, { headers: { 'Retry-After': String(periodSeconds) } });
      }
    }
    await next();
  };
}
