import { neonConfig } from '@neondatabase/serverless';

/** Where the traceparent rides in the driver's fetch options: a symbol, so no option of fetch's can collide with it. */
const TRACEPARENT = Symbol('traceparent');

type TracedInit = RequestInit & { [TRACEPARENT]?: string };

/**
 * `fetchOptions` for neon() that pass `traceparent` on to the SQL-over-HTTP
 * request. The driver spreads fetchOptions over its own init, so a `headers`
 * there would replace its Neon-Connection-String and the rest: the value rides
 * under a symbol instead, and the driver's fetch function moves it into the
 * headers. That function is installed the first time a request has a
 * traceparent, unless another one is already set (then it goes unsent);
 * without a traceparent nothing changes.
 */
export function withTraceparent(options: RequestInit, traceparent: string | undefined): RequestInit {
  if (traceparent === undefined) return options;
  neonConfig.fetchFunction ??= fetchWithTraceparent;
  return { ...options, [TRACEPARENT]: traceparent } as TracedInit;
}

/** fetch, with the traceparent of the options (if any) as a header beside the driver's own. */
function fetchWithTraceparent(url: string, init: TracedInit): Promise<Response> {
  const { [TRACEPARENT]: traceparent, ...rest } = init;
  if (traceparent === undefined) return fetch(url, rest);
  return fetch(url, { ...rest, headers: { ...(rest.headers as Record<string, string>), traceparent } });
}
