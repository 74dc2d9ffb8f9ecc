import type { components } from './openapi.js';

/** An RFC 9457 problem, as every error of the API is answered (`application/problem+json`). */
export type Problem = components['schemas']['Problem'];

/**
 * Any answer that is not a success (304 Not Modified included: the caller's
 * copy is current), with what the API said: its status, the problem body, and
 * how long to wait before trying again when it said so (429, 503).
 */
export class ApiError extends Error {
  override readonly name = 'ApiError';
  /** The HTTP status. */
  readonly status: number;
  /** The problem body; undefined when the answer carried none (a 304, or a proxy's own error page). */
  readonly problem: Problem | undefined;
  /** Seconds to wait before repeating the request, from `Retry-After` (seconds or an HTTP date). */
  readonly retryAfter: number | undefined;
  /** The response itself, for any other header. */
  readonly response: Response;

  constructor(response: Response, body: unknown) {
    const problem = isProblem(body) ? body : undefined;
    super(problem ? `${response.status} ${problem.title}: ${problem.detail}` : `HTTP ${response.status}`);
    this.status = response.status;
    this.problem = problem;
    this.retryAfter = retryAfterSeconds(response.headers.get('Retry-After'));
    this.response = response;
  }
}

function isProblem(body: unknown): body is Problem {
  if (typeof body !== 'object' || body === null) return false;
  const { title, status, detail } = body as Record<string, unknown>;
  return typeof title === 'string' && typeof status === 'number' && typeof detail === 'string';
}

/** `Retry-After` in seconds from now (RFC 9110: delay-seconds or an HTTP date); undefined when absent or unreadable. */
export function retryAfterSeconds(header: string | null, now = Date.now()): number | undefined {
  if (header === null) return undefined;
  const value = header.trim();
  if (/^\d+$/.test(value)) return Number(value);
  // Every HTTP date form starts with the day's name: anything else (`-5`, which Date.parse reads as a year) is unreadable.
  if (!/^[A-Za-z]/.test(value)) return undefined;
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, Math.ceil((at - now) / 1000));
}
