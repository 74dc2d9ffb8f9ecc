/**
 * The `aud` the local issuer writes by default and the one `npm run dev`
 * requires (AUTH_AUDIENCE), so `npm run -s token -- alice` works against it
 * and a token minted with another `--audience` does not. Kept apart from
 * dev/issuer.ts (Node only) so tests inside workerd can read it too.
 */
export const LOCAL_AUDIENCE = 'local-todo-api';
