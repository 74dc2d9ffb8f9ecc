import { z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { documentOnly } from './document-only.ts';

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
        .openapi({ description: 'For validation problems: one entry per invalid field.' }),
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

/** Builds an `application/problem+json` response; the one formatter for every error. */
export function problemResponse(
  c: Context,
  status: number,
  detail: string,
  { errors, headers, extensions }: ProblemOptions = {},
): Response {
  const body: Problem = { type: 'about:blank', title: TITLES[status] ?? 'Error', status, detail, ...extensions };
  const requestId = c.get('requestId');
  if (requestId) body.instance = `urn:request:${requestId}`;
  if (errors) body.errors = errors;
  return c.body(JSON.stringify(body), status as never, { 'content-type': 'application/problem+json', ...headers });
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
