/**
 * A resource's fields, declared once. Each entry says how the field is stored
 * (its Drizzle column and CHECKs), how Postgres writes it in the resource's
 * JSON, its schema in answers, and, when a client may write it, its schema in
 * requests and how the CSV import reads it. Everything else is derived here:
 * the table's columns and CHECKs, the zod schemas (response, create, patch),
 * the CSV columns, the import's accepted columns and the SQL that writes a row
 * as JSON, the one way a row becomes JSON.
 *
 * What is derived is built once per isolate, and the response schemas only
 * for the document: a declaration costs a new isolate its column builders, its
 * request schemas (which the routes need anyway) and a few SQL fragments.
 */
import { z } from '@hono/zod-openapi';
import { check, type PgColumnBuilderBase } from 'drizzle-orm/pg-core';
import { sql, type AnyColumn, type SQL } from 'drizzle-orm';
import type { ArrayKind } from '../db/array-literal.ts';

/** A CSV cell read as a field's value, or what is wrong with it. */
export type CellRead<Value> = { value: Value } | { problem: string };

/** How a client writes a field (absent: the server sets it, like an id, a version or a timestamp). */
export interface FieldInput<Value = unknown> {
  /** Validates what a create or a patch sends; its output is what is stored. Built with the request schemas, on first use. */
  schema: () => z.ZodType<Value>;
  /** What a create stores when the field is absent (null for a nullable one); without it, a create must give it. */
  default?: Value;
  /** A create may give it, a patch may not. */
  createOnly?: boolean;
  /** A create may leave it out: the column's default (which may depend on the row, or the caller) is stored. */
  optional?: true;
  /** An import's CSV cell as the value, or why it is not one: the rules of `schema`. */
  fromCell(cell: string): CellRead<Value>;
  /** The element type an import sends this field's values in, all rows in one parameter. */
  array: ArrayKind<Value>;
}

export interface Field<Column extends PgColumnBuilderBase = PgColumnBuilderBase> {
  /** The column, with its type, nullability, default, collation, key or reference. */
  column: Column;
  /** CHECK constraints on the column, by name suffix (`<table>_<column>_<suffix>`). */
  checks?: Record<string, (column: AnyColumn) => SQL>;
  /** How Postgres writes the stored value in JSON (default: as it is). */
  json?: (stored: SQL | AnyColumn) => SQL;
  /** The field in answers; built only for the OpenAPI document. */
  schema: () => z.ZodType;
  /** A value, for the document's examples (the JSON's and the CSV's). */
  example: unknown;
  input?: FieldInput<unknown>;
  /** The field in a CSV export's cell (default: the JSON value as text, null as an empty cell). */
  toCell?(value: unknown): string;
}

export type Fields = Record<string, Field>;

/** A resource's JSON, as its declaration says. */
export type JsonOf<F extends Fields> = { [K in keyof F]: z.output<ReturnType<F[K]['schema']>> };

type Writable<F extends Fields> = { [K in keyof F]: F[K]['input'] extends FieldInput ? K : never }[keyof F];
type InputValue<Input> = Input extends FieldInput<infer Value> ? Value : never;
type Defaulted<F extends Fields> = {
  [K in Writable<F>]: F[K]['input'] extends { optional: true } | { default: unknown } ? K : never;
}[Writable<F>];
/**
 * The fields a create stores: those with a default (the schema's, or for an
 * optional one, its column's) may be absent, as in a body the schema has not read.
 */
export type CreateOf<F extends Fields> = { [K in Exclude<Writable<F>, Defaulted<F>>]: InputValue<F[K]['input']> } & {
  [K in Defaulted<F>]?: InputValue<F[K]['input']>;
};
type CreateOnly<F extends Fields> = { [K in keyof F]: F[K]['input'] extends { createOnly: true } ? K : never }[keyof F];
/** The fields a patch may change, each optional. */
export type PatchOf<F extends Fields> = Partial<Omit<CreateOf<F>, CreateOnly<F>>>;

/** Keeps an entry's own types (its column's, its schemas'), so what is derived from it is typed field by field. */
export const field = <Entry extends Field>(entry: Entry): Entry => entry;

const entries = <F extends Fields>(fields: F) => Object.entries(fields) as [keyof F & string, Field][];

/** The table's columns, keyed as the JSON names the fields. */
export const columnsOf = <F extends Fields>(fields: F): { [K in keyof F]: F[K]['column'] } =>
  Object.fromEntries(entries(fields).map(([name, f]) => [name, f.column])) as { [K in keyof F]: F[K]['column'] };

/** The CHECK constraints of every field, for the table's extra configuration. */
export const checksOf = <F extends Fields>(table: string, fields: F, columns: Record<keyof F, AnyColumn>) =>
  entries(fields).flatMap(([name, f]) =>
    Object.entries(f.checks ?? {}).map(([suffix, condition]) =>
      check(`${table}_${columns[name].name}_${suffix}`, condition(columns[name])),
    ),
  );

/**
 * A row as JSON text in the resource's shape: `stored(name)` says where each
 * field's stored value is (a table's column, or a subquery's column).
 * `leading`: constant text members written first (a change feed's `kind`).
 */
export function jsonOf(
  fields: Fields,
  stored: (name: string) => SQL | AnyColumn,
  leading: Record<string, string> = {},
): SQL<string> {
  const constants = Object.entries(leading).map(([name, value]) => sql`${textLiteral(name)}, ${textLiteral(value)}`);
  const pairs = entries(fields).map(([name, f]) => {
    const value = stored(name);
    return sql`${sql.raw(`'${name}'`)}, ${f.json ? f.json(value) : value}`;
  });
  return sql<string>`json_build_object(${sql.join([...constants, ...pairs], sql`, `)})::text`;
}

/** A constant of ours (a name, a kind) as an SQL text literal. */
export const textLiteral = (value: string) => sql.raw(`'${value.replaceAll("'", "''")}'::text`);

/** The answers' schema, named `name` in the document. */
export const responseSchema = <F extends Fields>(fields: F, name: string) =>
  z
    .object(Object.fromEntries(entries(fields).map(([key, f]) => [key, f.schema().openapi({ example: f.example })])))
    .openapi(name) as unknown as z.ZodType<JsonOf<F>>;

const writable = <F extends Fields>(fields: F, patch: boolean) =>
  entries(fields).flatMap(([name, f]) =>
    f.input && !(patch && f.input.createOnly) ? [[name, f.input, f] as const] : [],
  );

/**
 * A create's body: every writable field, required unless it has a default,
 * and the optional `extra` ones (an id the client may choose). The document's
 * example has the writable fields only: Swagger UI pre-fills it, and readers
 * trying one example id would meet each other's.
 */
export const createSchema = <F extends Fields, Extra extends Record<string, z.ZodType> = Record<never, z.ZodType>>(
  fields: F,
  name: string,
  extra?: Extra,
) =>
  z
    .strictObject({
      ...Object.fromEntries(Object.entries(extra ?? {}).map(([key, schema]) => [key, schema.optional()])),
      ...Object.fromEntries(
        writable(fields, false).map(([key, input]) => [
          key,
          input.optional
            ? input.schema().optional()
            : input.default === undefined
              ? input.schema()
              : input.schema().default(input.default),
        ]),
      ),
    })
    .openapi(name, {
      example: Object.fromEntries(writable(fields, false).map(([key, , f]) => [key, f.example])),
    }) as unknown as z.ZodType<CreateOf<F> & { [K in keyof Extra]?: z.output<Extra[K]> }>;

/**
 * A patch's body: any of the patchable fields, and the optional `extra` ones
 * (where to place the item), at least one of them.
 */
export function patchSchema<F extends Fields, Extra extends Record<string, z.ZodType> = Record<never, z.ZodType>>(
  fields: F,
  name: string,
  extra?: Extra,
) {
  const names = [...writable(fields, true).map(([key]) => key), ...Object.keys(extra ?? {})];
  return z
    .strictObject({
      ...Object.fromEntries(Object.entries(extra ?? {}).map(([key, schema]) => [key, schema.optional()])),
      ...Object.fromEntries(writable(fields, true).map(([key, input]) => [key, input.schema().optional()])),
    })
    .refine((patch) => names.some((key) => patch[key] !== undefined), {
      message: `give at least one of ${listed(names.map((key) => `"${key}"`))}`,
    })
    .openapi(name) as unknown as z.ZodType<PatchOf<F> & { [K in keyof Extra]?: z.output<Extra[K]> }>;
}

/** The CSV columns, in the JSON's order: every field. */
export const csvColumnsOf = <F extends Fields>(fields: F) => Object.keys(fields) as (keyof F & string)[];

/** A value as a CSV export writes it. */
export const cellOf = (f: Field, value: unknown): string =>
  f.toCell ? f.toCell(value) : value === null || value === undefined ? '' : `${value as string | number | boolean}`;

/** A CSV export of one example row, header first (the document's example). */
export const csvExampleOf = (fields: Fields, record: (cells: string[]) => string) =>
  record(Object.keys(fields)) + record(entries(fields).map(([, f]) => cellOf(f, f.example)));

/**
 * What an import reads: the writable fields with a value for every row, and
 * the columns an export writes that it ignores (server-set ones, and the
 * optional ones, whose values depend on the row: a list, a place).
 */
export function importableOf<F extends Fields>(fields: F) {
  return {
    read: writable(fields, false).flatMap(([name, input, field]) => (input.optional ? [] : [{ name, input, field }])),
    ignored: entries(fields).flatMap(([name, f]) => (f.input && !f.input.optional ? [] : [name])),
  };
}

/** `a`, `a and b`, `a, b and c`. */
export const listed = (items: string[]) =>
  items.length <= 1 ? items.join('') : `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;
