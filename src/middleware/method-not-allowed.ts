import type { Hono } from 'hono';
import { ProblemError } from '../lib/problem.ts';

/**
 * The methods the app serves on a path, from its own route table, so a wrong
 * method on a known path answers 405 with `Allow` instead of 404.
 */
export function allowedMethods(app: Hono<any>): (path: string) => string[] {
  let table: { pattern: RegExp; method: string }[] | undefined;
  return (path) => {
    table ??= app.routes
      .filter((r) => r.method !== 'ALL')
      .map((r) => ({ pattern: new RegExp(`^${r.path.replace(/:[^/]+/g, '[^/]+')}$`), method: r.method }));
    const methods = new Set(table.filter((r) => r.pattern.test(path)).map((r) => r.method));
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
