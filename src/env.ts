/** The Worker's bindings (wrangler.toml [vars] and secrets). */
export interface Env {
  /** Secret. Neon's POOLED connection string (host ends in -pooler). */
  DATABASE_URL: string;
  /** Local only: host:port of the project's gateway standing in for Neon. */
  NEON_LOCAL_GATEWAY?: string;
  /** Secret, optional: comma-separated bearer tokens; unset = the API is open. */
  API_TOKENS?: string;
  /** Comma-separated allowed origins, or `*` (the default). */
  CORS_ORIGINS?: string;
  /** Deadline for each database call, in ms (default 5000). */
  DB_TIMEOUT_MS?: string;
  /** Seconds a rate-limited client is told to wait (Retry-After); must equal the binding's period (default 60). */
  RATE_LIMIT_PERIOD_SECONDS?: string;
  /** Workers Rate Limiting binding; absent = no rate limiting. */
  RATE_LIMITER?: RateLimit;
}

export type AppEnv = { Bindings: Env };

/** Splits a comma-separated setting, dropping blanks. */
export function listSetting(value: string | undefined): string[] {
  return (value ?? '').split(',').map((v) => v.trim()).filter(Boolean);
}

/** The database deadline in ms: a positive number, else the 5 s default. */
export function dbTimeoutMs(env: Env): number {
  const ms = Number(env.DB_TIMEOUT_MS);
  return Number.isFinite(ms) && ms > 0 ? ms : 5000;
}
