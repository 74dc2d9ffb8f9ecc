import { ProblemSchema } from './problem.ts';

const DESCRIPTIONS: Record<number, string> = {
  400: 'The request is invalid (validation problem with `errors`).',
  401: 'Missing or invalid bearer token (only when the server has API_TOKENS set).',
  404: 'No todo with this id.',
  406: 'None of the media types in Accept can be served.',
  409: 'The request conflicts with existing data.',
  413: 'The body is larger than allowed.',
  415: 'The body is not in the media type this operation takes (see Accept-Post).',
  422: 'The Idempotency-Key was already used with a different request body.',
  429: 'Too many requests from this client; see Retry-After.',
  500: 'Unexpected failure; quote the `instance` (request id) when reporting it.',
  503: 'The database is unreachable or too slow; see Retry-After.',
};

/** Problem responses for the OpenAPI document, one entry per status, from one table. */
export function problemResponses<Status extends number>(...statuses: Status[]) {
  return Object.fromEntries(
    statuses.map((status) => [
      status,
      { description: DESCRIPTIONS[status] ?? 'Problem', content: { 'application/problem+json': { schema: ProblemSchema } } },
    ]),
  ) as Record<Status, { description: string; content: { 'application/problem+json': { schema: typeof ProblemSchema } } }>;
}
