/**
 * Query parameters that several listings share, each with the same rules and
 * words wherever it appears.
 */
import { z } from '@hono/zod-openapi';

/** What a query parameter sent twice (`?limit=5&limit=6`, which arrives as an array) is told. */
export const ONCE = 'must be given once';

/** `?limit=`: a page's size, 1 to `max`; `fallback` is the page a client gets without it. */
export const limitParam = (max: number, fallback: number) => {
  const message = `must be an integer from 1 to ${max}`;
  return z
    .string({ error: ONCE })
    .regex(new RegExp(`^\\d{1,${String(max).length}}$`), message)
    .transform(Number)
    .refine((n) => n >= 1 && n <= max, message)
    .optional()
    .openapi({
      param: { name: 'limit', in: 'query' },
      type: 'integer',
      minimum: 1,
      maximum: max,
      default: fallback,
    } as never);
};

/** `?cursor=`: decoded here, once, so the handler gets the cursor itself; one `decode` does not know is a 400. */
export const cursorParam = <Cursor>(decode: (value: string) => Cursor | undefined, description: string) =>
  z
    .string({ error: ONCE })
    .transform((value, ctx) => {
      const cursor = decode(value);
      if (!cursor) ctx.addIssue({ code: 'custom', message: 'is not a cursor this API issued' });
      return cursor ?? z.NEVER;
    })
    .optional()
    .openapi({ param: { name: 'cursor', in: 'query' }, description } as never);
