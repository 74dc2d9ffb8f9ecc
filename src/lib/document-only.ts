import { once } from './once.ts';

/**
 * Schemas that only the OpenAPI document reads: the responses'. The committed
 * openapi.json is a static asset (src/docs), and the Worker never validates its own
 * responses, so it never needs them; `npm run openapi` and the drift test do.
 * Built on first read, they cost a new isolate nothing. Memoized: the
 * document's generator meets one instance per schema, as it would a constant.
 */
export const documentOnly: <T>(build: () => T) => () => T = once;

/** A media type's entry of a response, its schema built on first read (see documentOnly). */
export const lazySchema = <T>(schema: () => T) => ({
  get schema(): T {
    return schema();
  },
});
