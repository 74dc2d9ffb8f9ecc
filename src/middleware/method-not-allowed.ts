import type { Hono, MiddlewareHandler } from 'hono';
import { ProblemError } from '../lib/problem.ts';

/**
 * The methods the app serves on a path, from its own route table, so a wrong
 * method on a known path answers 405 with `Allow` instead of 404. A literal
 * path (`/todos/import`) is served only by its own routes, not by the
 * parameter routes its shape also fits (`/todos/{id}`).
 */
export function allowedMethods(app: Pick<Hono, 'routes'>): (path: string) => string[] {
  let table: { pattern: RegExp; literal: boolean; method: string }[] | undefined;
  return (path) => {
    table ??= app.routes
      .filter((r) => r.method !== 'ALL')
      .map((r) => ({ pattern: new RegExp(`^${r.path.replace(/:[^/]+/g, '[^/]+')}$`), literal: !r.path.includes(':'), method: r.method }));
    const matching = table.filter((r) => r.pattern.test(path));
    const literal = matching.filter((r) => r.literal);
    const methods = new Set((literal.length > 0 ? literal : matching).map((r) => r.method));
    if (methods.has('GET')) methods.add('HEAD');
    if (methods.size > 0) methods.add('OPTIONS');
    return [...methods];
  };
}

/** The problem for an unmatched request: 405 + Allow on a known path, else 404. */
export function noRouteProblem(methods: string[], method: string, path: string): ProblemError {
  return methods.length > 0
    ? new ProblemError(405, `${method} is not allowed on ${path}; use ${methods.join(', ')}.`, { headers: { Allow: methods.join(', ') } })
    : new ProblemError(404, `There is nothing at ${path}.`);
}

/**
 * Mounted on a literal path that a parameter route would also take: another
 * method there gets its 405 + Allow, not the parameter route's 400 (which
 * would call `import` an invalid todo id).
 */
export function onlyItsOwnMethods(methodsFor: (path: string) => string[]): MiddlewareHandler {
  return async function onlyItsOwnMethods(c, next) {
    const methods = methodsFor(c.req.path);
    if (!methods.includes(c.req.method)) throw noRouteProblem(methods, c.req.method, c.req.path);
    await next();
  };
}
