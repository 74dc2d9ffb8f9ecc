import type { Auth, User } from '../auth/session.ts';
import { useEffect } from 'preact/hooks';
import { listPath } from '../address.ts';
import type { Store } from '../data/store.ts';
import { ListsSidebar } from './ListsSidebar.tsx';
import { SignInScreen } from './SignInScreen.tsx';
import { StatusLine } from './StatusLine.tsx';
import { TodoScreen } from './TodoScreen.tsx';
import { useStore } from './use-store.ts';

interface Props {
  auth: Auth;
  store: Store;
  user?: User;
  /** Why the last sign-in failed, in words. */
  problem?: string;
}

/** The app's frame: the bar with who is signed in, the screen, and the status line. */
export function App({ auth, store, user, problem }: Props) {
  const { status, signedOut, screen } = useStore(store);
  // The address names the list shown, so a reload or a link comes back to it.
  useEffect(() => {
    if (user && screen.listId && location.pathname !== listPath(screen.listId))
      history.replaceState(null, '', listPath(screen.listId));
  }, [user, screen.listId]);
  const signIn = () => {
    store.keepScreen();
    void auth.signIn(location.pathname);
  };
  if (!user) return <SignInScreen onSignIn={signIn} problem={problem} />;
  return (
    <div class="shell">
      <header class="topbar">
        <h1>Todos</h1>
        <span class="user">
          Signed in as <strong>{user.name}</strong>
        </span>
        <button type="button" onClick={() => void auth.signOut()}>
          Sign out
        </button>
      </header>
      {signedOut && (
        <div class="banner" role="alert">
          <span>Your sign-in has ended. What is on screen is kept.</span>
          <button type="button" class="primary" onClick={signIn}>
            Sign in again
          </button>
        </div>
      )}
      <div class="layout">
        <ListsSidebar store={store} />
        <main id="main">
          <TodoScreen store={store} />
        </main>
      </div>
      <footer>
        <StatusLine status={status} />
      </footer>
    </div>
  );
}
