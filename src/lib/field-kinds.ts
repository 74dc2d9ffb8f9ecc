/**
 * Kinds of field that recur (see fields.ts): each makes a whole entry, its
 * column, CHECKs, schemas and CSV reading, from a few parameters, so the
 * rules a client meets in JSON, in CSV and in the database come from one place.
 */
import { z } from '@hono/zod-openapi';
import type { ZodNullable, ZodString } from 'zod';
import { sql, type AnyColumn, type SQL } from 'drizzle-orm';
import { boolean, customType, integer, text, timestamp, type PgColumnBuilderBase } from 'drizzle-orm/pg-core';
import { BOOLEAN_ARRAY, INTEGER_ARRAY, TEXT_ARRAY } from '../db/array-literal.ts';
import { field, type CellRead } from './fields.ts';
import { textProblem } from './text-rules.ts';

/**
 * RFC 3339 in UTC with microseconds, formatted by Postgres whatever the
 * session's TimeZone (we never SET it: PgBouncer would not keep it).
 */
export const rfc3339 = (value: AnyColumn | SQL) =>
  sql<string>`to_char(${value} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;

/** A timestamptz column whose values reach the Worker as Postgres's text (drizzle's `mode: 'string'`). */
export const instant = (name: string) => timestamp(name, { withTimezone: true, mode: 'string' });

/**
 * A text column compared by `collation` whatever the database's default (a
 * fractional-index key needs "C": byte-wise, the order its library assumes).
 */
export const collatedText = (name: string, collation: string) =>
  customType<{ data: string; driverData: string }>({ dataType: () => `text COLLATE "${collation}"` })(name);

const instantSchema = () => z.string().openapi({ format: 'date-time' });

/** A server-set instant (`column`, made with `instant`), written in JSON as RFC 3339 in UTC; `nullable`: or null. */
export const instantField = <Column extends PgColumnBuilderBase, Nullable extends boolean = false>(
  column: Column,
  { nullable }: { nullable?: Nullable } = {},
) =>
  field({
    column,
    json: rfc3339,
    example: '2026-11-25T10:00:00.000000Z',
    schema: (nullable ? () => instantSchema().nullable() : instantSchema) as () => Nullable extends true
      ? ZodNullable<ZodString>
      : ZodString,
  });

const BOOLEAN_WORDS: Record<string, boolean> = {
  true: true,
  false: false,
  1: true,
  0: false,
  yes: true,
  no: false,
  '': false,
};

/** A boolean as written in a CSV cell: true/false, 1/0, yes/no in any case, empty for false. */
export function readBoolean(cell: string): CellRead<boolean> {
  const value = BOOLEAN_WORDS[cell.trim().toLowerCase()];
  return value === undefined ? { problem: 'must be true/false, 1/0, yes/no (any case) or empty' } : { value };
}

/** A client-set boolean, never null: `false`-like words in CSV (and an empty cell) are false. */
export const booleanField = (name: string, { default: fallback, example }: { default: boolean; example: boolean }) =>
  field({
    column: boolean(name).notNull().default(fallback),
    schema: () => z.boolean(),
    example,
    input: {
      schema: () => z.boolean({ error: 'must be a JSON boolean (true or false)' }).openapi({ example }),
      default: fallback,
      fromCell: readBoolean,
      array: BOOLEAN_ARRAY,
    },
  });

interface IntegerOptions {
  min: number;
  max: number;
  default: number;
  example: number;
  description?: string;
}

/** A client-set integer within [min, max], never null; the database holds the same bounds (CHECK `range`). */
export function integerField(name: string, { min, max, default: fallback, example, description }: IntegerOptions) {
  const message = `must be an integer from ${min} to ${max}`;
  const doc = { example, ...(description ? { description } : {}) };
  return field({
    column: integer(name).notNull().default(fallback),
    checks: { range: (column) => sql`${column} between ${sql.raw(String(min))} and ${sql.raw(String(max))}` },
    schema: () => z.number().int().min(min).max(max).openapi(doc),
    example,
    input: {
      schema: () =>
        z
          .number({ error: message })
          .int({ error: message })
          .min(min, { error: message })
          .max(max, { error: message })
          .openapi(doc),
      default: fallback,
      fromCell: (cell: string): CellRead<number> => {
        const text = cell.trim();
        if (text === '') return { value: fallback };
        const value = /^[+-]?\d{1,15}$/.test(text) ? Number(text) : NaN;
        return value >= min && value <= max ? { value } : { problem: message };
      },
      array: INTEGER_ARRAY,
    },
  });
}

/** The whitespace `trim()` removes at the ends, as Postgres's btrim spells it (the CHECK `trimmed`). */
const TRIMMED = (column: AnyColumn) => sql`${column} = btrim(${column}, E' \\t\\n\\r\\f\\x0B')`;

/**
 * A client-set text, never null: trimmed, 1 to `max` characters (code points),
 * no NUL, by the rules of text-rules.ts, in JSON, in CSV (the cell trimmed, the
 * export's formula guard removed by the import's reader) and in the table's CHECKs.
 */
export function textField(name: string, { max, example }: { max: number; example: string }) {
  const schema = () =>
    z
      .string({ error: 'must be a string' })
      .superRefine((value, ctx) => {
        const problem = textProblem(value, max);
        if (problem) ctx.addIssue({ code: 'custom', message: problem });
      })
      .transform((value) => value.trim())
      .openapi({
        minLength: 1,
        maxLength: max,
        description: `Trimmed; 1 to ${max} characters (code points); no NUL.`,
        example,
      });
  return field({
    column: text(name).notNull(),
    // The API's rules, repeated so that no other path (psql, a future job) can store what the API would refuse.
    checks: {
      trimmed: TRIMMED,
      length: (column) => sql`char_length(${column}) BETWEEN 1 AND ${sql.raw(String(max))}`,
    },
    schema: () => z.string(),
    example,
    input: {
      schema,
      fromCell: (cell: string): CellRead<string> => {
        const value = cell.trim();
        const problem = textProblem(value, max);
        return problem ? { problem } : { value };
      },
      array: TEXT_ARRAY,
    },
  });
}

/**
 * A resource's version: 1 at creation, +1 on every UPDATE (the trigger of
 * migration 0009, whatever the statement says): the ETag and If-Match compare
 * it (README: "Versions and conditional requests").
 */
export const versionField = () =>
  field({
    column: integer('version').notNull().default(1),
    checks: { positive: (column) => sql`${column} >= 1` },
    schema: () =>
      z.number().int().min(1).openapi({
        description: '1 at creation, +1 on every PATCH; the ETag is made of the id and this.',
      }),
    example: 1,
  });
