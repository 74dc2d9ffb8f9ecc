import type { OpenAPIHono } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { secureHeaders } from 'hono/secure-headers';
import { openDatabase, type Database, type OpenOptions } from './db/client.ts';
import { mountDocs } from './docs/index.ts';
import { settingsOf, type AppEnv, type Env, type Settings } from './env.ts';
import { health } from './health/index.ts';
import { createRouter } from './lib/create-router.ts';
import { logFailure } from './lib/log-failure.ts';
import { ProblemError, problemResponse } from './lib/problem.ts';
import { reportTo, type ReportError } from './lib/report-error.ts';
import type { Resource } from './lib/resource.ts';
import { changes } from './changes/index.ts';
import { cors } from './middleware/cors/index.ts';
import { literalPathMethods, noRouteProblem, routeTable } from './middleware/method-not-allowed.ts';
import { rateLimit } from './middleware/rate-limit/index.ts';
import { requestId } from './middleware/request-id/index.ts';
import { requestLog } from './middleware/request-log/index.ts';
import { lists } from './lists/index.ts';
import { me } from './me/index.ts';
import { todos } from './todos/index.ts';

/** Every resource the API serves: each is a folder under src/ and one entry here. */
export const resources = [todos, lists, changes, me, health] as const;

declare module 'hono' {
  interface ContextVariableMap {
    /** The request's database handle (its deadline starts with its first statement). */
    db: Database;
    /** Opens another handle for this request, with a deadline of its own and the same owner (the CSV export's later pages). */
    openDb: () => Database;
    /** The Worker's settings, parsed (or found unchanged) once for the request, before anything reads one. */
    settings: Settings;
  }
}

/** What the docs page needs: its own scripts and styles, inline styles (Swagger UI sets them), data: images. */
const CONTENT_SECURITY_POLICY = {
  defaultSrc: ["'self'"],
  scriptSrc: ["'self'"],
  styleSrc: ["'self'", "'unsafe-inline'"],
  imgSrc: ["'self'", 'data:'],
  connectSrc: ["'self'"],
  objectSrc: ["'none'"],
  baseUri: ["'none'"],
  frameAncestors: ["'none'"],
  formAction: ["'self'"],
};

/**
 * Makes a request's database handle, its statements run for the request's
 * owner. `waitUntil` lets it finish work after the response (the benchmark's
 * WebSocket variant ends its pool there); the default, HTTP, has nothing to finish.
 */
export type DatabaseFactory = (env: Env, options: Required<OpenOptions>) => Database;

export interface AppOptions {
  /** How a request's database handle is made (only the benchmark passes another: dev/bench/ws-worker.ts). */
  database?: DatabaseFactory;
  /** Called with every error answered with a 500, and the request's context: plug Sentry or any reporter in here. */
  reportError?: ReportError;
}

/** Builds the whole API: the Worker entry and the tests use the same app. */
export function createApp({ database: open = openDatabase, reportError }: AppOptions = {}) {
  const app = createRouter();
  const table = routeTable(app); // reads the route table on first use, once every route is in
  app.use('*', requestId());
  app.use('*', requestLog());
  app.use(
    '*',
    secureHeaders({ contentSecurityPolicy: CONTENT_SECURITY_POLICY, crossOriginResourcePolicy: 'cross-origin' }),
  );
  // Every setting is checked before anything uses one: a misconfiguration is a 500 that names it.
  app.use('*', async function checkSettings(c, next) {
    c.set('settings', settingsOf(c.env));
    await next();
  });
  app.use(
    '*',
    cors({
      // CORS_ORIGINS (default `*`, never with credentials), read per request so a changed setting applies.
      origin: (origin, c) => {
        const allowed = c.var.settings.CORS_ORIGINS;
        return allowed.includes('*') ? '*' : allowed.includes(origin) ? origin : null;
      },
      // Only what some route answers (hono's default also offers PUT and QUERY, which every route refuses).
      allowMethods: () => table.methods(),
      allowHeaders: ['Content-Type', 'Authorization', 'Idempotency-Key', 'X-Request-Id', 'If-Match', 'If-None-Match'],
      exposeHeaders: ['Location', 'Retry-After', 'X-Request-Id', 'Idempotent-Replayed', 'ETag'],
      maxAge: 600,
    }),
  );
  app.use('*', async function database(c, next) {
    // Identity runs later (first on each protected route): the owner is read when a statement runs.
    const options = {
      owner: () => c.get('owner'),
      traceparent: () => c.get('traceparent'),
      waitUntil: (promise: Promise<unknown>) => c.executionCtx.waitUntil(promise),
    };
    const openDb = () => open(c.env, options);
    c.set('openDb', openDb);
    c.set('db', openDb());
    await next();
  });
  app.use('*', rateLimit());
  app.use('*', literalPathMethods(table));

  for (const { router } of resources as readonly Resource[]) app.route('/', router);
  mountDocs(app);

  app.notFound((c) => {
    const { status, message, options } = noRouteProblem(table.methodsFor(c.req.path), c.req.method, c.req.path);
    return problemResponse(c, status, message, options);
  });
  app.onError((err, c) => {
    const res = answerError(err, c);
    // A 500 is ours to fix (a 503 is an outage the client is told to wait out; a 4xx, the client's to fix).
    if (res.status === 500) reportTo(reportError, err, c);
    return res;
  });
  return app as unknown as AppType;
}

/** The problem that answers an error thrown anywhere in a request. */
function answerError(err: Error, c: Context<AppEnv>): Response {
  if (err instanceof ProblemError) return problemResponse(c, err.status, err.message, err.options);
  if (err instanceof HTTPException && err.status < 500)
    return problemResponse(c, err.status, err.message || 'The request is invalid.');
  // Unexpected: log what an operator needs, tell the client only the request id.
  logFailure(c, err);
  return problemResponse(
    c,
    500,
    'Something went wrong on our side. Quote the instance (request id) when reporting it.',
  );
}

/** The schema of routes a resource's router carries. */
type RoutesOf<R> = R extends { router: OpenAPIHono<AppEnv, infer Routes, '/'> } ? Routes : never;

/** The app's type for typed clients (`hc<AppType>`): every resource's routes, as if chained with `.route('/', ...)`. */
export type AppType = OpenAPIHono<AppEnv, RoutesOf<(typeof resources)[number]>, '/'>;
