import { HTTPException } from 'hono/http-exception';
import { cors } from 'hono/cors';
import { requestId } from 'hono/request-id';
import { secureHeaders } from 'hono/secure-headers';
import type { MiddlewareHandler } from 'hono';
import { openDatabase, type Database } from './db/client.ts';
import { mountDocs } from './docs/index.ts';
import { listSetting, type AppEnv, type Env } from './env.ts';
import { healthRouter } from './health/index.ts';
import { createRouter } from './lib/create-router.ts';
import { logFailure } from './lib/log-failure.ts';
import { ProblemError, problemResponse } from './lib/problem.ts';
import { bearerAuth } from './middleware/auth/index.ts';
import { allowedMethods, noRouteProblem, onlyItsOwnMethods } from './middleware/method-not-allowed.ts';
import { rateLimit } from './middleware/rate-limit/index.ts';
import { requestLog } from './middleware/request-log/index.ts';
import { todosRouter } from './todos/index.ts';

declare module 'hono' {
  interface ContextVariableMap {
    db: Database;
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

/** CORS from CORS_ORIGINS (default `*`, never with credentials); rebuilt only when the setting changes. */
function corsFromEnv(): MiddlewareHandler<AppEnv> {
  let cached: { setting: string | undefined; handler: MiddlewareHandler } | undefined;
  return function corsFromEnv(c, next) {
    if (!cached || cached.setting !== c.env.CORS_ORIGINS) {
      const origins = listSetting(c.env.CORS_ORIGINS);
      cached = {
        setting: c.env.CORS_ORIGINS,
        handler: cors({
          origin: origins.length === 0 || origins.includes('*') ? '*' : origins,
          // Only what some route answers (hono's default also offers PUT and QUERY, which every route refuses).
          allowMethods: ['GET', 'HEAD', 'POST', 'PATCH', 'DELETE'],
          allowHeaders: ['Content-Type', 'Authorization', 'Idempotency-Key', 'X-Request-Id'],
          exposeHeaders: ['Location', 'Retry-After', 'X-Request-Id', 'Idempotent-Replayed'],
          maxAge: 600,
        }),
      };
    }
    return cached.handler(c, next);
  };
}

/**
 * Makes a request's database handle. `waitUntil` lets it finish work after the
 * response (the benchmark's WebSocket variant ends its pool there); the default,
 * HTTP, has nothing to finish.
 */
export type DatabaseFactory = (env: Env, waitUntil: (promise: Promise<unknown>) => void) => Database;

/**
 * Builds the whole API: the Worker entry and the tests use the same app. Only
 * the benchmark passes another database factory (dev/bench/ws-worker.ts).
 */
export function createApp({ database: open = openDatabase }: { database?: DatabaseFactory } = {}) {
  const app = createRouter();
  app.use('*', requestId({ headerName: 'X-Request-Id', limitLength: 200 }));
  app.use('*', requestLog());
  app.use('*', secureHeaders({ contentSecurityPolicy: CONTENT_SECURITY_POLICY, crossOriginResourcePolicy: 'cross-origin' }));
  app.use('*', corsFromEnv());
  app.use('*', async function database(c, next) {
    c.set('db', open(c.env, (promise) => c.executionCtx.waitUntil(promise)));
    await next();
  });
  app.use('*', rateLimit());
  app.use('/todos', bearerAuth());
  app.use('/todos/*', bearerAuth());
  const methodsFor = allowedMethods(app); // reads the route table on first use, once every route is in
  app.use('/todos/import', onlyItsOwnMethods(methodsFor));

  const routes = app.route('/', todosRouter).route('/', healthRouter);
  app.openAPIRegistry.registerComponent('securitySchemes', 'bearerAuth', {
    type: 'http', scheme: 'bearer',
    description: 'Required on /todos routes when the server sets API_TOKENS; otherwise ignored.',
  });
  mountDocs(app, {
    openapi: '3.1.0',
    info: {
      title: 'Todo API', version: '1.0.0', license: { name: 'MIT' },
      description: 'Todos at the edge: Cloudflare Workers + Neon Postgres. Errors are RFC 9457 problem details.',
    },
    tags: [{ name: 'todos', description: 'Create, list, read, change and delete todos.' }, { name: 'health', description: 'Liveness and database reachability.' }],
  });

  app.notFound((c) => {
    const { status, message, options } = noRouteProblem(methodsFor(c.req.path), c.req.method, c.req.path);
    return problemResponse(c, status, message, options);
  });
  app.onError((err, c) => {
    if (err instanceof ProblemError) return problemResponse(c, err.status, err.message, err.options);
    if (err instanceof HTTPException && err.status < 500) return problemResponse(c, err.status, err.message || 'The request is invalid.');
    // Unexpected: log what an operator needs, tell the client only the request id.
    logFailure(c, err);
    return problemResponse(c, 500, 'Something went wrong on our side. Quote the instance (request id) when reporting it.');
  });
  return routes;
}

export type AppType = ReturnType<typeof createApp>;
