import { parseWebAppSettings, type WebAppEnv } from './settings.ts';

/**
 * Whether a request's URL is one of the app's pages: /app and everything under it but its built files
 * (wrangler.jsonc `run_worker_first`). Read from the URL's text, which the runtime gives already parsed and
 * serialised (dot segments resolved), so every API request is spared a second parse.
 */
export function isWebAppUrl(url: string): boolean {
  const path = url.slice(url.indexOf('/', url.indexOf('//') + 2));
  return path === '/app' || path.startsWith('/app/') || path.startsWith('/app?');
}

/**
 * The app's Content-Security-Policy: its own scripts and styles only (nothing inline), and fetches to
 * the API (this origin) and the identity provider, whose origin differs per deployment. Trusted Types
 * leave no string-to-HTML sink for injected markup to reach.
 */
export function webAppCsp(connectOrigins: readonly string[]): string {
  return [
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    `connect-src ${["'self'", ...connectOrigins].join(' ')}`,
    "manifest-src 'self'",
    "form-action 'self'",
    "base-uri 'none'",
    "frame-ancestors 'none'",
    "object-src 'none'",
    "require-trusted-types-for 'script'",
    "trusted-types 'none'",
  ].join('; ');
}

const PAGE_HEADERS = {
  'content-type': 'text/html; charset=utf-8',
  'cache-control': 'no-cache',
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
  'cross-origin-opener-policy': 'same-origin',
};

/**
 * Answers a navigation under /app with the app's index.html (any path: the app routes itself), with
 * its CSP and its sign-in settings in a `<meta name="todo-app-config">` (an attribute, not a script,
 * so no inline script is needed). A bad setting is a 500 that names it. Reached before the API's
 * middleware, and only for /app: the API's requests never run this.
 */
export async function serveWebApp(request: Request, env: WebAppEnv): Promise<Response> {
  if (request.method !== 'GET' && request.method !== 'HEAD')
    return new Response('Method Not Allowed\n', {
      status: 405,
      headers: { allow: 'GET, HEAD', 'content-type': 'text/plain' },
    });
  const settings = parseWebAppSettings(env);
  if (!settings.ok) {
    const named = settings.problems.map((p) => `${p.setting} ${p.message}`).join('; ');
    return new Response(`The web app is misconfigured: ${named}.\n`, {
      status: 500,
      headers: { 'content-type': 'text/plain; charset=utf-8', 'x-content-type-options': 'nosniff' },
    });
  }
  if (!env.ASSETS) throw new Error('the ASSETS binding is missing (wrangler.jsonc assets.binding)');
  const index = await env.ASSETS.fetch(new URL('/app/', request.url));
  if (!index.ok)
    return new Response('The web app is not built (npm run dev builds it).\n', {
      status: 503,
      headers: { 'retry-after': '5' },
    });
  const config = JSON.stringify({ signIn: settings.config });
  const page = new HTMLRewriter()
    .on('meta[name="todo-app-config"]', { element: (meta) => void meta.setAttribute('content', config) })
    .transform(index);
  return new Response(request.method === 'HEAD' ? null : page.body, {
    headers: { ...PAGE_HEADERS, 'content-security-policy': webAppCsp(settings.connectOrigins) },
  });
}
