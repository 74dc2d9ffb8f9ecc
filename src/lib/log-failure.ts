import type { Context } from 'hono';

const MAX_MESSAGE_CHARS = 200;

/**
 * Logs an unexpected failure with what an operator needs and nothing more:
 * the request id, the error's name and its first line with URLs scrubbed (a
 * driver message may name an endpoint). No SQL text, no parameters.
 */
export function logFailure(c: Context, err: unknown, during?: string): void {
  const error = err instanceof Error ? err : new Error(String(err));
  // Cut first, then scrub: the pattern backtracks on a long run of word characters, so it only
  // ever sees 200 characters (80,000 of them took 4.9 s). A URL cut short is still scrubbed.
  const newline = error.message.indexOf('\n');
  const firstLine = error.message.slice(0, Math.min(newline === -1 ? Infinity : newline, MAX_MESSAGE_CHARS));
  const message = firstLine.replace(/[a-z][\w+.-]*:\/\/[^\s'"]*/gi, '<url>');
  console.error(JSON.stringify({ requestId: c.get('requestId'), ...(during ? { during } : {}), error: error.name, message }));
}
