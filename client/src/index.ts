import createFetchClient, {
  type Client,
  type ClientPathsWithMethod,
  type FetchResponse,
  type MaybeOptionalInit,
} from 'openapi-fetch';
import { ApiError } from './api-error.js';
import type { components, paths } from './openapi.js';

export { ApiError, retryAfterSeconds, type Problem } from './api-error.js';
export type { components, operations, paths } from './openapi.js';

type Schemas = components['schemas'];
export type Todo = Schemas['Todo'];
export type NewTodo = Schemas['NewTodo'];
export type TodoPatch = Schemas['TodoPatch'];
export type TodoList = Schemas['TodoList'];
export type Changes = Schemas['Changes'];
export type List = Schemas['List'];
export type NewList = Schemas['NewList'];
export type ListPatch = Schemas['ListPatch'];

export interface ClientOptions {
  /** The API's origin, e.g. `https://todo.example.workers.dev` (a relative one works in a browser). */
  baseUrl: string;
  /** Called before every request: the bearer token to send, or undefined to send none (anonymous). */
  token?: () => string | undefined | Promise<string | undefined>;
  /** Another fetch (tests, a Service Binding's `fetch`); the global one by default. */
  fetch?: (request: Request) => Promise<Response>;
  /** Headers sent with every request. */
  headers?: Record<string, string>;
}

/** A success: the parsed body, the entity tag to send back as `If-Match`/`If-None-Match`, the response. */
export interface Ok<Data> {
  data: Data;
  /** The `ETag` header (one todo's GET, POST and PATCH carry one), else undefined. */
  etag: string | undefined;
  response: Response;
}

type Method = 'get' | 'post' | 'patch' | 'delete';
/** The success branch of openapi-fetch's result: an error is thrown as ApiError instead. */
type Success<R> = R extends { data: infer Data; error?: never } ? Ok<Data> : never;
// openapi-fetch's own rule for the init argument: optional when nothing in it is required.
type InitParam<Init> = keyof Init extends never ? [Init?] : RequiredKeys<Init> extends never ? [Init?] : [Init];
type RequiredKeys<T> = { [K in keyof T]-?: object extends Pick<T, K> ? never : K }[keyof T];
/** The operation at `Path` for `M` (a conditional type, so that it meets FetchResponse's constraint). */
type Operation<Path extends keyof paths, M extends Method> = paths[Path][M] extends infer O extends Record<
  string | number,
  unknown
>
  ? O
  : never;
/**
 * JSON: the media type whose body a success is parsed as (the CSV export is
 * `GET /todos` with `Accept: text/csv` and `parseAs: 'text'`, whose data is then a string).
 */
type Media = 'application/json';
type Call<M extends Method> = <
  Path extends ClientPathsWithMethod<Client<paths>, M>,
  Init extends MaybeOptionalInit<paths[Path], M>,
>(
  path: Path,
  ...init: InitParam<Init>
) => Promise<Success<FetchResponse<Operation<Path, M>, Init, Media>>>;

export interface TodoClient {
  GET: Call<'get'>;
  POST: Call<'post'>;
  PATCH: Call<'patch'>;
  DELETE: Call<'delete'>;
  /** The openapi-fetch client underneath (its results are not unwrapped), for its middleware or anything else. */
  raw: Client<paths>;
}

/**
 * A client for the API: paths, parameters, bodies and results typed from its
 * OpenAPI document. Every method resolves with `{ data, etag, response }` on
 * success and rejects with an {@link ApiError} on any other answer, so a caller
 * never reads a problem body as data.
 */
export function createTodoClient({ baseUrl, token, fetch, headers }: ClientOptions): TodoClient {
  const raw = createFetchClient<paths>({ baseUrl, fetch, headers });
  if (token)
    raw.use({
      async onRequest({ request }) {
        const value = await token();
        if (value) request.headers.set('Authorization', `Bearer ${value}`);
        return request;
      },
    });
  const unwrap = ({ data, error, response }: { data?: unknown; error?: unknown; response: Response }) => {
    if (!response.ok) throw new ApiError(response, error);
    return { data, etag: response.headers.get('ETag') ?? undefined, response };
  };
  type Untyped = (path: string, init?: object) => Promise<{ data?: unknown; error?: unknown; response: Response }>;
  const call = (method: Untyped) => (path: string, init?: object) => method(path, init).then(unwrap);
  const untyped = raw as unknown as Record<'GET' | 'POST' | 'PATCH' | 'DELETE', Untyped>;
  return {
    GET: call(untyped.GET) as Call<'get'>,
    POST: call(untyped.POST) as Call<'post'>,
    PATCH: call(untyped.PATCH) as Call<'patch'>,
    DELETE: call(untyped.DELETE) as Call<'delete'>,
    raw,
  };
}
