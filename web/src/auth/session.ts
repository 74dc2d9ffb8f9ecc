import * as oauth from 'oauth4webapi';
import type { SignInConfig } from '../config.ts';

/** Who is signed in, as the provider's id token named them. */
export interface User {
  sub: string;
  name: string;
}

/** Where the provider sends the browser back (registered with the provider: docs/auth.md). */
export const CALLBACK_PATH = '/app/callback';
/** Where the app lives; also where the provider sends the browser after signing out. */
export const HOME_PATH = '/app/';

// sessionStorage, never localStorage: it lives as long as the tab and is not shared with other tabs.
/** The sign-in in flight: PKCE verifier, state, nonce, and where to come back to. */
const PENDING_KEY = 'todo-app.sign-in';
/** The refresh token (when the provider gives one) and the user: what lets a reload skip the sign-in page. */
const SESSION_KEY = 'todo-app.session';
/** Renew an access token this long before it expires, so a request never leaves with one about to lapse. */
const EXPIRY_MARGIN_MS = 30_000;

interface Pending {
  verifier: string;
  state: string;
  nonce: string;
  returnTo: string;
  silent: boolean;
}
interface StoredSession {
  refreshToken?: string;
  user: User;
}

/** A sign-in that failed, in words for a person; `code` is the protocol's reason. */
export class SignInError extends Error {
  constructor(
    message: string,
    readonly code?: string,
  ) {
    super(message);
  }
}

const isLoopback = (url: URL) => ['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname);

function read<T>(key: string): T | undefined {
  try {
    const text = sessionStorage.getItem(key);
    return text === null ? undefined : (JSON.parse(text) as T);
  } catch {
    return undefined;
  }
}

/**
 * Signing in with OpenID Connect: the authorization code flow with PKCE (oauth4webapi), against the
 * issuer's discovery document. The access token is kept in memory only; the refresh token in
 * sessionStorage, so that a reload of this tab resumes without a trip to the provider (see
 * docs/web-app.md for the choice and its risks). Without a refresh token, a reload asks the provider
 * silently (`prompt=none`), which answers at once while its own session lasts.
 */
export function createAuth(config: SignInConfig, origin: string = location.origin) {
  const issuer = new URL(config.issuer);
  // Plain http only to this machine (the local provider of `npm run dev`); oauth4webapi refuses it otherwise.
  if (issuer.protocol !== 'https:' && !(issuer.protocol === 'http:' && isLoopback(issuer)))
    throw new SignInError('The sign-in provider must be reached over https.');
  const http = issuer.protocol === 'http:' ? { [oauth.allowInsecureRequests]: true } : {};
  const client: oauth.Client = { client_id: config.clientId };
  const redirectUri = new URL(CALLBACK_PATH, origin).href;
  let server: oauth.AuthorizationServer | undefined;
  let access: { token: string; expiresAt: number } | undefined;
  let renewing: Promise<boolean> | undefined;
  let stored = read<StoredSession>(SESSION_KEY);

  const discover = async () =>
    (server ??= await oauth.processDiscoveryResponse(
      issuer,
      await oauth.discoveryRequest(issuer, { ...http, algorithm: 'oidc' }),
    ));

  const keep = (result: oauth.TokenEndpointResponse, user: User) => {
    access = { token: result.access_token, expiresAt: Date.now() + (result.expires_in ?? 300) * 1000 };
    stored = { refreshToken: result.refresh_token ?? stored?.refreshToken, user };
    sessionStorage.setItem(SESSION_KEY, JSON.stringify(stored));
  };

  const forget = () => {
    access = undefined;
    stored = undefined;
    sessionStorage.removeItem(SESSION_KEY);
  };

  /** Sends the browser to the provider; `silent` asks it not to show anything (`prompt=none`). */
  async function signIn(returnTo: string, { silent = false } = {}): Promise<never> {
    const as = await discover();
    const pending: Pending = {
      verifier: oauth.generateRandomCodeVerifier(),
      state: oauth.generateRandomState(),
      nonce: oauth.generateRandomNonce(),
      returnTo,
      silent,
    };
    sessionStorage.setItem(PENDING_KEY, JSON.stringify(pending));
    const url = new URL(as.authorization_endpoint!);
    const params = {
      client_id: config.clientId,
      redirect_uri: redirectUri,
      response_type: 'code',
      scope: config.scope,
      state: pending.state,
      nonce: pending.nonce,
      code_challenge: await oauth.calculatePKCECodeChallenge(pending.verifier),
      code_challenge_method: 'S256',
      ...(config.audience ? { audience: config.audience } : {}),
      ...(silent ? { prompt: 'none' } : {}),
    };
    for (const [name, value] of Object.entries(params)) url.searchParams.set(name, value);
    location.assign(url.href);
    return new Promise<never>(() => undefined);
  }

  /**
   * Finishes a sign-in on the callback page: checks the answer against the request it made (state,
   * issuer), redeems the code with the PKCE verifier, checks the id token (nonce). Returns where to go
   * back to; throws a SignInError (code `login_required` after a silent attempt found no session).
   */
  async function completeSignIn(url: URL): Promise<{ user: User; returnTo: string }> {
    const pending = read<Pending>(PENDING_KEY);
    sessionStorage.removeItem(PENDING_KEY);
    if (!pending) throw new SignInError('This sign-in was not started here, or was already finished. Sign in again.');
    const as = await discover();
    let params: URLSearchParams;
    try {
      params = oauth.validateAuthResponse(as, client, url, pending.state);
    } catch (err) {
      if (err instanceof oauth.AuthorizationResponseError) {
        const code = err.error;
        if (pending.silent && ['login_required', 'interaction_required', 'consent_required'].includes(code)) {
          forget();
          throw new SignInError('Your sign-in has ended. Sign in again.', 'login_required');
        }
        throw new SignInError(`The provider refused the sign-in (${code}).`, code);
      }
      throw new SignInError('The answer from the sign-in provider did not match this sign-in. Sign in again.');
    }
    try {
      const response = await oauth.authorizationCodeGrantRequest(
        as,
        client,
        oauth.None(),
        params,
        redirectUri,
        pending.verifier,
        http,
      );
      const result = await oauth.processAuthorizationCodeResponse(as, client, response, {
        expectedNonce: pending.nonce,
        requireIdToken: true,
      });
      const claims = oauth.getValidatedIdTokenClaims(result)!;
      const name = [claims.preferred_username, claims.name, claims.email].find((v) => typeof v === 'string');
      const user = { sub: claims.sub, name: typeof name === 'string' ? name : claims.sub };
      keep(result, user);
      return { user, returnTo: pending.returnTo };
    } catch (err) {
      if (err instanceof SignInError) throw err;
      throw new SignInError('The sign-in could not be finished. Sign in again.');
    }
  }

  /** A new access token from the refresh token; false when there is none or the provider refused it. */
  async function refresh(): Promise<boolean> {
    const refreshToken = stored?.refreshToken;
    if (!refreshToken || !stored) return false;
    const user = stored.user;
    try {
      const as = await discover();
      const response = await oauth.refreshTokenGrantRequest(as, client, oauth.None(), refreshToken, http);
      keep(await oauth.processRefreshTokenResponse(as, client, response), user);
      return true;
    } catch (err) {
      // A refusal ends the session; a network failure keeps the refresh token for the next try.
      if (err instanceof oauth.ResponseBodyError) {
        access = undefined;
        stored = { user };
        sessionStorage.setItem(SESSION_KEY, JSON.stringify(stored));
      }
      return false;
    }
  }

  /** After the API refused the token: one renewal at a time, shared by every request that asks. */
  const renew = (): Promise<boolean> => (renewing ??= refresh().finally(() => (renewing = undefined)));

  return {
    /** The user of this tab's session, when there is one (it may still need renewing: resume). */
    user: () => stored?.user,
    signIn,
    completeSignIn,
    /**
     * On start: an access token for this tab's session, if there is one. True when signed in; when only
     * a silent sign-in can tell, it redirects there (`returnTo`).
     */
    async resume(returnTo: string): Promise<boolean> {
      if (!stored) return false;
      if (await refresh()) return true;
      if (stored.refreshToken) return false; // the provider is unreachable: the caller says so
      return signIn(returnTo, { silent: true });
    },
    /** The access token for the next API request (renewed shortly before it expires); undefined when none. */
    async token(): Promise<string | undefined> {
      if (access && access.expiresAt - EXPIRY_MARGIN_MS > Date.now()) return access.token;
      if (stored?.refreshToken) await renew();
      return access?.token;
    },
    renew,
    /** Forgets the tokens in this tab, then ends the provider's session when it offers a way. */
    async signOut(): Promise<void> {
      forget();
      const as = await discover().catch(() => undefined);
      if (!as?.end_session_endpoint) {
        location.assign(HOME_PATH);
        return;
      }
      const url = new URL(as.end_session_endpoint);
      url.searchParams.set('client_id', config.clientId);
      url.searchParams.set('post_logout_redirect_uri', new URL(HOME_PATH, origin).href);
      location.assign(url.href);
    },
  };
}

export type Auth = ReturnType<typeof createAuth>;
