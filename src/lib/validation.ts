import type { Context } from 'hono';
import type { z } from '@hono/zod-openapi';
import { problemResponse } from './problem.ts';

const WHERE: Record<string, string> = { json: 'body', query: 'query string', param: 'path', header: 'headers' };

/**
 * Turns a zod failure into `{path, message}` entries a client can act on.
 * Unknown keys get one entry each, named, so a client sending `is_done` learns
 * that the field did nothing.
 */
export function validationErrors(error: z.ZodError): { path: string; message: string }[] {
  return error.issues.flatMap((issue) => {
    const at = issue.path.map(String).join('.');
    if (issue.code === 'unrecognized_keys') {
      return issue.keys.map((key) => ({ path: at ? `${at}.${key}` : key, message: `unknown field "${key}"` }));
    }
    return [{ path: at || '(root)', message: issue.message }];
  });
}

/** The validation hook every router shares: a 400 problem listing each invalid field. */
export function validationHook(result: { success: boolean; error?: z.ZodError; target?: string }, c: Context) {
  if (result.success || !result.error) return undefined;
  const where = WHERE[result.target ?? ''] ?? 'request';
  return problemResponse(c, 400, `The ${where} is invalid: see errors.`, { errors: validationErrors(result.error) });
}
