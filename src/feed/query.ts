import { z } from '@hono/zod-openapi';

/** The largest page of a change feed, and the page a client gets without `limit`. */
export const CHANGES_MAX_LIMIT = 1000;
export const CHANGES_DEFAULT_LIMIT = 100;

/** What a query parameter sent twice (`?limit=5&limit=6`, which arrives as an array) is told. */
const ONCE = 'must be given once';

/** A change feed's query: `since` (a token of that feed) and `limit`; `everything` says what a first pass gives. */
export const feedQuerySchema = (everything: string) =>
  z.strictObject({
    since: z
      .string({ error: ONCE })
      // Decoded by the handler: whether it is valid depends on who asks.
      .regex(/^[A-Za-z0-9_-]{1,200}$/, 'is not a token this API issued')
      .optional()
      .openapi({
        param: { name: 'since', in: 'query' },
        description: `The \`next\` of the previous answer of this feed. Without it the feed starts from the beginning: paging to \`more: false\` gives ${everything}.`,
      } as never),
    limit: z
      .string({ error: ONCE })
      .regex(/^\d{1,4}$/, `must be an integer from 1 to ${CHANGES_MAX_LIMIT}`)
      .transform(Number)
      .refine((n) => n >= 1 && n <= CHANGES_MAX_LIMIT, `must be an integer from 1 to ${CHANGES_MAX_LIMIT}`)
      .optional()
      .openapi({
        param: { name: 'limit', in: 'query' },
        type: 'integer',
        minimum: 1,
        maximum: CHANGES_MAX_LIMIT,
        default: CHANGES_DEFAULT_LIMIT,
      } as never),
  });
