/** A value built on first read, then the same one on every read (the document's generator and the validators meet one instance). */
export function once<T>(build: () => T): () => T {
  let built: T | undefined;
  return () => (built ??= build());
}
