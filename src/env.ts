import { z } from '@hono/zod-openapi';
import { ProblemError } from './lib/problem.ts';

/** The Worker's bindings (wrangler.toml [vars] and secrets), as Cloudflare passes them: strings, unparsed. */
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
  /** Workers Rate Limiting binding; absent = no rate limiting. */
  RATE_LIMITER?: RateLimit;
}

export type AppEnv = { Bindings: Env };

/** Splits a comma-separated setting, dropping blanks. */
export function listSetting(value: string | undefined): string[] {
  return (value ?? '').split(',').map((v) => v.trim()).filter(Boolean);
}

/** An unset setting and an empty one mean the same: the default. */
const unsetOrEmpty = (value: unknown) => (value === '' ? undefined : value);

/**
 * Every setting the Worker reads, what it accepts and its default: one
 * schema, so a bad value is named and explained instead of silently replaced.
 * A setting added later (identity, sync) is one more entry here.
 */
const SettingsSchema = z.object({
  DB_TIMEOUT_MS: z.preprocess(
    unsetOrEmpty,
    z.string().regex(/^[1-9]\d{0,5}$/, 'must be a whole number of milliseconds from 1 to 999999, e.g. 5000').transform(Number).default(5000),
  ),
  CORS_ORIGINS: z.preprocess(
    unsetOrEmpty,
    z.string().transform(listSetting).default(['*'])
      .refine((origins) => origins.every((o) => o === '*' || /^https?:\/\/[^/\s]+$/.test(o)), 'must be * or comma-separated origins like https://app.example.com (scheme and host, no path)'),
  ),
  API_TOKENS: z.preprocess(
    unsetOrEmpty,
    z.string().transform(listSetting).refine((tokens) => tokens.length > 0, 'is set but names no token: set comma-separated tokens, or remove it to leave the API open').default([]),
  ),
});

export type Settings = z.infer<typeof SettingsSchema>;
const NAMES = Object.keys(SettingsSchema.shape) as (keyof Settings & keyof Env)[];

/** The last settings parsed, and the raw values they came from. */
let parsed: { raw: (string | undefined)[]; settings: Settings } | undefined;
/** The misconfiguration last logged, so the log says it once, not per request. */
let reported: string | undefined;

/**
 * The Worker's settings, parsed once per isolate and again whenever a raw
 * value changes (a secret rotated without a new isolate), so reading them per
 * request costs a few comparisons. A bad value is a 500 problem naming the
 * setting and what it accepts (never its value: it may be a secret), logged once.
 */
export function settingsOf(env: Env): Settings {
  if (parsed && NAMES.every((name, i) => env[name] === parsed!.raw[i])) return parsed.settings;
  const raw = NAMES.map((name) => env[name] as string | undefined);
  const result = SettingsSchema.safeParse(Object.fromEntries(NAMES.map((name, i) => [name, raw[i]])));
  if (!result.success) {
    const problems = result.error.issues.map((issue) => `${issue.path.join('.')} ${issue.message}`).join('; ');
    if (reported !== problems) {
      reported = problems;
      console.error(JSON.stringify({ error: 'Misconfiguration', message: problems }));
    }
    throw new ProblemError(500, `The server is misconfigured: ${problems}.`);
  }
  parsed = { raw, settings: result.data };
  return result.data;
}
