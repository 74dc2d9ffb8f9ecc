import type { Context, MiddlewareHandler } from 'hono';
import { cors as honoCors } from 'hono/cors';

export interface CorsOptions {
  /** The allowed origin to answer for a request's `Origin` (`*`, the origin itself), or null for none. */
  origin: (origin: string, c: Context) => string | null;
  allowMethods: (origin: string, c: Context) => string[];
  allowHeaders: string[];
  exposeHeaders: string[];
  maxAge: number;
}

/**
 * CORS with hono's `cors`, whose preflight answer (OPTIONS) is used as it is;
 * on every other request the same headers as it sets, set without touching
 * `c.res` before the route runs. hono's middleware writes them on `c.res`
 * first, which makes Hono build a placeholder Response, then wrap the route's
 * response in a second one and copy every header across, and wrap it a third
 * time for the `Vary: Origin` it adds afterwards: three Response objects per
 * request for three headers. Here they go where `c.header()` keeps headers
 * until the response is made, and `Vary` onto the response itself, as
 * hono's `secureHeaders` writes its headers.
 */
export function cors(options: CorsOptions): MiddlewareHandler {
  const preflight = honoCors(options);
  const expose = options.exposeHeaders.join(',');
  return async function cors(c, next) {
    if (c.req.method === 'OPTIONS') return preflight(c, next);
    const allowed = options.origin(c.req.header('origin') || '', c);
    if (allowed) c.header('Access-Control-Allow-Origin', allowed);
    if (expose) c.header('Access-Control-Expose-Headers', expose);
    await next();
    // As hono's cors, whose origin option here is a function: the answer depends on Origin.
    c.res.headers.append('Vary', 'Origin');
  };
}
