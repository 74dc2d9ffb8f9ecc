import type { Env } from '../env.ts';

/** What the web app at /app reads: its settings (declared with the others in Env) and the static assets. */
export type WebAppEnv = Partial<Pick<Env, 'AUTH_ISSUER' | 'WEB_CLIENT_ID' | 'WEB_SCOPE' | 'WEB_AUTH_AUDIENCE'>> & {
  /** The static assets (wrangler.jsonc `assets.binding`): the built app under /app. */
  ASSETS?: Fetcher;
};

/** What the app is told about sign-in (the HTML carries it), or null when sign-in is not set up. */
export interface WebAppConfig {
  issuer: string;
  clientId: string;
  scope: string;
  audience?: string;
}

export type WebAppSettings =
  | { ok: true; config: WebAppConfig | null; connectOrigins: string[] }
  | { ok: false; problems: { setting: keyof WebAppEnv; message: string }[] };

const DEFAULT_SCOPE = 'openid offline_access';
const blank = (value: string | undefined) => (value ?? '').trim() === '';

/** True for an https URL, or http to this machine (the local provider of `npm run dev`). */
function secureOrLoopback(url: URL): boolean {
  return (
    url.protocol === 'https:' ||
    (url.protocol === 'http:' && ['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname))
  );
}

/**
 * Parses the web app's settings, naming each bad one (never its value). Parsed
 * when /app is served, not at start-up: the API's requests never pay for them.
 */
export function parseWebAppSettings(env: WebAppEnv): WebAppSettings {
  const problems: { setting: keyof WebAppEnv; message: string }[] = [];
  const clientId = (env.WEB_CLIENT_ID ?? '').trim();
  if (blank(env.WEB_CLIENT_ID)) return { ok: true, config: null, connectOrigins: [] };
  if (!/^[\x21-\x7e]{1,256}$/.test(clientId))
    problems.push({ setting: 'WEB_CLIENT_ID', message: 'must be 1 to 256 visible ASCII characters' });
  let issuer: URL | undefined;
  if (blank(env.AUTH_ISSUER)) problems.push({ setting: 'AUTH_ISSUER', message: 'must be set with WEB_CLIENT_ID' });
  else {
    try {
      issuer = new URL(env.AUTH_ISSUER!.trim());
    } catch {
      problems.push({ setting: 'AUTH_ISSUER', message: 'must be an absolute URL' });
    }
    if (issuer && !secureOrLoopback(issuer))
      problems.push({ setting: 'AUTH_ISSUER', message: 'must be an https URL (http only for 127.0.0.1 or localhost)' });
  }
  const scope = blank(env.WEB_SCOPE) ? DEFAULT_SCOPE : env.WEB_SCOPE!.trim().replace(/\s+/g, ' ');
  if (!/^[\x21\x23-\x5b\x5d-\x7e ]+$/.test(scope) || !scope.split(' ').includes('openid'))
    problems.push({ setting: 'WEB_SCOPE', message: 'must be space-separated scopes including openid' });
  const audience = blank(env.WEB_AUTH_AUDIENCE) ? undefined : env.WEB_AUTH_AUDIENCE!.trim();
  if (audience !== undefined && !/^[\x21-\x7e]{1,512}$/.test(audience))
    problems.push({ setting: 'WEB_AUTH_AUDIENCE', message: 'must be visible ASCII characters, no spaces' });
  if (problems.length > 0 || !issuer) return { ok: false, problems };
  return {
    ok: true,
    // The issuer exactly as configured: it must equal the discovery document's `issuer` (and the API's `iss`).
    config: { issuer: env.AUTH_ISSUER!.trim(), clientId, scope, ...(audience ? { audience } : {}) },
    connectOrigins: [issuer.origin],
  };
}
