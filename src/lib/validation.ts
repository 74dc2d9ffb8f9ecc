import type { Context } from 'hono';
import type { z } from '@hono/zod-openapi';
import { clip, problemResponse, type FieldError } from './problem.ts';

const WHERE: Record<string, string> = { json: 'body', query: 'query string', param: 'path', header: 'headers' };

/**
 * Turns a zod failure into `{path, message}` entries a client can act on.
 * Unknown keys get one entry each, named, so a client sending `is_done` learns
 * that the field did nothing (problemResponse lists the first few and counts the rest).
 */
export function validationErrors(error: z.ZodError): FieldError[] {
  return error.issues.flatMap((issue) => {
    const at = issue.path.map(String).join('.');
    if (issue.code === 'unrecognized_keys') return issue.keys.map((key) => unknownField(key, at));
    return [{ path: at || '(root)', message: issue.message }];
  });
}

/** The entry for a field (or query parameter) the request may not send; the name echoed in the message is cut short. */
export function unknownField(key: string, at = ''): FieldError {
  return { path: at ? `${at}.${key}` : key, message: `unknown field "${clip(key)}"` };
}

/** A 400 problem listing each invalid field of one part of the request (`json`, `query`, `param`, `header`). */
export function invalidRequest(c: Context, target: string | undefined, errors: FieldError[]) {
  const where = WHERE[target ?? ''] ?? 'request';
  return problemResponse(c, 400, `The ${where} is invalid: see errors.`, { errors });
}

/** The validation hook every router shares: a 400 problem listing each invalid field. */
export function validationHook(result: { success: boolean; error?: z.ZodError; target?: string }, c: Context) {
  if (result.success || !result.error) return undefined;
  return invalidRequest(c, result.target, validationErrors(result.error));
}
