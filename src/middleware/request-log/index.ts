import type { MiddlewareHandler } from 'hono';
import type { AppEnv } from '../../env.ts';

/**
 * One structured JSON line per request, for Workers Logs / `wrangler tail`.
 * It names the matched route pattern, never the raw URL, and no header but a
 * validated `traceparent`: so no token, query string or connection string can
 * end up in the logs.
 */
export function requestLog(): MiddlewareHandler<AppEnv> {
  return async function requestLog(c, next) {
    const started = Date.now();
    await next();
    console.log(
      JSON.stringify({
        ts: new Date(started).toISOString(),
        requestId: c.get('requestId'),
        clientRequestId: c.get('clientRequestId'),
        traceparent: c.get('traceparent'),
        method: c.req.method,
        route: c.req.routePath,
        status: c.res.status,
        durationMs: Date.now() - started,
        db: c.var.db?.stats,
      }),
    );
  };
}
