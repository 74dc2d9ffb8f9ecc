/**
 * Environment that keeps wrangler and workerd from reaching the network
 * (telemetry, update check, cf-object fetch). Every tool that spawns wrangler
 * or vitest imports this first.
 */
export const offlineEnv = {
  WRANGLER_SEND_METRICS: 'false',
  WRANGLER_HIDE_BANNER: 'true',
  CLOUDFLARE_CF_FETCH_ENABLED: 'false',
  // Since wrangler 4.1xx: after some commands it checks GitHub for updates to the AI-agent "skills" it
  // installed once (only when a person accepted them, off CI); and it may offer to send an error report.
  WRANGLER_NO_SKILLS_UPDATE_PROMPTS: 'true',
  WRANGLER_SEND_ERROR_REPORTS: 'false',
  // Wrangler's update check (run beside a config warning even with the banner hidden) reads the
  // registry from rc('npm'), i.e. npm_* variables: point it at a closed local port. npm itself
  // reads npm_config_*, so this changes nothing for npm.
  npm_registry: 'http://127.0.0.1:9/',
  // @redocly/cli (the OpenAPI lint) reports usage and checks for updates unless told not to.
  REDOCLY_TELEMETRY: 'off',
  REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true',
} as const;

Object.assign(process.env, offlineEnv);
