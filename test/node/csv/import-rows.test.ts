import fc from 'fast-check';
// node-postgres's own reader of array literals, as Postgres writes and reads them.
import { parse as parseArray } from 'postgres-array';
import { describe, expect, it } from 'vitest';
import { csvRecord } from '../../../src/csv/format.ts';
import { readBoolean } from '../../../src/lib/field-kinds.ts';
import { MEMORY_IMPORT, memoryImportBody } from '../../../dev/bench/import-memory.ts';
import { CSV_COLUMNS, type NewTodo } from '../../../src/todos/schemas.ts';

/** A todo as an import reads it: `fields`, and every other field it reads at its default. */
const withDefaults = (fields: Partial<NewTodo>) =>
  ({
    ...Object.fromEntries(IMPORTED.read.map(({ name, input }) => [name, input.default])),
    ...fields,
  }) as NewTodo;

/** A row without links, as importRow reads it. */
const asRow = (todo: NewTodo) => ({ todo, id: '', parentId: '' });

/** A done cell as the import reads it (undefined: refused). */
const parseDone = (cell: string) => {
  const read = readBoolean(cell);
  return 'value' in read ? read.value : undefined;
};
import {
  IMPORT_MAX_COLUMNS,
  IMPORT_MAX_REPORTED,
  IMPORT_MAX_ROWS,
  IMPORT_MAX_STATEMENT_BYTES,
  IMPORTED,
  importReader,
  readImportRows,
  statementBytes,
} from '../../../src/todos/import-rows.ts';

describe('done cells', () => {
  it.each(['true', 'TRUE', 'True', '1', 'yes', 'YES', 'Yes', ' yes '])('reads %j as true', (cell) =>
    expect(parseDone(cell)).toBe(true),
  );
  it.each(['false', 'FALSE', 'False', '0', 'no', 'NO', 'No', '', '  '])('reads %j as false', (cell) =>
    expect(parseDone(cell)).toBe(false),
  );
  it.each(['y', 'n', 't', 'f', '2', '-1', 'on', 'off', 'truee', 'null', '0.0'])('rejects %j', (cell) =>
    expect(parseDone(cell)).toBeUndefined(),
  );
});

describe('reading an import', () => {
  it('sends no values for a field without a column whose default is null: the statement pads it with nulls', () => {
    expect(readImportRows('text\na\nb\n')).toMatchObject({
      ok: true,
      literals: { text: '{"a","b"}', done: '{f,f}', notes: '{}', due: '{}' },
      parentRows: '{}',
    });
  });

  it("takes the benchmark's import-memory body (100,000 rows of 34 characters) in one statement", () => {
    const { rows, rowChars } = MEMORY_IMPORT;
    expect(readImportRows(memoryImportBody(rows, rowChars).toString())).toMatchObject({ ok: true, count: rows });
  });

  it("sends each row's parent as its row number, whether the parent comes before or after it", () => {
    expect(readImportRows('id,parentId,text\nb,a,sub\na,,top\nc,a,sub 2\nd,,other\n')).toMatchObject({
      ok: true,
      parentRows: '{2,NULL,2,NULL}',
    });
  });

  it('trims texts and defaults done to false without a done column', () => {
    expect(readImportRows('text\n  Buy milk  \n"Call Ann, then Bob"\n')).toMatchObject({
      ok: true,
      count: 2,
      literals: { text: '{"Buy milk","Call Ann, then Bob"}', done: '{f,f}' },
    });
  });

  it("accepts the columns in any order and case, and ignores the export's id, version and timestamps", () => {
    const csv = 'updatedAt,DONE,id,Text,createdAt,Version\r\n2026-01-01,yes,7,a,2026-01-01,3\r\n';
    expect(readImportRows(csv)).toMatchObject({ ok: true, count: 1, literals: { text: '{"a"}', done: '{t}' } });
  });

  it.each([
    ['an empty body', '', /empty/],
    ['no text column', 'done\ntrue\n', /"text" column/],
    ['an unknown column', 'text,is_done\na,true\n', /unknown column\(s\) "is_done"/],
    ['a repeated column', 'text,done,TEXT\na,true,b\n', /appears twice/],
  ])('rejects %s in the header', (_, csv, message) => {
    const result = readImportRows(csv);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.problems).toHaveLength(1);
    expect(result.problems[0]).toMatchObject({ row: 0, errors: [{ path: '(header)' }] });
    expect(result.problems[0]!.errors[0]!.message).toMatch(message);
  });

  it('reports each bad row with its line, row number and every error, and keeps nothing', () => {
    const csv = 'text,done\nfine,no\n"",maybe\n"two\nlines",true\n"   ",\nx,y,z\n' + `${'é'.repeat(1001)},0\n`;
    const result = readImportRows(csv);
    expect(result).toEqual({
      ok: false,
      invalidRows: 4,
      problems: [
        {
          line: 3,
          row: 2,
          errors: [
            { path: 'text', message: 'must not be empty or only whitespace' },
            { path: 'done', message: expect.stringMatching(/true\/false/) },
          ],
        },
        { line: 6, row: 4, errors: [{ path: 'text', message: 'must not be empty or only whitespace' }] },
        { line: 7, row: 5, errors: [{ path: '(row)', message: 'has 3 field(s); the header has 2' }] },
        { line: 8, row: 6, errors: [{ path: 'text', message: 'must be at most 1000 characters' }] },
      ],
    });
  });

  it('counts code points, as Postgres does: 1000 emoji are a valid text', () => {
    expect(readImportRows(`text\n${'😀'.repeat(1000)}\n`).ok).toBe(true);
  });

  it('rejects NUL and lone surrogates', () => {
    const result = readImportRows('text\na\u0000b\nc\uD800d\n');
    expect(result.ok ? [] : result.problems.map((p) => p.errors[0]!.message)).toEqual([
      expect.stringMatching(/NUL/),
      expect.stringMatching(/lone surrogates/),
    ]);
  });

  it(`lists the first ${IMPORT_MAX_REPORTED} bad rows and counts them all`, () => {
    const result = readImportRows('text,done\n' + 'x,maybe\n'.repeat(250));
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.invalidRows).toBe(250);
    expect(result.problems).toHaveLength(IMPORT_MAX_REPORTED);
    expect(result.problems.at(-1)).toMatchObject({ line: IMPORT_MAX_REPORTED + 1, row: IMPORT_MAX_REPORTED });
  });

  it('reports broken CSV as one problem at its line', () => {
    expect(readImportRows('text\nok\n"never closed\n')).toEqual({
      ok: false,
      invalidRows: 1,
      problems: [{ line: 3, row: 0, errors: [{ path: '(csv)', message: expect.stringMatching(/never closed/) }] }],
    });
  });

  it(`takes ${IMPORT_MAX_ROWS} rows and refuses one more with a 413`, () => {
    expect(readImportRows('text\n' + 'x\n'.repeat(IMPORT_MAX_ROWS)).ok).toBe(true);
    expect(() => readImportRows('text\n' + 'x\n'.repeat(IMPORT_MAX_ROWS + 1))).toThrow(
      expect.objectContaining({ status: 413 }),
    );
  });

  it(`counts blank lines toward the ${IMPORT_MAX_ROWS} rows, so a body of line breaks stops at the limit`, () => {
    expect(readImportRows('text\n' + '\n'.repeat(IMPORT_MAX_ROWS - 1) + 'x\n').ok).toBe(true);
    expect(() => readImportRows('text\n' + '\n'.repeat(IMPORT_MAX_ROWS) + 'x\n')).toThrow(
      expect.objectContaining({ status: 413, message: expect.stringMatching(/blank lines included/) }),
    );
    // Broken CSV after the limit is never reached: the reader stopped there.
    expect(() => readImportRows('text\n' + '\r\n'.repeat(5 * IMPORT_MAX_ROWS) + '"never closed')).toThrow(
      expect.objectContaining({ status: 413 }),
    );
  });

  it('reads a body given in pieces as it reads it whole, and stops at a bad header', () => {
    const csv = 'text,done\r\n"say ""hi"", then\r\nleave",yes\r\nplain,no\r\n';
    const whole = readImportRows(csv);
    for (const size of [1, 2, 3, 7]) {
      const reader = importReader();
      for (let i = 0; i < csv.length; i += size) expect(reader.push(csv.slice(i, i + size))).toBe(true);
      expect(reader.end()).toEqual(whole);
    }
    const badHeader = importReader();
    expect(badHeader.push('nope\n')).toBe(false);
    expect(badHeader.end()).toMatchObject({ ok: false, problems: [{ errors: [{ path: '(header)' }] }] });
  });

  // The reader stops at row IMPORT_MAX_ROWS + 1: nothing after it is read (here, broken CSV
  // that would otherwise be the answer), and bad rows before it do not change the answer.
  it('answers 413 at the first row over the limit, whatever else is wrong', () => {
    const tooMany = 'text,done\n' + 'x,maybe\n'.repeat(IMPORT_MAX_ROWS + 1) + '"never closed\n';
    expect(() => readImportRows(tooMany)).toThrow(expect.objectContaining({ status: 413 }));
  });

  it(`refuses a header of more than ${IMPORT_MAX_COLUMNS} columns, whatever they are named`, () => {
    // Every column an export writes, then one more.
    const header = [...CSV_COLUMNS, 'x'];
    const result = readImportRows(`${header.join(',')}\n${header.map(() => '1').join(',')}\n`);
    const message = `${IMPORT_MAX_COLUMNS + 1} columns; an import takes at most ${IMPORT_MAX_COLUMNS}`;
    expect(result).toMatchObject({
      ok: false,
      problems: [{ line: 1, errors: [{ path: '(header)', message: expect.stringContaining(message) }] }],
    });
  });

  it('names at most three unknown columns, each cut short, and counts the rest', () => {
    const long = 'q'.repeat(4000);
    const result = readImportRows(`${long}1,${long}2,${long}3,${long}4\n`);
    expect(result.ok).toBe(false);
    const message = result.ok ? '' : result.problems[0]!.errors[0]!.message;
    expect(message).toMatch(/^unknown column\(s\) "q{40}…", "q{40}…", "q{40}…" and 1 more: /);
    expect(message.length).toBeLessThan(300);
  });

  it.each([
    ['a field over 4096 characters', 'text\nok\n' + 'x'.repeat(4097) + '\n', 3, /field is longer than 4096/],
    [
      'a record over 16 KiB',
      'text,done,id\nok,,1\n' + `${'x'.repeat(4000)},`.repeat(5) + '\n',
      3,
      /record is longer than 16384/,
    ],
    ['a header of commas only', ','.repeat(1024 * 1024), 1, /record is longer than 16384/],
  ])('refuses %s as broken CSV at its line', (_, csv, line, message) => {
    expect(readImportRows(csv)).toEqual({
      ok: false,
      invalidRows: 1,
      problems: [{ line, row: 0, errors: [{ path: '(csv)', message: expect.stringMatching(message) }] }],
    });
  });
});

describe('the rows as the statement takes them', () => {
  const anyText = fc.string({
    unit: fc.constantFrom('a', 'é', '😀', '"', '\\', '\n', '\t', '\u0001', ',', '{', '}', ' ', 'N'),
  });

  it('are array literals Postgres reads back as the texts and flags, whatever the texts hold', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.tuple(
            anyText.filter((t) => t.trim() !== ''),
            fc.boolean(),
          ),
          { minLength: 1, maxLength: 20 },
        ),
        (rows) => {
          const csv = 'text,done\n' + rows.map(([t, d]) => csvRecord([t.trim(), d])).join('');
          const result = readImportRows(csv);
          if (!result.ok) throw new Error(JSON.stringify(result.problems));
          expect(parseArray(result.literals.text!)).toEqual(rows.map(([t]) => t.trim()));
          expect(parseArray(result.literals.done!)).toEqual(rows.map(([, d]) => (d ? 't' : 'f')));
          expect(result.count).toBe(rows.length);
        },
      ),
    );
  });

  it('take exactly the bytes statementBytes says inside the JSON request', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(anyText, fc.boolean()), { minLength: 1, maxLength: 20 }), (rows) => {
        const literal = (values: string[]) => `{${values.join(',')}}`;
        const textLiteral = literal(rows.map(([t]) => `"${t.replace(/["\\]/g, '\\$&')}"`));
        const doneLiteral = literal(rows.map(([, d]) => (d ? 't' : 'f')));
        const inJson = (value: string) => Buffer.byteLength(JSON.stringify(value)) - 2;
        // The other fields an import reads, at their defaults, in the literals their own kinds make.
        const full = rows.map(([text, done]) => withDefaults({ text, done }));
        const others = IMPORTED.read
          .filter(({ name }) => name !== 'text' && name !== 'done')
          .reduce((bytes, { name, input }) => {
            const other = input.array.literal();
            for (const row of full) other.add(row[name as keyof NewTodo]);
            return bytes + inJson(other.finish());
          }, 0);
        expect(statementBytes(full.map(asRow))).toBe(inJson(textLiteral) + inJson(doneLiteral) + others);
      }),
    );
  });

  it('refuses with 413 rows that fit the 10 MiB body but not one statement (4 MiB)', () => {
    const backslashes = '\\'.repeat(900);
    expect(() => readImportRows('text\n' + `${backslashes}\n`.repeat(1300))).toThrow(
      expect.objectContaining({ status: 413 }),
    );
    expect(readImportRows('text\n' + `${backslashes}\n`.repeat(1000)).ok).toBe(true);
    expect(statementBytes(Array(1000).fill(asRow(withDefaults({ text: backslashes }))))).toBeLessThanOrEqual(
      IMPORT_MAX_STATEMENT_BYTES,
    );
  });
});
