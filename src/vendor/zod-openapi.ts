/**
 * The Worker's build of @hono/zod-openapi 1.6 (wrangler.jsonc aliases the
 * package to this file; the workers tests do too): its routing and request
 * validation, without the OpenAPI registry and generator.
 *
 * The committed openapi.json is served as a static asset (src/docs); a node test
 * and `npm run openapi` generate it with the real library from the same route
 * declarations, so the Worker never generates a document. The library would
 * still load @asteasolutions/zod-to-openapi (~30 KiB minified), register every
 * route in it, and have each `.openapi(...)` call build a copy of its schema
 * (a zod constructor run per call) at start-up, all for a document it never
 * writes. Here `.openapi(...)` returns the schema itself: the metadata only
 * ever mattered to the document.
 *
 * `openapi(route, handler)` wires the same validators in the same order as the
 * library's (see node_modules/@hono/zod-openapi/dist/index.mjs); keep the two
 * in step with the pinned version. It makes them on the route's first request,
 * not as the route is declared: a route's request schemas are built then
 * (src/lib/request-parts.ts), so a cold start builds only its own route's. One difference, which no response shows: a
 * header schema whose every field is an optional, unchecked string is not run
 * (headers always arrive as strings, so it cannot fail, and handlers read
 * headers with `c.req.header()`); that saves copying every request header per
 * request.
 */
import { zValidator } from '@hono/zod-validator';
import { Hono, type Context, type MiddlewareHandler } from 'hono';
import { HTTPException } from 'hono/http-exception';
import * as z from './zod-worker.ts';

type Hook = (result: { success: boolean; error?: unknown; target?: string }, c: Context) => unknown;
type Schema = z.ZodType;
interface Route {
  method: string;
  path: string;
  middleware?: MiddlewareHandler | MiddlewareHandler[];
  hide?: boolean;
  request?: {
    query?: Schema;
    params?: Schema;
    headers?: Schema;
    cookies?: Schema;
    body?: { required?: boolean; content?: Record<string, { schema?: unknown } | undefined> };
  };
}

// Documentation metadata only: the committed document carries it (see above).
(z.ZodType.prototype as unknown as { openapi: () => unknown }).openapi = function openapi(this: unknown) {
  return this;
};

export { z };

/** As the library's: the config, plus the Hono path it routes on (not enumerable). */
export const createRoute = <R extends Route>(config: R) =>
  Object.defineProperty({ ...config, getRoutingPath: () => honoPath(config.path) }, 'getRoutingPath', {
    enumerable: false,
  });

const honoPath = (path: string) => path.replaceAll(/\/{(.+?)}/g, '/:$1');

/** Each router's parent, once mounted with `route()`: a router without a hook of its own uses its parent's. */
const parents = new WeakMap<OpenAPIHono, OpenAPIHono>();

export class OpenAPIHono extends Hono {
  defaultHook?: Hook;

  constructor(init?: ConstructorParameters<typeof Hono>[0] & { defaultHook?: Hook }) {
    super(init);
    this.defaultHook = init?.defaultHook;
  }

  /** Like the library's: this router's hook, or the nearest parent's. */
  #resolveDefaultHook(): Hook | undefined {
    const seen = new Set<OpenAPIHono>([this]);
    if (this.defaultHook) return this.defaultHook;
    for (let app = parents.get(this); app && !seen.has(app); app = parents.get(app)) {
      if (app.defaultHook) return app.defaultHook;
      seen.add(app);
    }
    return undefined;
  }

  openapi = ({ middleware, request, ...route }: Route, handler: MiddlewareHandler, hook?: Hook) => {
    const effectiveHook: Hook = hook ?? ((result, c) => this.#resolveDefaultHook()?.(result, c));
    const routeMiddleware = middleware === undefined ? [] : Array.isArray(middleware) ? middleware : [middleware];
    // Built on the route's first request: its schemas may be getters that build them then (src/lib/request-parts.ts).
    let validators: MiddlewareHandler[] | undefined;
    const validate: MiddlewareHandler = function validate(c, next) {
      validators ??= validatorsOf(request!, effectiveHook);
      return inTurn(validators, c, next);
    };
    this.on([route.method], [honoPath(route.path)], ...routeMiddleware, ...(request ? [validate] : []), handler);
    return this;
  };
}

/** The library's validators of a route's request, in its order. */
function validatorsOf(request: NonNullable<Route['request']>, hook: Hook): MiddlewareHandler[] {
  const validate = (target: 'query' | 'param' | 'header' | 'cookie' | 'json', schema: Schema) =>
    zValidator(target, schema as never, hook as never) as unknown as MiddlewareHandler;
  const validators: MiddlewareHandler[] = [];
  if (request.query) validators.push(validate('query', request.query));
  if (request.params) validators.push(validate('param', request.params));
  if (request.headers && !cannotFail(request.headers)) validators.push(validate('header', request.headers));
  if (request.cookies) validators.push(validate('cookie', request.cookies));
  const body = request.body;
  const content = body?.content;
  if (content) {
    const declared = Object.keys(content);
    const zodJson = declared.filter((type) => isZod(content[type]?.schema) && isJson(type));
    if (declared.some((type) => isZod(content[type]?.schema) && isForm(type)))
      throw new Error('form bodies are not wired in the Worker build of @hono/zod-openapi');
    if (zodJson.length > 0) validators.push(mediaTypeGate(declared));
    for (const type of zodJson) {
      const validator = validate('json', content[type]!.schema as Schema);
      validators.push(body.required ? validator : optionalJson(validator));
    }
  }
  return validators;
}

/**
 * Runs middleware in turn, then `next`, as hono's compose runs a route's chain: a Response one of them returns
 * (a validation hook's) becomes the answer, even when the middleware before it only awaited its `next`.
 */
function inTurn(chain: MiddlewareHandler[], ...[c, next]: Parameters<MiddlewareHandler>): Promise<void> {
  const run = async (i: number): Promise<void> => {
    if (i === chain.length) return next();
    const res = await chain[i]!(c, () => run(i + 1));
    if (res instanceof Response && !c.finalized) c.res = res;
  };
  return run(0);
}

// As the library's route(): a mounted router learns its parent. (Assigned on the prototype: Hono's generic
// signature cannot be restated by an override.)
const prototype = OpenAPIHono.prototype as unknown as {
  route: (this: OpenAPIHono, path: string, app: Hono) => unknown;
};
const mount = prototype.route;
prototype.route = function route(this: OpenAPIHono, path: string, app: Hono) {
  mount.call(this, path, app);
  if (app instanceof OpenAPIHono && !parents.has(app)) parents.set(app, this);
  return this;
};

const isZod = (value: unknown): value is Schema =>
  typeof value === 'object' && value !== null && typeof (value as Schema).safeParseAsync === 'function';
const isJson = (type: string) => /^application\/([a-z-.]+\+)?json/i.test(type);
const isForm = (type: string) => /^(multipart\/form-data|application\/x-www-form-urlencoded)/i.test(type);
const JSON_REQUEST = /^application\/([a-z-.]+\+)?json(;\s*[a-zA-Z0-9-]+=([^;]+))*$/i;

/** Whether a header schema is an object of optional strings without checks: every request passes it. */
function cannotFail(schema: Schema): boolean {
  const def = schema._zod.def as { type: string; shape?: Record<string, Schema>; catchall?: unknown };
  if (def.type !== 'object' || !def.shape || def.catchall) return false;
  return Object.values(def.shape).every((field) => {
    const outer = field._zod.def as { type: string; innerType?: Schema; checks?: unknown[] };
    const inner = outer.innerType?._zod.def as { type: string; checks?: unknown[] } | undefined;
    return outer.type === 'optional' && !outer.checks?.length && inner?.type === 'string' && !inner.checks?.length;
  });
}

/** The library's 415 for a body declared in none of the route's media types (JSON here; other types by essence). */
function mediaTypeGate(declared: string[]): MiddlewareHandler {
  const matches = (contentType: string, type: string) =>
    type === '*/*' ||
    (isJson(type)
      ? JSON_REQUEST.test(contentType)
      : type.endsWith('/*')
        ? essence(contentType).startsWith(type.slice(0, -1).toLowerCase())
        : essence(contentType) === type.toLowerCase());
  return async function mediaTypeGate(c, next) {
    const contentType = c.req.header('content-type');
    if (contentType ? !declared.some((type) => matches(contentType, type)) : await hasBody(c))
      throw new HTTPException(415, { message: 'Unsupported Media Type' });
    await next();
  };
}

const essence = (contentType: string) => contentType.split(';')[0]!.trim().toLowerCase();

async function hasBody(c: Context): Promise<boolean> {
  const request = c.req.raw;
  if (request.body === null) return false;
  if (request.bodyUsed) return (await c.req.arrayBuffer()).byteLength > 0;
  const reader = request.clone().body!.getReader();
  try {
    for (;;) {
      const { done, value } = (await reader.read()) as ReadableStreamReadResult<Uint8Array>;
      if (done) return false;
      if (value.byteLength > 0) return true;
    }
  } finally {
    reader.cancel().catch(() => undefined);
  }
}

/** A JSON body the route does not require: validated when sent as JSON, `{}` otherwise. */
const optionalJson = (validator: MiddlewareHandler): MiddlewareHandler =>
  async function optionalJson(c, next) {
    const contentType = c.req.header('content-type');
    if (contentType && isJson(contentType)) return validator(c, next);
    c.req.addValidatedData('json', {});
    await next();
  };
