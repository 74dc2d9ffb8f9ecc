import { createRoute, type RouteConfig } from '@hono/zod-openapi';
import type { MiddlewareHandler } from 'hono';
import { requireIdentity } from '../middleware/auth/index.ts';
import { noQuery } from '../middleware/no-query.ts';
import { problemResponses } from './openapi-responses.ts';

/** The OpenAPI security requirement of a protected operation; the scheme is registered by the app. */
export const PROTECTED = [{ bearerAuth: [] }];

type Route = Omit<RouteConfig, 'path'> & { path: string; protect?: boolean };

/** Route middleware as a list, whatever form the route gave it in. */
const middlewareOf = (route: Route): MiddlewareHandler[] =>
  route.middleware === undefined
    ? []
    : Array.isArray(route.middleware)
      ? route.middleware
      : [route.middleware as MiddlewareHandler];

/**
 * Declares a route of this API. What every route needs is added here, once,
 * so that a new route cannot forget it:
 * - `protect: true` (the default) both states the bearer security in the
 *   document and puts the auth middleware first on the route, with a 401
 *   response: the document and the enforcement cannot disagree;
 * - a route that declares no query schema refuses every query parameter by
 *   name (one that declares one refuses the unknown ones in its schema);
 * - its request schemas are built on its first request, not as the Worker
 *   loads: `request` must come from `requestOf` (src/lib/request-parts.ts).
 */
export function defineRoute<P extends string, R extends Route & { path: P }>(config: R) {
  const { protect = true, ...route } = config;
  const built = Object.entries(Object.getOwnPropertyDescriptors(route.request ?? {})).filter(([, part]) => !part.get);
  if (built.length)
    throw new Error(
      `${route.method.toUpperCase()} ${route.path}: request.${built[0]![0]} is built as the Worker loads; declare the request with requestOf(...)`,
    );
  const guards: MiddlewareHandler[] = [
    ...(protect ? [requireIdentity()] : []),
    ...(route.request && 'query' in route.request ? [] : [noQuery()]),
  ];
  return createRoute<P, R>({
    ...route,
    security: protect ? PROTECTED : [],
    middleware: [...guards, ...middlewareOf(route)],
    responses: protect ? { ...problemResponses([401]), ...route.responses } : route.responses,
  } as unknown as R);
}
