/**
 * A route's request parts (query, params, headers, body), each built when a
 * request to that route first needs it. Request schemas are most of what
 * declaring the routes costs a new isolate; built on first use, a cold start
 * pays for the one route it serves, not for every route of the API. The
 * Worker's router (src/vendor/zod-openapi.ts) reads them on the route's first
 * request; the document's generator reads them as it registers the route.
 *
 * Each part is a getter of the object returned, so a route's type (and the
 * typed client's) is what it would be with the schemas themselves.
 */
import { once } from './once.ts';

export function requestOf<Parts extends Record<string, () => unknown>>(
  parts: Parts,
): { [Name in keyof Parts]: ReturnType<Parts[Name]> } {
  const request = {};
  for (const [name, build] of Object.entries(parts))
    Object.defineProperty(request, name, { get: once(build), enumerable: true });
  return request as { [Name in keyof Parts]: ReturnType<Parts[Name]> };
}

/** A required JSON body that `schema` validates. */
export const jsonRequest =
  <Schema>(schema: () => Schema) =>
  () => ({ required: true as const, content: { 'application/json': { schema: schema() } } });
