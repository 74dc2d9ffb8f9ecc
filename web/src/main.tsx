import { render } from 'preact';
import './app.css';
import { CALLBACK_PATH, createAuth, HOME_PATH, SignInError, type User } from './auth/session.ts';
import { listIdOf } from './address.ts';
import { readConfig } from './config.ts';
import { createStore } from './data/store.ts';
import { App } from './ui/App.tsx';

/** A path of this app to come back to after signing in (never another site, whatever sessionStorage says). */
const ownPath = (path: string) =>
  /^\/app(\/[^/\\]|\/?$)/.test(path) && !path.startsWith(CALLBACK_PATH) ? path : HOME_PATH;

async function start(root: HTMLElement) {
  const { signIn } = readConfig();
  if (!signIn) {
    root.textContent = 'Sign-in is not set up on this server (WEB_CLIENT_ID, AUTH_ISSUER: see docs/web-app.md).';
    return;
  }
  const auth = createAuth(signIn);
  let user: User | undefined;
  let problem: string | undefined;
  if (location.pathname === CALLBACK_PATH) {
    try {
      const done = await auth.completeSignIn(new URL(location.href));
      user = done.user;
      history.replaceState(null, '', ownPath(done.returnTo));
    } catch (err) {
      if (!(err instanceof SignInError && err.code === 'login_required'))
        problem = err instanceof SignInError ? err.message : 'The sign-in could not be finished. Sign in again.';
      history.replaceState(null, '', HOME_PATH);
    }
  } else if (await auth.resume(location.pathname + location.search)) {
    user = auth.user();
  } else if (auth.user()) {
    problem = 'The sign-in provider cannot be reached. Check your connection, then sign in again.';
  }
  const store = createStore({
    baseUrl: location.origin,
    token: () => auth.token(),
    renew: auth.renew,
    listId: listIdOf(location.pathname),
  });
  addEventListener('pagehide', () => store.leave());
  root.replaceChildren(); // the "Loading…" placeholder: render() keeps what it finds
  render(<App auth={auth} store={store} user={user} problem={problem} />, root);
  if (user) await store.load();
}

const root = document.getElementById('app')!;
start(root).catch(() => {
  root.textContent = 'The app could not start. Reload the page to try again.';
});
