import { z } from '@hono/zod-openapi';
import { limitParam, ONCE } from '../lib/query-params.ts';

/** The largest page of a change feed, and the page a client gets without `limit`. */
export const CHANGES_MAX_LIMIT = 1000;
export const CHANGES_DEFAULT_LIMIT = 100;

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
    limit: limitParam(CHANGES_MAX_LIMIT, CHANGES_DEFAULT_LIMIT),
  });
