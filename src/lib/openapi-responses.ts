import { lazySchema } from './document-only.ts';
import { problemSchema } from './problem.ts';

/** What each problem status means, in words that fit any resource; a resource may say its own (e.g. its 404). */
const DESCRIPTIONS: Record<number, string> = {
  400: 'The request is invalid (validation problem with `errors`).',
  401: 'Missing or invalid credentials; see WWW-Authenticate.',
  404: 'Nothing with this id.',
  406: 'None of the media types in Accept can be served.',
  409: 'The request conflicts with existing data.',
  410: 'What the request refers to is gone for good.',
  412: 'The If-Match precondition failed: the resource has changed; nothing was changed.',
  413: 'The body is larger than allowed.',
  415: 'The body is not in the media type this operation takes (see Accept-Post).',
  422: 'The Idempotency-Key was already used with a different request body.',
  429: 'Too many requests from this client or account; see Retry-After.',
  500: 'Unexpected failure or a misconfigured server; quote the `instance` (request id) when reporting it.',
  503: "The database, or the identity provider's keys, cannot be reached or cannot serve right now; see Retry-After.",
};

type ProblemResponse = {
  description: string;
  content: { 'application/problem+json': { readonly schema: ReturnType<typeof problemSchema> } };
};

/** Problem responses for the OpenAPI document, one entry per status, from one table; `wording` overrides a description. */
export function problemResponses<Status extends number>(
  statuses: Status[],
  wording: Partial<Record<number, string>> = {},
) {
  return Object.fromEntries(
    statuses.map((status) => [
      status,
      {
        description: wording[status] ?? DESCRIPTIONS[status] ?? 'Problem',
        content: { 'application/problem+json': lazySchema(problemSchema) },
      },
    ]),
  ) as Record<Status, ProblemResponse>;
}
