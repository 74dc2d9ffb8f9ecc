import type { MiddlewareHandler } from 'hono';
import { listSetting, type AppEnv } from '../../env.ts';
import { matchesAnyToken } from '../../auth/secrets.ts';
import { ProblemError } from '../../lib/problem.ts';

// The constant-time comparison lives with the rest of identity (src/auth); re-exported for existing callers.
export { matchesAnyToken, secretsEqual } from '../../auth/secrets.ts';

const unauthorized = (detail: string, error?: string) =>
  new ProblemError(401, detail, {
    headers: { 'WWW-Authenticate': `Bearer realm="todos"${error ? `, error="${error}"` : ''}` },
  });

/** The setting that named no token when last reported, so the log says it once, not per request. */
let reportedBlank: string | undefined;

/**
 * The tokens `API_TOKENS` names: none when it is unset or empty (the API is
 * open). A value that names no token (`,`, `" , "`) is a mistake, not a wish
 * to be open: every protected request gets a 500 that says what to fix.
 */
function configuredTokens(setting: string | undefined): string[] {
  if (setting === undefined || setting === '') return [];
  const tokens = listSetting(setting);
  if (tokens.length > 0) return tokens;
  if (reportedBlank !== setting) {
    reportedBlank = setting;
    console.error(JSON.stringify({ error: 'Misconfiguration', message: 'API_TOKENS is set but names no token: refusing every protected request' }));
  }
  throw new ProblemError(500, 'The server is misconfigured: API_TOKENS is set but names no token. Set it to comma-separated tokens, or remove it to leave the API open.');
}

/**
 * Bearer-token auth from the `API_TOKENS` secret (comma-separated, so a new
 * token can be added before the old one is removed). Unset: the API is open.
 */
export function bearerAuth(): MiddlewareHandler<AppEnv> {
  return async function bearerAuth(c, next) {
    const tokens = configuredTokens(c.env.API_TOKENS);
    if (tokens.length > 0) {
      const header = c.req.header('authorization');
      if (!header) throw unauthorized('This API needs a bearer token: send Authorization: Bearer <token>.');
      const match = /^Bearer +([\x21-\x7e]+) *$/i.exec(header);
      if (!match) throw unauthorized('The Authorization header must be "Bearer <token>".', 'invalid_request');
      if (!(await matchesAnyToken(match[1]!, tokens))) throw unauthorized('The bearer token is not valid.', 'invalid_token');
    }
    await next();
  };
}
