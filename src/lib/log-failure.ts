import type { Context } from 'hono';

/**
 * Logs an unexpected failure with what an operator needs and nothing more:
 * the request id, the error's name and its first line with URLs scrubbed (a
 * driver message may name an endpoint). No SQL text, no parameters.
 */
export function logFailure(c: Context, err: unknown, during?: string): void {
  const error = err instanceof Error ? err : new Error(String(err));
  const message = (error.message.split('\n')[0] ?? '').replace(/[a-z][\w+.-]*:\/\/[^\s'"]*/gi, '<url>').slice(0, 200);
  console.error(JSON.stringify({ requestId: c.get('requestId'), ...(during ? { during } : {}), error: error.name, message }));
}
