/** What the app needs to sign in, from the Worker's settings (src/web-app/settings.ts). */
export interface SignInConfig {
  issuer: string;
  clientId: string;
  scope: string;
  audience?: string;
}

/** The settings the Worker wrote into the page (`<meta name="todo-app-config">`); null sign-in when not set up. */
export function readConfig(doc: Document = document): { signIn: SignInConfig | null } {
  const content = doc.querySelector<HTMLMetaElement>('meta[name="todo-app-config"]')?.content ?? '';
  try {
    const parsed = JSON.parse(content) as { signIn?: SignInConfig | null };
    return { signIn: parsed.signIn ?? null };
  } catch {
    return { signIn: null };
  }
}
