import { createHash, randomBytes } from 'node:crypto';
import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { APP_CALLBACK_PATH, isLoopbackAppUrl, LOCAL_WEB_CLIENT_ID } from '../../../dev/gateway/oidc.ts';
import { startGateway, type Gateway } from '../../../dev/gateway/server.ts';
import { JWKS_PATH } from '../../../dev/issuer.ts';
import { LOCAL_AUDIENCE } from '../../../dev/local-audience.ts';
import { createJwksCache } from '../../../src/auth/jwks.ts';
import { verifyJwt } from '../../../src/auth/jwt.ts';
import { noDatabase } from '../../support/no-database.ts';

const APP = 'http://127.0.0.1:8787';
const REDIRECT = `${APP}${APP_CALLBACK_PATH}`;
let gateway: Gateway;

beforeAll(async () => {
  gateway = await startGateway({ upstream: noDatabase, port: 0 });
});
afterAll(async () => {
  await gateway?.close();
});

const pkce = () => {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
};

/** An authorization request's parameters: a valid one, with `overrides` (undefined drops one). */
const authorizeParams = (challenge: string, overrides: Record<string, string | undefined> = {}) => {
  const params = new URLSearchParams();
  const all: Record<string, string | undefined> = {
    client_id: LOCAL_WEB_CLIENT_ID,
    redirect_uri: REDIRECT,
    response_type: 'code',
    scope: 'openid offline_access',
    state: 'state-1',
    nonce: 'nonce-1',
    code_challenge: challenge,
    code_challenge_method: 'S256',
    ...overrides,
  };
  for (const [name, value] of Object.entries(all)) if (value !== undefined) params.set(name, value);
  return params;
};

const authorizeUrl = (params: URLSearchParams) => `${gateway.url}/oidc/authorize?${params.toString()}`;

/** Signs `username` in through the form; the redirect's parameters and the session cookie. */
async function signIn(username: string, params: URLSearchParams) {
  const form = new URLSearchParams(params);
  form.set('username', username);
  const res = await fetch(`${gateway.url}/oidc/authorize`, { method: 'POST', body: form, redirect: 'manual' });
  expect(res.status).toBe(303);
  const location = new URL(res.headers.get('location')!);
  return { location, cookie: res.headers.get('set-cookie')!.split(';')[0]! };
}

const token = (form: Record<string, string>, origin?: string) =>
  fetch(`${gateway.url}/oidc/token`, {
    method: 'POST',
    body: new URLSearchParams(form),
    headers: origin ? { origin } : {},
  });

const verify = (jwt: string, audience: string) =>
  verifyJwt(jwt, createJwksCache({ url: `${gateway.url}${JWKS_PATH}` }).source(), {
    issuer: gateway.url,
    audience: [audience],
  });

describe('the local OpenID provider', () => {
  it('publishes a discovery document any origin may read, naming the gateway as issuer', async () => {
    const res = await fetch(`${gateway.url}/.well-known/openid-configuration`, { headers: { origin: APP } });
    expect(res.status).toBe(200);
    expect(res.headers.get('access-control-allow-origin')).toBe('*');
    const doc = await res.json<Record<string, unknown>>();
    expect(doc).toMatchObject({
      issuer: gateway.url,
      authorization_endpoint: `${gateway.url}/oidc/authorize`,
      token_endpoint: `${gateway.url}/oidc/token`,
      jwks_uri: `${gateway.url}${JWKS_PATH}`,
      code_challenge_methods_supported: ['S256'],
    });
  });

  it('signs a user in by name and issues a JWT for the API audience, an id token with the nonce, and a refresh token', async () => {
    const { verifier, challenge } = pkce();
    const page = await fetch(authorizeUrl(authorizeParams(challenge)));
    expect(page.status).toBe(200);
    expect(page.headers.get('content-security-policy')).toContain(`form-action 'self' ${APP}`);
    expect(await page.text()).toContain('<label for="username">User name</label>');

    const { location } = await signIn('alice', authorizeParams(challenge));
    expect(location.origin + location.pathname).toBe(REDIRECT);
    expect(location.searchParams.get('state')).toBe('state-1');
    expect(location.searchParams.get('iss')).toBe(gateway.url);
    const code = location.searchParams.get('code')!;

    const res = await token(
      {
        grant_type: 'authorization_code',
        code,
        redirect_uri: REDIRECT,
        client_id: LOCAL_WEB_CLIENT_ID,
        code_verifier: verifier,
      },
      APP,
    );
    expect(res.status).toBe(200);
    expect(res.headers.get('access-control-allow-origin')).toBe(APP);
    const body = await res.json<Record<string, string>>();
    expect(await verify(body.access_token!, LOCAL_AUDIENCE)).toMatchObject({ ok: true, subject: 'alice' });
    expect(await verify(body.id_token!, LOCAL_WEB_CLIENT_ID)).toMatchObject({ ok: true, subject: 'alice' });
    expect(JSON.parse(Buffer.from(body.id_token!.split('.')[1]!, 'base64url').toString())).toMatchObject({
      nonce: 'nonce-1',
    });

    // The code works once.
    const again = await token({
      grant_type: 'authorization_code',
      code,
      redirect_uri: REDIRECT,
      client_id: LOCAL_WEB_CLIENT_ID,
      code_verifier: verifier,
    });
    expect(again.status).toBe(400);
    expect(await again.json()).toMatchObject({ error: 'invalid_grant' });

    // A refresh token is rotated: the new one works, the old one no longer.
    const refreshed = await token({
      grant_type: 'refresh_token',
      refresh_token: body.refresh_token!,
      client_id: LOCAL_WEB_CLIENT_ID,
    });
    expect(refreshed.status).toBe(200);
    const next = await refreshed.json<Record<string, string>>();
    expect(await verify(next.access_token!, LOCAL_AUDIENCE)).toMatchObject({ ok: true, subject: 'alice' });
    const replayed = await token({
      grant_type: 'refresh_token',
      refresh_token: body.refresh_token!,
      client_id: LOCAL_WEB_CLIENT_ID,
    });
    expect(replayed.status).toBe(400);
  });

  it('refuses a code redeemed without the PKCE verifier it was issued for', async () => {
    const { challenge } = pkce();
    const { location } = await signIn('alice', authorizeParams(challenge));
    const res = await token({
      grant_type: 'authorization_code',
      code: location.searchParams.get('code')!,
      redirect_uri: REDIRECT,
      client_id: LOCAL_WEB_CLIENT_ID,
      code_verifier: pkce().verifier,
    });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ error: 'invalid_grant' });
  });

  it.each([
    ['another site', 'https://evil.example/app/callback'],
    ['another path', `${APP}/elsewhere`],
    ['a look-alike host', 'http://127.0.0.1.evil.example/app/callback'],
    ['credentials before the host', 'http://127.0.0.1@evil.example/app/callback'],
    ['a query', `${REDIRECT}?next=https://evil.example`],
    ['a dot segment', `${APP}/app/callback/../../evil`],
    ['https to a loopback', `https://127.0.0.1:8787${APP_CALLBACK_PATH}`],
    ['javascript:', 'javascript:alert(1)'],
  ])('sends no one to a redirect_uri with %s: a 400 page, no Location', async (_, uri) => {
    const res = await fetch(authorizeUrl(authorizeParams(pkce().challenge, { redirect_uri: uri })), {
      redirect: 'manual',
    });
    expect(res.status).toBe(400);
    expect(res.headers.get('location')).toBeNull();
    const form = authorizeParams(pkce().challenge, { redirect_uri: uri });
    form.set('username', 'alice');
    const posted = await fetch(`${gateway.url}/oidc/authorize`, { method: 'POST', body: form, redirect: 'manual' });
    expect(posted.status).toBe(400);
    expect(posted.headers.get('location')).toBeNull();
  });

  it('refuses an unknown client without redirecting, and answers a request without PKCE at the app with an error', async () => {
    const unknown = await fetch(authorizeUrl(authorizeParams(pkce().challenge, { client_id: 'other' })), {
      redirect: 'manual',
    });
    expect(unknown.status).toBe(400);
    expect(unknown.headers.get('location')).toBeNull();
    const plain = await fetch(authorizeUrl(authorizeParams(pkce().challenge, { code_challenge_method: 'plain' })), {
      redirect: 'manual',
    });
    expect(plain.status).toBe(303);
    const back = new URL(plain.headers.get('location')!);
    expect(back.searchParams.get('error')).toBe('invalid_request');
    expect(back.searchParams.get('state')).toBe('state-1');
  });

  it('refuses a user name that is not one, showing the form again', async () => {
    const form = authorizeParams(pkce().challenge);
    form.set('username', '<script>');
    const res = await fetch(`${gateway.url}/oidc/authorize`, { method: 'POST', body: form, redirect: 'manual' });
    expect(res.status).toBe(400);
    const page = await res.text();
    expect(page).toContain('role="alert"');
    expect(page).not.toContain('<script>');
  });

  it('answers prompt=none from its session, or login_required; signing out ends the session and its refresh tokens', async () => {
    const none = await fetch(authorizeUrl(authorizeParams(pkce().challenge, { prompt: 'none' })), {
      redirect: 'manual',
    });
    expect(new URL(none.headers.get('location')!).searchParams.get('error')).toBe('login_required');

    const { verifier, challenge } = pkce();
    const { location, cookie } = await signIn('bob', authorizeParams(challenge));
    const tokens = await (
      await token({
        grant_type: 'authorization_code',
        code: location.searchParams.get('code')!,
        redirect_uri: REDIRECT,
        client_id: LOCAL_WEB_CLIENT_ID,
        code_verifier: verifier,
      })
    ).json<Record<string, string>>();
    const silent = await fetch(authorizeUrl(authorizeParams(pkce().challenge, { prompt: 'none' })), {
      redirect: 'manual',
      headers: { cookie },
    });
    expect(new URL(silent.headers.get('location')!).searchParams.get('code')).toBeTruthy();

    // Sign-out sends the browser back to the app's home only.
    const elsewhere = await fetch(
      `${gateway.url}/oidc/logout?post_logout_redirect_uri=${encodeURIComponent('https://evil.example/')}`,
      {
        redirect: 'manual',
      },
    );
    expect(elsewhere.status).toBe(200);
    const out = await fetch(
      `${gateway.url}/oidc/logout?post_logout_redirect_uri=${encodeURIComponent(`${APP}/app/`)}`,
      {
        redirect: 'manual',
        headers: { cookie },
      },
    );
    expect(out.status).toBe(303);
    expect(out.headers.get('location')).toBe(`${APP}/app/`);
    const refused = await token({
      grant_type: 'refresh_token',
      refresh_token: tokens.refresh_token!,
      client_id: LOCAL_WEB_CLIENT_ID,
    });
    expect(refused.status).toBe(400);
  });

  it('lets only loopback origins read token answers (CORS)', async () => {
    const res = await token(
      { grant_type: 'refresh_token', refresh_token: 'nope', client_id: LOCAL_WEB_CLIENT_ID },
      'https://evil.example',
    );
    expect(res.status).toBe(400);
    expect(res.headers.get('access-control-allow-origin')).toBeNull();
    const preflight = await fetch(`${gateway.url}/oidc/token`, { method: 'OPTIONS', headers: { origin: APP } });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-origin')).toBe(APP);
  });

  it('takes as the app only an exact loopback URL of the given path', () => {
    expect(isLoopbackAppUrl('http://localhost:5173/app/callback', APP_CALLBACK_PATH)).toBe(true);
    expect(isLoopbackAppUrl('http://[::1]:8787/app/callback', APP_CALLBACK_PATH)).toBe(true);
    expect(isLoopbackAppUrl('http://127.0.0.1:8787/app/callback#x', APP_CALLBACK_PATH)).toBe(false);
    expect(isLoopbackAppUrl('http://127.0.0.1:8787\\@evil.example/app/callback', APP_CALLBACK_PATH)).toBe(false);
    expect(isLoopbackAppUrl(null, APP_CALLBACK_PATH)).toBe(false);
  });
});

describe('the gateway under another name (a page whose DNS name was rebound to 127.0.0.1)', () => {
  /** Sends `path` to the gateway with `host` in the Host header (fetch cannot set Host); resolves to the status. */
  const statusWithHost = (method: string, path: string, host: string, headers: Record<string, string> = {}) =>
    new Promise<number>((resolve, reject) => {
      const { port } = new URL(gateway.url);
      const req = request({ host: '127.0.0.1', port, method, path, headers: { ...headers, host } }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on('error', reject);
      req.end(method === 'POST' ? 'grant_type=refresh_token&refresh_token=x' : undefined);
    });

  it('answers nothing but 421 to a foreign Host: no sign-in page, token, SQL or WebSocket', async () => {
    const { port } = new URL(gateway.url);
    const foreign = `attacker.example:${port}`;
    expect(await statusWithHost('GET', '/oidc/authorize', foreign)).toBe(421);
    expect(await statusWithHost('POST', '/oidc/token', foreign)).toBe(421);
    expect(await statusWithHost('POST', '/issuer/token', foreign)).toBe(421);
    expect(await statusWithHost('POST', '/sql', foreign)).toBe(421);
    expect(await statusWithHost('GET', '/health', foreign)).toBe(421);
    const upgrade = { connection: 'Upgrade', upgrade: 'websocket', 'sec-websocket-version': '13' };
    await expect(statusWithHost('GET', '/v2', foreign, { ...upgrade, 'sec-websocket-key': 'x' })).rejects.toThrow();
    // The same requests by this machine's own names are answered.
    for (const own of [`127.0.0.1:${port}`, `localhost:${port}`, `[::1]:${port}`])
      expect(await statusWithHost('GET', '/health', own)).toBe(200);
  });
});
