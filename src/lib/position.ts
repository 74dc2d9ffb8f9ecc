import { z } from '@hono/zod-openapi';
import { customType } from 'drizzle-orm/pg-core';
import { TEXT_ARRAY } from '../db/array-literal.ts';
import { field, type CellRead } from './fields.ts';

/**
 * A manual-order key, in the format of the `fractional-indexing` package
 * (base 62): compared byte-wise within its sibling group, ties broken by id.
 * The database holds the whole rule (the app_position domain, migration 0012);
 * this is its shape, so most bad keys get their 400 before a round trip.
 */
export const POSITION_MAX_LENGTH = 128;
const SHAPE = /^[A-Za-z][0-9A-Za-z]*$/;

export const positionProblem = (value: string): string | undefined =>
  value.length <= POSITION_MAX_LENGTH && SHAPE.test(value)
    ? undefined
    : `must be a fractional-indexing key (base 62, at most ${POSITION_MAX_LENGTH} characters)`;

const readPosition = (value: string): CellRead<string> => {
  const problem = positionProblem(value);
  return problem ? { problem } : { value };
};

/** The column: byte-wise ("C") order and the library's rules, by the domain of migration 0012. */
const positionColumn = customType<{ data: string; driverData: string }>({ dataType: () => 'app_position' });

/**
 * A resource's manual order (`what` says within what): a client may set the
 * key itself, or leave it out and let the database place the item.
 */
export const positionField = (what: string) =>
  field({
    column: positionColumn('position').notNull(),
    schema: () =>
      z.string().openapi({
        maxLength: POSITION_MAX_LENGTH,
        description: `${what}: a \`fractional-indexing\` key, compared byte-wise, ties broken by id.`,
      }),
    example: 'a0',
    input: {
      schema: () =>
        z
          .string({ error: 'must be a string' })
          .superRefine((value, ctx) => {
            const problem = positionProblem(value);
            if (problem) ctx.addIssue({ code: 'custom', message: problem });
          })
          .openapi({
            maxLength: POSITION_MAX_LENGTH,
            description: `${what}: a key the client computed between its neighbours (e.g. with \`fractional-indexing\`); absent, the server places it.`,
          }),
      optional: true as const,
      fromCell: readPosition,
      array: TEXT_ARRAY,
    },
  });
