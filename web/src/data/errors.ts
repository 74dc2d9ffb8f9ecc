import { ApiError } from 'edge-todo-client';

/** How long to wait before trying again, in words. */
export const inSeconds = (seconds: number) => (seconds <= 1 ? 'in a moment' : `in ${Math.ceil(seconds)} seconds`);

/** True when the request never got an answer (offline, the server unreachable): fetch's own TypeError. */
export const isNetworkFailure = (err: unknown) => err instanceof TypeError;

/**
 * What went wrong, in words for a person. `doing` names the action ("add the todo"). The API's own
 * detail is used where it speaks to the person (a rule their input broke); statuses that are about the
 * system get a sentence of ours.
 */
export function describeError(err: unknown, doing: string): string {
  if (isNetworkFailure(err)) return `Could not ${doing}: the server cannot be reached. Check your connection.`;
  if (!(err instanceof ApiError)) return `Could not ${doing}: something unexpected went wrong.`;
  const first = err.problem?.errors?.[0];
  const detail = first ? `the ${first.path} ${first.message}.` : err.problem?.detail;
  switch (err.status) {
    case 400:
      return `Could not ${doing}: ${detail ?? 'the server did not accept it.'}`;
    case 401:
      return `Could not ${doing}: you are signed out. Sign in again; what you typed is kept.`;
    case 403:
    case 409:
      return `Could not ${doing}: ${detail ?? 'you have reached a limit.'}`;
    case 404:
      return `Could not ${doing}: it was deleted elsewhere.`;
    case 412:
      return `Could not ${doing}: someone else changed it meanwhile. Their version is shown now.`;
    case 413:
      return `Could not ${doing}: it is too long.`;
    case 429:
      return `Too many changes at once: try again ${inSeconds(err.retryAfter ?? 60)}.`;
    case 503:
      return `Could not ${doing}: the service is busy or briefly down. Try again ${inSeconds(err.retryAfter ?? 5)}.`;
    default:
      return err.status >= 500
        ? `Could not ${doing}: the server had a problem. Try again later.`
        : `Could not ${doing}: ${detail ?? `the server answered ${err.status}.`}`;
  }
}
