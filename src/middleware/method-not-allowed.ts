import type { Hono, MiddlewareHandler } from 'hono';
import { ProblemError } from '../lib/problem.ts';

/** A route path (`/todos/:id`) as a pattern: each `:param` one segment, everything else literal (`/openapi.json` has a dot). */
function pathPattern(path: string): RegExp {
  const segments = path
    .split('/')
    .map((segment) => (segment.startsWith(':') ? '[^/]+' : segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')));
  return new RegExp(`^${segments.join('/')}$`);
}

/** The order methods are listed in (the same on every run, whatever the order routes were mounted in). */
const METHOD_ORDER = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'];

export interface RouteTable {
  /** The methods the app serves on a path (with HEAD for GET, and OPTIONS), or none for an unknown path. */
  methodsFor(path: string): string[];
  /** Every method some route answers, for CORS preflights. */
  methods(): string[];
  /** Whether `path` is a route's literal path (`/todos/import`), not only a parameter route's match. */
  isLiteral(path: string): boolean;
}

/**
 * The app's routes, read from its own route table on first use (once every
 * route is mounted), so a wrong method on a known path answers 405 with
 * `Allow` instead of 404. A literal path (`/todos/import`) is served only by
 * its own routes, not by the parameter routes its shape also fits
 * (`/todos/{id}`). hono's `methodNotAllowed` cannot do this: it acts only on
 * a 404 and merges every matching pattern.
 */
export function routeTable(app: Pick<Hono, 'routes'>): RouteTable {
  let routes: { pattern: RegExp; literal: boolean; method: string }[] | undefined;
  let literals: Set<string> | undefined;
  const read = () => {
    routes ??= app.routes
      .filter((r) => r.method !== 'ALL')
      .map((r) => ({ pattern: pathPattern(r.path), literal: !r.path.includes(':'), method: r.method }));
    literals ??= new Set(app.routes.filter((r) => r.method !== 'ALL' && !r.path.includes(':')).map((r) => r.path));
    return routes;
  };
  return {
    methodsFor(path) {
      const matching = read().filter((r) => r.pattern.test(path));
      const literal = matching.filter((r) => r.literal);
      const methods = new Set((literal.length > 0 ? literal : matching).map((r) => r.method));
      if (methods.has('GET')) methods.add('HEAD');
      if (methods.size > 0) methods.add('OPTIONS');
      return [...methods];
    },
    methods() {
      const served = new Set(read().map((r) => r.method));
      if (served.has('GET')) served.add('HEAD');
      return METHOD_ORDER.filter((method) => served.has(method));
    },
    isLiteral(path) {
      read();
      return literals!.has(path);
    },
  };
}

/** The problem for an unmatched request: 405 + Allow on a known path, else 404. */
export function noRouteProblem(methods: string[], method: string, path: string): ProblemError {
  return methods.length > 0
    ? new ProblemError(405, `${method} is not allowed on ${path}; use ${methods.join(', ')}.`, {
        headers: { Allow: methods.join(', ') },
      })
    : new ProblemError(404, `There is nothing at ${path}.`);
}

/**
 * On a route's literal path that a parameter route would also take, another
 * method gets its 405 + Allow, not the parameter route's answer (which would
 * call `import` in `PATCH /todos/import` an invalid todo id). Every literal
 * path is covered, so a new one (`/todos/changes`) needs nothing here.
 */
export function literalPathMethods(table: RouteTable): MiddlewareHandler {
  const known = new Map<string, string[]>(); // per literal path: few, and hot (`/todos`)
  return async function literalPathMethods(c, next) {
    if (table.isLiteral(c.req.path)) {
      let methods = known.get(c.req.path);
      if (!methods) known.set(c.req.path, (methods = table.methodsFor(c.req.path)));
      if (!methods.includes(c.req.method)) throw noRouteProblem(methods, c.req.method, c.req.path);
    }
    await next();
  };
}
