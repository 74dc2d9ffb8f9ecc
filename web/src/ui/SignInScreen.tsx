/** The signed-out screen: what the app is, and the way in. */
export function SignInScreen({ onSignIn, problem }: { onSignIn: () => void; problem?: string }) {
  return (
    <main id="main" class="welcome">
      <h1>Todos</h1>
      <p>Your todo list, kept by the Todo API. Sign in to see it.</p>
      {problem && (
        <p class="problem" role="alert">
          {problem}
        </p>
      )}
      <button type="button" class="primary" onClick={onSignIn}>
        Sign in
      </button>
    </main>
  );
}
