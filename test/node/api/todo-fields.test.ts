import { getTableColumns } from 'drizzle-orm';
import { getTableConfig } from 'drizzle-orm/pg-core';
import { describe, expect, it, vi } from 'vitest';
import { todos } from '../../../src/db/schema.ts';
import { csvExport } from '../../../src/todos/export.ts';
import { readChangesSql } from '../../../src/feed/statement.ts';
import { feedStart } from '../../../src/feed/token.ts';
import { todosFeed } from '../../../src/todos/feed.ts';
import { todoFields } from '../../../src/todos/fields.ts';
import { importColumns, readImportRows } from '../../../src/todos/import-rows.ts';
import { insertTodoSql } from '../../../src/todos/queries.ts';
import { CSV_COLUMNS, NewTodoSchema, TodoPatchSchema, todoSchema, type Todo } from '../../../src/todos/schemas.ts';

// Scratch fields added to the declaration here, in the test only: every representation of a todo must then
// carry them. One of each kind the next resources need: a client-set integer, a nullable text, a reference
// to another table, a collated text and a nullable server-set instant.
vi.mock('../../../src/todos/fields.ts', async (importOriginal) => {
  const original = await importOriginal<typeof import('../../../src/todos/fields.ts')>();
  const { collatedText, instant, instantField, integerField } = await import('../../../src/lib/field-kinds.ts');
  const { field } = await import('../../../src/lib/fields.ts');
  const { TEXT_ARRAY } = await import('../../../src/db/array-literal.ts');
  const { z } = await import('@hono/zod-openapi');
  const { integer, pgTable, text } = await import('drizzle-orm/pg-core');
  const parents = pgTable('scratch_parents', { id: integer('id').primaryKey() });
  return {
    ...original,
    todoFields: {
      ...original.todoFields,
      scratch: integerField('scratch_points', { min: 0, max: 9, default: 0, example: 7 }),
      scratchNote: field({
        column: text('scratch_note'),
        schema: () => z.string().nullable(),
        example: null,
        input: {
          schema: () => z.string().max(20).nullable(),
          default: null,
          fromCell: (cell: string) => ({ value: cell === '' ? null : cell }),
          array: TEXT_ARRAY,
        },
      }),
      scratchParent: field({
        column: original.TODO_ID.column('scratch_parent').references(() => parents.id),
        schema: () => z.number().nullable(),
        example: null,
      }),
      scratchKey: field({
        column: collatedText('scratch_key', 'C'),
        schema: () => z.string().nullable(),
        example: null,
      }),
      scratchAt: instantField(instant('scratch_at'), { nullable: true }),
    },
  };
});

const SCRATCH = ['scratch', 'scratchNote', 'scratchParent', 'scratchKey', 'scratchAt'];

/** The keys a `json_build_object(...)` in `sql` writes, in order (the first one after `after`, when given). */
const jsonKeys = (sql: string, after = '') => {
  const call = sql.slice(sql.indexOf('json_build_object(', sql.indexOf(after)));
  return [...call.slice(0, call.indexOf(')::text')).matchAll(/(?:\(|, )'(\w+)', /g)].map((m) => m[1]);
};

/** Every field, the product's and the scratch ones, in the declaration's order. */
const FIELDS = Object.keys(todoFields);
/** A todo of each field's example (the scratch integer's is 7, the other scratch fields' null). */
const scratchTodo = Object.fromEntries(Object.entries(todoFields).map(([name, f]) => [name, f.example])) as Todo;

describe('a field added to the declaration (src/todos/fields.ts)', () => {
  it('is in the test, not in the product', () => {
    expect(FIELDS.slice(-SCRATCH.length)).toEqual(SCRATCH);
  });

  it('is a column of the table, with what its entry says: CHECK, nullability, reference, collation', () => {
    const columns = getTableColumns(todos) as unknown as Record<
      string,
      { name: string; notNull: boolean; getSQLType(): string }
    >;
    expect(columns.scratch).toMatchObject({ name: 'scratch_points', notNull: true });
    expect(columns.scratchNote).toMatchObject({ name: 'scratch_note', notNull: false });
    expect(columns.scratchKey!.getSQLType()).toBe('text COLLATE "C"');
    expect(columns.scratchAt).toMatchObject({ name: 'scratch_at', notNull: false });
    const config = getTableConfig(todos);
    expect(config.checks.map((c) => c.name)).toContain('todos_scratch_points_range');
    expect(
      config.foreignKeys.map((fk) => {
        const { columns: from, foreignTable } = fk.reference();
        return [from.map((c) => c.name), getTableConfig(foreignTable).name];
      }),
    ).toContainEqual([['scratch_parent'], 'scratch_parents']);
  });

  it('is in the zod schemas: the answer, the create (with its default), the patch; a server-set one only in the answer', () => {
    expect(Object.keys(todoSchema().parse(scratchTodo))).toEqual(FIELDS);
    expect(NewTodoSchema().parse({ text: 'a' })).toMatchObject({ text: 'a', scratch: 0, scratchNote: null });
    expect(NewTodoSchema().parse({ text: 'a' })).not.toHaveProperty('scratchAt');
    expect(NewTodoSchema().parse({ text: 'a', scratch: 3, scratchNote: 'n' })).toMatchObject({
      scratch: 3,
      scratchNote: 'n',
    });
    expect(NewTodoSchema().safeParse({ text: 'a', scratch: 10 }).success).toBe(false);
    expect(NewTodoSchema().safeParse({ text: 'a', scratchAt: '2026-11-25T10:00:00Z' }).success).toBe(false);
    expect(TodoPatchSchema().parse({ scratch: 3 })).toEqual({ scratch: 3 });
    expect(TodoPatchSchema().safeParse({ scratchParent: 1 }).success).toBe(false);
  });

  it('is a CSV column: the export writes it, the import reads a client-set one and ignores a server-set one', async () => {
    expect(CSV_COLUMNS).toEqual(FIELDS);
    const exported = await new Response(
      csvExport(
        [scratchTodo],
        () => Promise.resolve([]),
        () => {},
      ),
    ).text();
    const [header, row] = exported.split('\r\n');
    expect(header).toBe(FIELDS.join(','));
    expect(row).toMatch(/,7,,,,2026-11-25T10:00:00.000000Z$/);
    expect(readImportRows(exported)).toMatchObject({
      ok: true,
      literals: { text: '{"Buy milk"}', scratch: '{7}', scratchNote: '{NULL}' },
    });
    expect(readImportRows('text,scratch\na,12\n')).toMatchObject({
      ok: false,
      problems: [{ errors: [{ path: 'scratch', message: 'must be an integer from 0 to 9' }] }],
    });
    expect(importColumns(['text', 'scratchNote'])).toMatchObject({ at: { text: 0, scratchNote: 1, scratch: -1 } });
  });

  it("imports back as it was exported, the export's formula guard removed whatever the field's kind", async () => {
    const exported = await new Response(
      csvExport(
        [{ ...scratchTodo, scratchNote: '-5' } as Todo],
        () => Promise.resolve([]),
        () => {},
      ),
    ).text();
    expect(exported).toContain(",'-5,");
    expect(readImportRows(exported)).toMatchObject({ ok: true, literals: { scratchNote: '{"-5"}' } });
  });

  it('is written into the JSON of RETURNING, by the same writer as the feed, and inserted', () => {
    const { sql, params } = insertTodoSql({ text: 'a', done: false, scratch: 3, scratchNote: 'n' } as never);
    expect(sql).toMatch(/^insert into "todos" \([^)]*"scratch_points", "scratch_note"/);
    expect(params).toEqual(['a', false, 3, 'n']);
    expect(sql).toContain(`'scratch', "todos"."scratch_points"`);
    expect(sql).toContain(`'scratchAt', to_char("todos"."scratch_at" at time zone 'UTC'`);
    expect(jsonKeys(sql, 'returning')).toEqual(FIELDS);
  });

  it("is in the change feed's JSON of each changed todo", () => {
    const { sql } = readChangesSql(todosFeed, feedStart(todosFeed), 10);
    expect(sql).toContain(`"todos"."scratch_points" as "todo.scratch"`);
    expect(sql).toContain(`'scratch', page."todo.scratch"`);
    expect(jsonKeys(sql, 'else')).toEqual(FIELDS);
  });
});
