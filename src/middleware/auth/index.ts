import type { MiddlewareHandler } from 'hono';
import { settingsOf, type AppEnv } from '../../env.ts';
import { ProblemError } from '../../lib/problem.ts';

const encoder = new TextEncoder();
const sha256 = async (value: string) => new Uint8Array(await crypto.subtle.digest('SHA-256', encoder.encode(value)));

/**
 * Compares two secrets in time that depends on neither their common prefix nor
 * their lengths: both are hashed to 32 bytes and every byte is compared.
 */
export async function secretsEqual(a: string, b: string): Promise<boolean> {
  const [x, y] = await Promise.all([sha256(a), sha256(b)]);
  let difference = 0;
  for (let i = 0; i < x.length; i++) difference |= x[i]! ^ y[i]!;
  return difference === 0;
}

/** True when `presented` equals one of `tokens`; checks them all, so timing does not tell which. */
export async function matchesAnyToken(presented: string, tokens: string[]): Promise<boolean> {
  const results = await Promise.all(tokens.map((token) => secretsEqual(presented, token)));
  return results.includes(true);
}

const unauthorized = (detail: string, error?: string) =>
  new ProblemError(401, detail, {
    headers: { 'WWW-Authenticate': `Bearer realm="todos"${error ? `, error="${error}"` : ''}` },
  });

/**
 * Bearer-token auth from the `API_TOKENS` secret (comma-separated, so a new
 * token can be added before the old one is removed). Unset: the API is open.
 */
export function bearerAuth(): MiddlewareHandler<AppEnv> {
  return async function bearerAuth(c, next) {
    const tokens = settingsOf(c.env).API_TOKENS;
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
