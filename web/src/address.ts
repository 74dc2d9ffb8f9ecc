/** The app's address for a list: /app/lists/<id>. */
export const listPath = (id: string) => `/app/lists/${encodeURIComponent(id)}`;

/** The list an address names, if any. */
export function listIdOf(pathname: string): string | undefined {
  const match = /^\/app\/lists\/([0-9a-f-]{36})\/?$/.exec(pathname);
  return match?.[1];
}
