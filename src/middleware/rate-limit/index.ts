import type { MiddlewareHandler } from 'hono';
import type { AppEnv } from '../../env.ts';
import { ProblemError } from '../../lib/problem.ts';

export interface RateLimitOptions {
  /** Retry-After, in seconds, when `RATE_LIMIT_PERIOD_SECONDS` is unset. Default 60. */
  defaultPeriodSeconds?: number;
}

/** The setting read when last reported, so a bad value is logged once, not per request. */
let reportedBad: string | undefined;

/**
 * `RATE_LIMIT_PERIOD_SECONDS`: the binding's period (wrangler.toml `simple.period`),
 * which a limited client is told to wait. A positive whole number of seconds; unset
 * means the default. Anything else is a misconfiguration, answered with a 500 that
 * names the setting rather than a guess. (Small on purpose: it belongs with the other
 * settings once they are parsed in one module.)
 */
export function ratePeriodSeconds(setting: string | undefined, defaultSeconds = 60): number {
  if (setting === undefined) return defaultSeconds;
  const seconds = /^\s*[1-9][0-9]*\s*$/.test(setting) ? Number(setting) : NaN;
  if (Number.isSafeInteger(seconds)) return seconds;
  if (reportedBad !== setting) {
    reportedBad = setting;
    console.error(JSON.stringify({ error: 'Misconfiguration', message: 'RATE_LIMIT_PERIOD_SECONDS is not a positive whole number of seconds' }));
  }
  throw new ProblemError(500, `The server is misconfigured: RATE_LIMIT_PERIOD_SECONDS must be a positive whole number of seconds (the rate limit's period in wrangler.toml, 10 or 60), not ${JSON.stringify(setting.slice(0, 40))}.`);
}

/**
 * Per-client rate limiting with the Workers Rate Limiting binding (`RATE_LIMITER`):
 * the client is its IP address as Cloudflare saw it, and the binding counts in each
 * Cloudflare location separately (not globally). A limited client gets a 429 with
 * `Retry-After: RATE_LIMIT_PERIOD_SECONDS`. Without the binding, nothing is limited
 * (and the setting is not read).
 */
export function rateLimit({ defaultPeriodSeconds = 60 }: RateLimitOptions = {}): MiddlewareHandler<AppEnv> {
  return async function rateLimit(c, next) {
    const limiter = c.env.RATE_LIMITER;
    if (limiter) {
      // Read before limiting, so a bad value shows on the first request, not the first 429.
      const periodSeconds = ratePeriodSeconds(c.env.RATE_LIMIT_PERIOD_SECONDS, defaultPeriodSeconds);
      const { success } = await limiter.limit({ key: c.req.header('cf-connecting-ip') ?? 'anonymous' });
      if (!success) {
        throw new ProblemError(429, `Too many requests from this client; wait ${periodSeconds} s.`, { headers: { 'Retry-After': String(periodSeconds) } });
      }
    }
    await next();
  };
}
