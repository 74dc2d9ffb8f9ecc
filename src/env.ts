import { z } from '@hono/zod-openapi';
import { acceptsNoOne, parseIdentitySettings, type IdentityEnv } from './auth/identify.ts';
import { ANY_AUDIENCE } from './auth/jwt.ts';
import { ProblemError } from './lib/problem.ts';

/** The Worker's bindings (wrangler.jsonc `vars` and secrets), as Cloudflare passes them: strings, unparsed. */
export interface Env {
  /** Secret. Neon's POOLED connection string (host ends in -pooler). */
  DATABASE_URL: string;
  /** Local only: host:port of the project's gateway standing in for Neon. */
  NEON_LOCAL_GATEWAY?: string;
  /** Secret, optional: comma-separated static bearer tokens, `name:token` (owner `token:<name>`) or a bare token (owner `default`). */
  API_TOKENS?: string;
  /** OpenID Connect: the provider's JWKS URL (`jwks_uri`) and issuer (`iss`), set together. */
  AUTH_JWKS_URL?: string;
  AUTH_ISSUER?: string;
  /** Comma-separated audiences a JWT's `aud` must contain; required with AUTH_ISSUER; `*`: not checked (warned about). */
  AUTH_AUDIENCE?: string;
  /** `on`: a request with no credential acts as the `anonymous` owner. Off by default: nothing configured means 401. */
  AUTH_ANONYMOUS?: string;
  /** Comma-separated allowed origins, or `*` (the default). */
  CORS_ORIGINS?: string;
  /** Deadline for each database call, in ms (default 5000). */
  DB_TIMEOUT_MS?: string;
  /** Days the change feed remembers deletions (default 30); a `since` token older than this is a 410. */
  CHANGES_RETENTION_DAYS?: string;
  /** Seconds a rate-limited client is told to wait (Retry-After); must equal the binding's period (default 60). */
  RATE_LIMIT_PERIOD_SECONDS?: string;
  /** Workers Rate Limiting binding per client IP, ahead of any token check; absent = no rate limiting. */
  RATE_LIMITER?: RateLimit;
  /** Workers Rate Limiting binding per owner, once the caller is identified; absent = no limit per owner. */
  OWNER_RATE_LIMITER?: RateLimit;
  /** The web app's client id at the OpenID provider of AUTH_ISSUER; unset: /app says sign-in is not set up (src/web-app/). */
  WEB_CLIENT_ID?: string;
  /** Scopes the web app asks for (default `openid offline_access`). */
  WEB_SCOPE?: string;
  /** Sent as the web app's authorization request `audience` (Auth0 needs it); unset: not sent. */
  WEB_AUTH_AUDIENCE?: string;
  /** Workers Rate Limiting binding per owner for imports only, lower than OWNER_RATE_LIMITER; absent = imports count only there. */
  IMPORT_RATE_LIMITER?: RateLimit;
  /** The most todos one owner may have (default 100000); a create or import past it is a 409 (docs/api.md "Quotas"). */
  TODO_QUOTA?: string;
  LIST_QUOTA?: string;
}

export type AppEnv = { Bindings: Env };

/** Splits a comma-separated setting, dropping blanks. */
export function listSetting(value: string | undefined): string[] {
  return (value ?? '')
    .split(',')
    .map((v) => v.trim())
    .filter(Boolean);
}

/** An unset setting and an empty one mean the same: the default. */
const unsetOrEmpty = (value: unknown) => (value === '' ? undefined : value);

/** A setting that is a string when set: env values are strings, and unset ones are undefined. */
const optionalString = z.string().optional();

/**
 * Every setting the Worker reads, what it accepts and its default: one
 * schema, so a bad value is named and explained instead of silently replaced.
 * A new setting is one more entry here.
 */
const SettingsInput = z.object({
  DB_TIMEOUT_MS: z.preprocess(
    unsetOrEmpty,
    z
      .string()
      .regex(/^[1-9]\d{0,5}$/, 'must be a whole number of milliseconds from 1 to 999999, e.g. 5000')
      .transform(Number)
      .default(5000),
  ),
  CORS_ORIGINS: z.preprocess(
    unsetOrEmpty,
    z
      .string()
      .transform(listSetting)
      .default(['*'])
      .refine(
        (origins) => origins.every((o) => o === '*' || /^https?:\/\/[^/\s]+$/.test(o)),
        'must be * or comma-separated origins like https://app.example.com (scheme and host, no path)',
      ),
  ),
  RATE_LIMIT_PERIOD_SECONDS: z.preprocess(
    unsetOrEmpty,
    z
      .string()
      .regex(
        /^[1-9]\d{0,5}$/,
        "must be a positive whole number of seconds: the rate limits' period in wrangler.jsonc (10 or 60)",
      )
      .transform(Number)
      .default(60),
  ),
  CHANGES_RETENTION_DAYS: z.preprocess(
    unsetOrEmpty,
    z
      .string()
      .regex(/^[1-9]\d{0,3}$/, 'must be a whole number of days from 1 to 9999, e.g. 30')
      .transform(Number)
      .default(30),
  ),
  TODO_QUOTA: z.preprocess(
    unsetOrEmpty,
    z
      .string()
      .regex(/^[1-9]\d{0,8}$/, 'must be a whole number of todos from 1 to 999999999, e.g. 100000')
      .transform(Number)
      .default(100_000),
  ),
  LIST_QUOTA: z.preprocess(
    unsetOrEmpty,
    z
      .string()
      .regex(/^[1-9]\d{0,6}$/, 'must be a whole number of lists from 1 to 9999999, e.g. 1000')
      .transform(Number)
      .default(1000),
  ),
  API_TOKENS: optionalString,
  AUTH_JWKS_URL: optionalString,
  AUTH_ISSUER: optionalString,
  AUTH_AUDIENCE: optionalString,
  AUTH_ANONYMOUS: optionalString,
});

const SettingsSchema = SettingsInput.transform(
  (
    {
      DB_TIMEOUT_MS,
      CORS_ORIGINS,
      RATE_LIMIT_PERIOD_SECONDS,
      CHANGES_RETENTION_DAYS,
      TODO_QUOTA,
      LIST_QUOTA,
      ...identityEnv
    },
    ctx,
  ) => {
    // Who may call: static tokens, OpenID Connect, anonymous access (src/auth/identify.ts names each bad one).
    const identity = parseIdentitySettings(identityEnv satisfies IdentityEnv);
    if (!identity.ok) {
      for (const { setting, message } of identity.problems) ctx.addIssue({ code: 'custom', path: [setting], message });
      return z.NEVER;
    }
    return {
      DB_TIMEOUT_MS,
      CORS_ORIGINS,
      RATE_LIMIT_PERIOD_SECONDS,
      CHANGES_RETENTION_DAYS,
      TODO_QUOTA,
      LIST_QUOTA,
      identity: identity.settings,
    };
  },
);

export type Settings = z.infer<typeof SettingsSchema>;
const NAMES = Object.keys(SettingsInput.shape) as (keyof typeof SettingsInput.shape & keyof Env)[];

/** The last settings parsed, and the raw values they came from. */
let parsed: { raw: (string | undefined)[]; settings: Settings } | undefined;
/** The misconfiguration last logged, so the log says it once, not per request. */
let reported: string | undefined;
/** Whether this isolate has said that AUTH_AUDIENCE is `*`. */
let warnedAnyAudience = false;

/**
 * The Worker's settings, parsed once per isolate and again whenever a raw
 * value changes (a secret rotated without a new isolate), so reading them per
 * request costs a few comparisons. A bad value is a 500 problem naming only
 * the setting: what is wrong may name a static token's entry, so it goes to
 * the log (once), and no value is in either (it may be a secret).
 */
export function settingsOf(env: Env): Settings {
  if (parsed && NAMES.every((name, i) => env[name] === parsed!.raw[i])) return parsed.settings;
  const raw = NAMES.map((name) => env[name]);
  const result = SettingsSchema.safeParse(Object.fromEntries(NAMES.map((name, i) => [name, raw[i]])));
  if (!result.success) {
    const problems = result.error.issues.map((issue) => `${issue.path.join('.')} ${issue.message}`).join('; ');
    if (reported !== problems) {
      reported = problems;
      console.error(JSON.stringify({ error: 'Misconfiguration', message: problems }));
    }
    const settings = [...new Set(result.error.issues.map((issue) => issue.path.join('.')))];
    throw new ProblemError(
      500,
      `The server is misconfigured: check ${settings.join(', ')}; the Worker's log says what is wrong.`,
    );
  }
  parsed = { raw, settings: result.data };
  if (result.data.identity.jwt?.audience === ANY_AUDIENCE && !warnedAnyAudience) {
    warnedAnyAudience = true;
    // Allowed, as a deliberate choice: said once per isolate, so it stays visible in the logs.
    console.warn(
      JSON.stringify({
        warning: 'AnyAudience',
        message:
          'AUTH_AUDIENCE is *: a token the issuer made for any of its applications is accepted here; set the audience of this API instead',
      }),
    );
  }
  if (acceptsNoOne(result.data.identity)) {
    // Secure by default, and said once: an operator who forgot to configure identity sees why every call is a 401.
    console.warn(
      JSON.stringify({
        warning: 'NoIdentitySource',
        message:
          'no API_TOKENS, no AUTH_JWKS_URL/AUTH_ISSUER and AUTH_ANONYMOUS is not on: every protected route answers 401',
      }),
    );
  }
  return result.data;
}
