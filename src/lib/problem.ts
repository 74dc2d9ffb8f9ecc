import { z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { documentOnly } from './document-only.ts';

/** A problem's `errors` lists at most this many; `moreErrors` counts the rest. */
export const MAX_LISTED_ERRORS = 20;
/** A name or value a problem echoes (a field's path, an unknown key) is cut to this many characters. */
export const MAX_ECHO_CHARS = 100;
/** An error entry's message, echoes included, is cut to this many characters. */
const MAX_MESSAGE_CHARS = 2 * MAX_ECHO_CHARS;
/**
 * No problem body is larger (UTF-8 bytes): its lists lose entries from their
 * end until it fits, so a body of a thousand bad fields cannot make a larger
 * answer than the few first ones.
 */
export const MAX_PROBLEM_BYTES = 16 * 1024;

/** `text` cut to at most `max` characters, `…` marking a cut (and never halving a surrogate pair). */
export function clip(text: string, max = MAX_ECHO_CHARS): string {
  if (text.length <= max) return text;
  let end = max - 1;
  const last = text.charCodeAt(end - 1);
  if (last >= 0xd800 && last <= 0xdbff) end--;
  return `${text.slice(0, end)}…`;
}

/** One invalid field and what is wrong with it. */
export const fieldErrorSchema = documentOnly(() =>
  z.object({
    path: z.string().openapi({ example: 'text' }),
    message: z.string().openapi({ example: 'must not be empty or only whitespace' }),
  }),
);
export type FieldError = z.infer<ReturnType<typeof fieldErrorSchema>>;

/** RFC 9457 problem details: every error this API returns has this shape. */
export const problemSchema = documentOnly(() =>
  z
    .object({
      type: z.string().openapi({ example: 'about:blank' }),
      title: z.string().openapi({ example: 'Bad Request' }),
      status: z.number().int().openapi({ example: 400 }),
      detail: z.string().openapi({ example: 'The request is invalid: see errors.' }),
      instance: z.string().optional().openapi({ description: 'The request id, to quote when reporting a problem.' }),
      errors: z
        .array(fieldErrorSchema())
        .optional()
        .openapi({
          description: `For validation problems: one entry per invalid field, at most ${MAX_LISTED_ERRORS}.`,
        }),
      moreErrors: z
        .number()
        .int()
        .min(1)
        .optional()
        .openapi({ description: 'How many problems were found beyond those `errors` lists.', example: 3 }),
    })
    .openapi('Problem'),
);

export type Problem = z.infer<ReturnType<typeof problemSchema>>;

const TITLES: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  404: 'Not Found',
  405: 'Method Not Allowed',
  406: 'Not Acceptable',
  409: 'Conflict',
  410: 'Gone',
  412: 'Precondition Failed',
  413: 'Content Too Large',
  415: 'Unsupported Media Type',
  422: 'Unprocessable Content',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

export interface ProblemOptions {
  errors?: FieldError[];
  headers?: Record<string, string>;
  /** Extension members of this kind of problem (RFC 9457 §3.2), declared in its own schema. */
  extensions?: Record<string, unknown>;
}

/**
 * Builds an `application/problem+json` response; the one formatter for every
 * error. It bounds every answer: at most MAX_LISTED_ERRORS `errors` (the rest
 * counted in `moreErrors`), each path and message cut short, and the whole
 * body within MAX_PROBLEM_BYTES (see boundedJson).
 */
export function problemResponse(
  c: Context,
  status: number,
  detail: string,
  { errors, headers, extensions }: ProblemOptions = {},
): Response {
  const body: Problem = { type: 'about:blank', title: TITLES[status] ?? 'Error', status, detail, ...extensions };
  const requestId = c.get('requestId');
  if (requestId) body.instance = `urn:request:${requestId}`;
  if (errors) {
    body.errors = errors.slice(0, MAX_LISTED_ERRORS).map(({ path, message }) => ({
      path: clip(path),
      message: clip(message, MAX_MESSAGE_CHARS),
    }));
    if (errors.length > MAX_LISTED_ERRORS) body.moreErrors = errors.length - MAX_LISTED_ERRORS;
  }
  return c.body(boundedJson(body), status as never, { 'content-type': 'application/problem+json', ...headers });
}

const utf8Length = (text: string) => new TextEncoder().encode(text).length;

/**
 * The problem as JSON of at most MAX_PROBLEM_BYTES. Past that, its lists (array
 * members: `errors`, or an extension's own list, whose problem counts its
 * entries apart) lose entries from their end, the last list first; entries cut
 * from `errors` are added to `moreErrors`. Should it still not fit, only the
 * standard members remain, the detail cut short.
 */
export function boundedJson(body: Problem & Record<string, unknown>): string {
  let json = JSON.stringify(body);
  // JSON.stringify escapes lone surrogates, so no UTF-16 unit takes more than 3 bytes.
  if (json.length * 3 <= MAX_PROBLEM_BYTES) return json;
  let over = utf8Length(json) - MAX_PROBLEM_BYTES;
  while (over > 0) {
    const name = Object.keys(body)
      .reverse()
      .find((key) => Array.isArray(body[key]) && (body[key] as unknown[]).length > 0);
    if (name === undefined) {
      const { type, title, status, detail, instance } = body;
      return JSON.stringify({ type, title, status, detail: clip(detail, 1000), instance });
    }
    const list = body[name] as unknown[];
    let removed = 0;
    // The count a cut adds (`"moreErrors":N,`) takes a few bytes of its own: cut a little more.
    for (let freed = 0; freed < over + 32 && list.length > 0; removed++)
      freed += utf8Length(JSON.stringify(list.pop())) + 1;
    if (name === 'errors') body.moreErrors = (body.moreErrors ?? 0) + removed;
    json = JSON.stringify(body);
    over = utf8Length(json) - MAX_PROBLEM_BYTES;
  }
  return json;
}

/** Thrown anywhere below a handler to answer with a problem; the app's error handler formats it. */
export class ProblemError extends Error {
  constructor(
    readonly status: number,
    detail: string,
    readonly options: ProblemOptions = {},
  ) {
    super(detail);
  }
}
