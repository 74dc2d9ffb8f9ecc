import type { Context } from 'hono';

const MAX_MESSAGE_CHARS = 200;

/**
 * What an operator needs of an unexpected failure and nothing more: the
 * error's name and its first line, cut short, with URLs scrubbed (a driver
 * message may name an endpoint). No SQL text, no parameters, no stack.
 */
export function describeFailure(err: unknown): { error: string; message: string } {
  let error = err instanceof Error ? err : new Error(String(err));
  // Drizzle wraps a driver error in one whose first line is the SQL ("Failed query: select ..."): log the cause instead.
  while (error.message.startsWith('Failed query:') && error.cause instanceof Error) error = error.cause;
  // Cut first, then scrub: the pattern backtracks on a long run of word characters, so it only
  // ever sees 200 characters (80,000 of them took 4.9 s). A URL cut short is still scrubbed.
  const newline = error.message.indexOf('\n');
  const firstLine = error.message.slice(0, Math.min(newline === -1 ? Infinity : newline, MAX_MESSAGE_CHARS));
  return { error: error.name, message: firstLine.replace(/[a-z][\w+.-]*:\/\/[^\s'"]*/gi, '<url>') };
}

/** Logs an unexpected failure of a request, with its request id (and what it was doing, if not the request itself). */
export function logFailure(c: Context, err: unknown, during?: string): void {
  console.error(
    JSON.stringify({ requestId: c.get('requestId'), ...(during ? { during } : {}), ...describeFailure(err) }),
  );
}
