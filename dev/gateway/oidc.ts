import { createHash, randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { JWKS_PATH, mintToken, type IssuerKey } from '../issuer.ts';
import { LOCAL_AUDIENCE } from '../local-audience.ts';

/** The one client the local provider knows: the web app at /app (its WEB_CLIENT_ID under `npm run dev`). */
export const LOCAL_WEB_CLIENT_ID = 'local-todo-app';
/** Where the app receives the provider's answer, on any loopback origin (RFC 8252: any port). */
export const APP_CALLBACK_PATH = '/app/callback';
/** Where the app lands after signing out. */
export const APP_HOME_PATH = '/app/';
export const DISCOVERY_PATH = '/.well-known/openid-configuration';
/** Seconds an access token (and an id token) lasts. */
export const ACCESS_TOKEN_SECONDS = 15 * 60;
/** Seconds a sign-in session lasts: its refresh tokens work until then. */
export const SESSION_SECONDS = 12 * 3600;
const CODE_SECONDS = 60;
const SESSION_COOKIE = 'local_oidc_session';
const USER_NAME = /^[A-Za-z0-9._@-]{1,64}$/;

/** True for a URL of the web app on this machine with exactly `path`: the only places the provider sends a browser back to. */
export function isLoopbackAppUrl(value: string | null, path: string): value is string {
  if (value === null) return false;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return false;
  }
  return (
    url.protocol === 'http:' &&
    ['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname) &&
    url.username === '' &&
    url.password === '' &&
    url.pathname === path &&
    url.search === '' &&
    url.hash === '' &&
    // A URL whose text has more than the parsed parts (`\`, tabs) is not taken on trust.
    url.href === value
  );
}

/** A browser origin allowed to call the token endpoint: the app on this machine. */
const isLoopbackOrigin = (origin: string | undefined): origin is string =>
  origin !== undefined && /^http:\/\/(127\.0\.0\.1|localhost|\[::1\])(:\d{1,5})?$/.test(origin);

const random = () => randomBytes(32).toString('base64url');
const s256 = (verifier: string) => createHash('sha256').update(verifier).digest('base64url');
const escapeHtml = (text: string) =>
  text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

interface Session {
  sub: string;
  expires: number;
}
interface Code {
  clientId: string;
  redirectUri: string;
  challenge: string;
  nonce?: string;
  scope: string;
  sid: string;
  expires: number;
}
interface Grant {
  clientId: string;
  scope: string;
  sid: string;
}

/** The parameters of an authorization request that the sign-in form carries through. */
const CARRIED = [
  'client_id',
  'redirect_uri',
  'response_type',
  'scope',
  'state',
  'nonce',
  'code_challenge',
  'code_challenge_method',
];

const PAGE_STYLE =
  'body{font:16px/1.5 system-ui,sans-serif;max-width:28rem;margin:3rem auto;padding:0 1rem;color:#1a1a1a}' +
  'label{display:block;font-weight:600;margin:1rem 0 .25rem}input{font:inherit;padding:.5rem;width:100%;box-sizing:border-box;border:1px solid #555;border-radius:4px}' +
  'button{font:inherit;margin-top:1rem;padding:.5rem 1rem;border-radius:4px;border:1px solid #1d4ed8;background:#1d4ed8;color:#fff}' +
  'button.secondary{background:#fff;color:#1d4ed8}:focus-visible{outline:3px solid #b45309;outline-offset:2px}.note{color:#444;font-size:.9rem}';
const STYLE_HASH = `'sha256-${createHash('sha256').update(PAGE_STYLE).digest('base64')}'`;

/**
 * A small OpenID provider for `npm run dev` and the browser tests, on the gateway beside the key set
 * the API already trusts: the authorization code flow with PKCE (S256 only) for one public client,
 * the web app, whose redirect URIs must be `/app/callback` on a loopback origin. The sign-in page
 * takes a typed user name, no password: it is for this machine only, like the gateway. Access tokens
 * are the same JWTs `npm run token` mints (`aud` = the local audience); refresh tokens last as long as
 * the sign-in session. Codes, sessions and refresh tokens live in memory: a restart signs everyone out.
 *
 * - `GET /.well-known/openid-configuration`: discovery (any origin may read it)
 * - `GET /oidc/authorize`: the sign-in page (`prompt=none`: answers at once, or `login_required`)
 * - `POST /oidc/authorize`: the page's form; starts a session (a cookie) and redirects with a code
 * - `POST /oidc/token`: `authorization_code` and `refresh_token` grants (CORS for loopback origins)
 * - `GET /oidc/logout`: ends the session, back to `post_logout_redirect_uri` when it is the app's home
 */
export function createOidcProvider(signingKey: () => IssuerKey) {
  const sessions = new Map<string, Session>();
  const codes = new Map<string, Code>();
  const grants = new Map<string, Grant>();
  const now = () => Math.floor(Date.now() / 1000);

  const liveSession = (sid: string | undefined) => {
    const session = sid === undefined ? undefined : sessions.get(sid);
    if (session && session.expires > now()) return session;
    if (sid !== undefined) sessions.delete(sid);
    return undefined;
  };
  const endSession = (sid: string) => {
    sessions.delete(sid);
    for (const [token, grant] of grants) if (grant.sid === sid) grants.delete(token);
  };
  const sweep = () => {
    const t = now();
    for (const [code, entry] of codes) if (entry.expires <= t) codes.delete(code);
    for (const [sid, session] of sessions) if (session.expires <= t) endSession(sid);
  };

  const discovery = (issuer: string) => ({
    issuer,
    authorization_endpoint: `${issuer}/oidc/authorize`,
    token_endpoint: `${issuer}/oidc/token`,
    end_session_endpoint: `${issuer}/oidc/logout`,
    jwks_uri: `${issuer}${JWKS_PATH}`,
    response_types_supported: ['code'],
    response_modes_supported: ['query'],
    grant_types_supported: ['authorization_code', 'refresh_token'],
    code_challenge_methods_supported: ['S256'],
    token_endpoint_auth_methods_supported: ['none'],
    subject_types_supported: ['public'],
    id_token_signing_alg_values_supported: ['ES256'],
    scopes_supported: ['openid', 'profile', 'offline_access'],
    claims_supported: ['sub', 'name', 'preferred_username'],
    authorization_response_iss_parameter_supported: true,
  });

  const send = (res: ServerResponse, status: number, body: string, headers: Record<string, string>) => {
    res.writeHead(status, { 'cache-control': 'no-store', ...headers });
    res.end(body);
  };
  const json = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) =>
    send(res, status, JSON.stringify(body), { 'content-type': 'application/json', ...headers });

  const page = (res: ServerResponse, status: number, title: string, body: string, formTo?: string, headers = {}) =>
    send(
      res,
      status,
      `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">` +
        `<title>${escapeHtml(title)}</title><style>${PAGE_STYLE}</style></head><body><main><h1>${escapeHtml(title)}</h1>${body}</main></body></html>`,
      {
        'content-type': 'text/html; charset=utf-8',
        // form-action covers the redirect that answers the form, so it names the app's origin too.
        'content-security-policy': `default-src 'none'; style-src ${STYLE_HASH}; form-action 'self'${formTo ? ` ${formTo}` : ''}; frame-ancestors 'none'; base-uri 'none'`,
        'x-content-type-options': 'nosniff',
        'referrer-policy': 'no-referrer',
        ...headers,
      },
    );

  /** Checks what must hold before the provider may send the browser anywhere; a message when it does not. */
  const unsafeToRedirect = (params: URLSearchParams) => {
    if (params.get('client_id') !== LOCAL_WEB_CLIENT_ID)
      return `client_id must be ${LOCAL_WEB_CLIENT_ID}, the local provider's only client.`;
    if (!isLoopbackAppUrl(params.get('redirect_uri'), APP_CALLBACK_PATH))
      return `redirect_uri must be http://127.0.0.1:PORT${APP_CALLBACK_PATH} (or localhost): the provider sends sign-ins nowhere else.`;
    return undefined;
  };
  /** The OAuth error of a request whose redirect URI is safe, or undefined when it is acceptable. */
  const requestError = (params: URLSearchParams) => {
    if (params.get('response_type') !== 'code') return 'unsupported_response_type';
    if (
      params.get('code_challenge_method') !== 'S256' ||
      !/^[A-Za-z0-9_-]{43}$/.test(params.get('code_challenge') ?? '')
    )
      return 'invalid_request';
    return undefined;
  };
  const redirectBack = (
    res: ServerResponse,
    issuer: string,
    params: URLSearchParams,
    answer: Record<string, string>,
  ) => {
    const target = new URL(params.get('redirect_uri')!);
    const state = params.get('state');
    for (const [name, value] of Object.entries({ ...answer, ...(state === null ? {} : { state }), iss: issuer }))
      target.searchParams.set(name, value);
    send(res, 303, '', { location: target.href });
  };
  const issueCode = (params: URLSearchParams, sid: string) => {
    const code = random();
    codes.set(code, {
      clientId: params.get('client_id')!,
      redirectUri: params.get('redirect_uri')!,
      challenge: params.get('code_challenge')!,
      nonce: params.get('nonce') ?? undefined,
      scope: params.get('scope') ?? 'openid',
      sid,
      expires: now() + CODE_SECONDS,
    });
    return code;
  };

  const signInPage = (res: ServerResponse, params: URLSearchParams, session: Session | undefined, problem?: string) => {
    const hidden = CARRIED.filter((name) => params.has(name))
      .map((name) => `<input type="hidden" name="${name}" value="${escapeHtml(params.get(name)!)}">`)
      .join('');
    const resume = session
      ? `<form method="post" action="/oidc/authorize">${hidden}<input type="hidden" name="continue" value="1">` +
        `<button type="submit">Continue as ${escapeHtml(session.sub)}</button></form><p class="note">or sign in under another name:</p>`
      : '';
    const error = problem ? `<p role="alert" id="problem">${escapeHtml(problem)}</p>` : '';
    page(
      res,
      problem ? 400 : 200,
      'Sign in (local)',
      `<p class="note">The local identity provider of <code>npm run dev</code>: type any user name, no password. Never use it outside your machine.</p>` +
        `${resume}<form method="post" action="/oidc/authorize">${hidden}${error}<label for="username">User name</label>` +
        `<input id="username" name="username" autocomplete="username" required pattern="[A-Za-z0-9._@\\-]{1,64}" ${problem ? 'aria-describedby="problem" ' : ''}autofocus>` +
        `<button type="submit"${session ? ' class="secondary"' : ''}>Sign in</button></form>`,
      new URL(params.get('redirect_uri')!).origin,
    );
  };

  const authorize = (req: IncomingMessage, res: ServerResponse, issuer: string, params: URLSearchParams) => {
    const unsafe = unsafeToRedirect(params);
    if (unsafe) return page(res, 400, 'This sign-in request is not valid', `<p>${escapeHtml(unsafe)}</p>`);
    const error = requestError(params);
    if (error) return redirectBack(res, issuer, params, { error });
    const session = liveSession(cookieOf(req));
    if (req.method === 'GET') {
      if (params.get('prompt') === 'none')
        return session
          ? redirectBack(res, issuer, params, { code: issueCode(params, cookieOf(req)!) })
          : redirectBack(res, issuer, params, { error: 'login_required' });
      return signInPage(res, params, params.get('prompt') === 'login' ? undefined : session);
    }
    let sid: string;
    if (params.get('continue') === '1' && session) sid = cookieOf(req)!;
    else {
      const username = (params.get('username') ?? '').trim();
      if (!USER_NAME.test(username))
        return signInPage(res, params, session, 'A user name is 1 to 64 letters, digits or . _ @ -');
      sid = random();
      sessions.set(sid, { sub: username, expires: now() + SESSION_SECONDS });
    }
    const cookie = `${SESSION_COOKIE}=${sid}; Path=/oidc; HttpOnly; SameSite=Lax; Max-Age=${SESSION_SECONDS}`;
    const target = new URL(params.get('redirect_uri')!);
    const state = params.get('state');
    target.searchParams.set('code', issueCode(params, sid));
    if (state !== null) target.searchParams.set('state', state);
    target.searchParams.set('iss', issuer);
    send(res, 303, '', { location: target.href, 'set-cookie': cookie });
  };

  const tokens = (issuer: string, sub: string, grant: Grant, nonce?: string) => {
    const key = signingKey();
    const refreshToken = random();
    grants.set(refreshToken, grant);
    return {
      access_token: mintToken(key, {
        issuer,
        subject: sub,
        lifetimeSeconds: ACCESS_TOKEN_SECONDS,
        audience: LOCAL_AUDIENCE,
        claims: { client_id: grant.clientId, scope: grant.scope },
      }),
      token_type: 'Bearer',
      expires_in: ACCESS_TOKEN_SECONDS,
      scope: grant.scope,
      refresh_token: refreshToken,
      id_token: mintToken(key, {
        issuer,
        subject: sub,
        lifetimeSeconds: ACCESS_TOKEN_SECONDS,
        audience: grant.clientId,
        claims: { name: sub, preferred_username: sub, ...(nonce === undefined ? {} : { nonce }) },
      }),
    };
  };

  const token = (res: ServerResponse, issuer: string, form: URLSearchParams, cors: Record<string, string>) => {
    const refuse = (error: string, description: string) =>
      json(res, 400, { error, error_description: description }, cors);
    const clientId = form.get('client_id');
    if (clientId !== LOCAL_WEB_CLIENT_ID) return json(res, 401, { error: 'invalid_client' }, cors);
    if (form.get('grant_type') === 'authorization_code') {
      const code = codes.get(form.get('code') ?? '');
      codes.delete(form.get('code') ?? '');
      if (!code || code.expires <= now() || code.clientId !== clientId)
        return refuse('invalid_grant', 'the code is unknown, used or expired');
      if (code.redirectUri !== form.get('redirect_uri')) return refuse('invalid_grant', 'redirect_uri differs');
      if (s256(form.get('code_verifier') ?? '') !== code.challenge)
        return refuse('invalid_grant', 'code_verifier does not match code_challenge');
      const session = liveSession(code.sid);
      if (!session) return refuse('invalid_grant', 'the sign-in session has ended');
      return json(
        res,
        200,
        tokens(issuer, session.sub, { clientId, scope: code.scope, sid: code.sid }, code.nonce),
        cors,
      );
    }
    if (form.get('grant_type') === 'refresh_token') {
      const refreshToken = form.get('refresh_token') ?? '';
      const grant = grants.get(refreshToken);
      const session = grant && liveSession(grant.sid);
      if (!grant || !session || grant.clientId !== clientId)
        return refuse('invalid_grant', 'the refresh token is unknown, or its session has ended');
      // Rotated: the old refresh token stops working once a new one is issued.
      grants.delete(refreshToken);
      return json(res, 200, tokens(issuer, session.sub, grant), cors);
    }
    return refuse('unsupported_grant_type', 'authorization_code or refresh_token');
  };

  const logout = (req: IncomingMessage, res: ServerResponse, params: URLSearchParams) => {
    const sid = cookieOf(req);
    if (sid !== undefined) endSession(sid);
    const clear = `${SESSION_COOKIE}=; Path=/oidc; HttpOnly; SameSite=Lax; Max-Age=0`;
    const back = params.get('post_logout_redirect_uri');
    if (isLoopbackAppUrl(back, APP_HOME_PATH)) return send(res, 303, '', { location: back, 'set-cookie': clear });
    page(res, 200, 'Signed out', '<p>You are signed out of the local identity provider.</p>', undefined, {
      'set-cookie': clear,
    });
  };

  return {
    /** True for the paths this provider answers. */
    handles: (path: string) => path === DISCOVERY_PATH || path.startsWith('/oidc/'),
    /** Answers one request; `body` is the request's body (forms). */
    handle(req: IncomingMessage, res: ServerResponse, target: URL, issuer: string, body: string): void {
      sweep();
      const path = target.pathname;
      const origin = req.headers.origin;
      const cors: Record<string, string> = isLoopbackOrigin(origin)
        ? { 'access-control-allow-origin': origin, vary: 'origin' }
        : { vary: 'origin' };
      if (req.method === 'OPTIONS' && (path === '/oidc/token' || path === DISCOVERY_PATH))
        return send(res, 204, '', {
          ...cors,
          'access-control-allow-methods': path === DISCOVERY_PATH ? 'GET' : 'POST',
          'access-control-allow-headers': 'content-type, accept, authorization, dpop',
          'access-control-max-age': '600',
        });
      const form = new URLSearchParams(body);
      if (path === DISCOVERY_PATH && req.method === 'GET')
        return json(res, 200, discovery(issuer), { 'access-control-allow-origin': '*' });
      if (path === '/oidc/authorize' && req.method === 'GET') return authorize(req, res, issuer, target.searchParams);
      if (path === '/oidc/authorize' && req.method === 'POST') return authorize(req, res, issuer, form);
      if (path === '/oidc/token' && req.method === 'POST') return token(res, issuer, form, cors);
      if (path === '/oidc/logout' && req.method === 'GET') return logout(req, res, target.searchParams);
      json(res, 404, { message: `no such endpoint: ${req.method} ${path}` });
    },
  };
}

function cookieOf(req: IncomingMessage): string | undefined {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const [name, value] = part.trim().split('=');
    if (name === SESSION_COOKIE && value) return value;
  }
  return undefined;
}
