import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { csvRecord } from '../../../src/csv/format.ts';
import { withoutFormulaQuote } from '../../../src/csv/formula.ts';
import { CsvSyntaxError, csvReader, parseCsv, type CsvRecord } from '../../../src/csv/parse.ts';
import { countScanned } from '../../support/scan-count.ts';

const fields = (text: string) => parseCsv(text).map((r) => r.fields);
const lines = (text: string) => parseCsv(text).map((r) => r.line);

describe('RFC 4180 grammar', () => {
  it('splits unquoted fields on commas and records on LF', () => {
    expect(fields('text,done\na,true\nb,false\n')).toEqual([
      ['text', 'done'],
      ['a', 'true'],
      ['b', 'false'],
    ]);
  });

  it('accepts CRLF, and a lone CR, as record ends', () => {
    expect(fields('text\r\na\r\nb\r\n')).toEqual([['text'], ['a'], ['b']]);
    expect(fields('text\ra\rb')).toEqual([['text'], ['a'], ['b']]);
  });

  it('reads a last record without a line ending', () => {
    expect(fields('text\nlast')).toEqual([['text'], ['last']]);
  });

  it('keeps commas, doubled quotes, LF and CRLF inside quoted fields', () => {
    expect(fields('text\n"a, b"\n"say ""hi"""\n"one\ntwo"\n"three\r\nfour"\n')).toEqual([
      ['text'],
      ['a, b'],
      ['say "hi"'],
      ['one\ntwo'],
      ['three\r\nfour'],
    ]);
  });

  it('reads empty fields, quoted or not', () => {
    expect(fields('a,b,c\n,,\n"",x,""\n')).toEqual([
      ['a', 'b', 'c'],
      ['', '', ''],
      ['', 'x', ''],
    ]);
  });

  it('skips a UTF-8 BOM at the start only', () => {
    expect(fields('\uFEFFtext\n\uFEFFa\n')).toEqual([['text'], ['\uFEFFa']]);
  });

  it('skips empty lines but counts them, so errors name the right line', () => {
    expect(fields('text\n\na\r\n\r\nb\n\n')).toEqual([['text'], ['a'], ['b']]);
    expect(lines('text\n\na\r\n\r\nb\n\n')).toEqual([1, 3, 5]);
  });

  it('numbers each record by the line it starts on, counting line breaks inside quotes', () => {
    expect(lines('text\n"a\nb\r\nc"\nd\n')).toEqual([1, 2, 5]);
  });

  it('treats "" alone on a line as a record with one empty field, not as an empty line', () => {
    expect(fields('text\n""\n')).toEqual([['text'], ['']]);
  });

  it.each([
    ['a quote inside an unquoted field', 'text\nab"c\n', 2, /quote inside an unquoted field/],
    ['text after a closing quote', 'text\n"ab"c\n', 2, /after a closing quote/],
    ['a quoted field never closed', 'text\nok\n"open\nstill open\n', 3, /never closed/],
  ])('rejects %s, naming its line', (_, text, line, message) => {
    try {
      parseCsv(text);
      expect.unreachable('parsed');
    } catch (err) {
      expect(err).toBeInstanceOf(CsvSyntaxError);
      expect((err as CsvSyntaxError).line).toBe(line);
      expect((err as Error).message).toMatch(message);
    }
  });
});

/** Reads `pieces` one push at a time; the records, in order. */
function readPieces(pieces: string[], limits?: Parameters<typeof csvReader>[1]): CsvRecord[] {
  const records: CsvRecord[] = [];
  const reader = csvReader((record) => records.push(record), limits);
  for (const piece of pieces) reader.push(piece);
  reader.end();
  return records;
}

/** `text` cut into pieces of `size` characters. */
const piecesOf = (text: string, size: number) =>
  Array.from({ length: Math.ceil(text.length / size) }, (_, i) => text.slice(i * size, (i + 1) * size));

describe('reading in pieces', () => {
  it('gives the same records however the text is cut, even inside a CRLF or a doubled quote', () => {
    const text = '\uFEFFtext,done\r\n"a ""b"", c",yes\r\n"multi\r\nline",0\nplain,\r\n"x\r"\r\n';
    for (let cut = 0; cut <= text.length; cut++) {
      expect(readPieces([text.slice(0, cut), text.slice(cut)]), `cut at ${cut}`).toEqual(parseCsv(text));
    }
    expect(readPieces(piecesOf(text, 1))).toEqual(parseCsv(text));
  });

  it('hands each record over as soon as it ends, before the rest of the piece is read', () => {
    const seen: string[] = [];
    const reader = csvReader((record) => {
      seen.push(record.fields[0]!);
      if (record.fields[0] === 'stop') throw new Error('stopped');
    });
    expect(() => reader.push('a\nstop\n"never closed')).toThrow('stopped');
    expect(seen).toEqual(['a', 'stop']);
  });

  // The reader used to re-read the unfinished record from its start on every piece:
  // an 8 MiB quoted field in 64 KiB pieces was read 128 times over (70 s in the CLI).
  it('looks at each character about once, however the input is cut', () => {
    const field = 'x'.repeat(2 * 1024 * 1024);
    const text = `text\n"${field}"\nnext\n`;
    const { result, scanned } = countScanned(() => readPieces(piecesOf(text, 64 * 1024)));
    expect(result.map((r) => r.fields[0]!.length)).toEqual([4, field.length, 4]);
    expect(scanned).toBeLessThan(2 * text.length);
  });
});

describe('limits on one record', () => {
  const limits = { maxFieldChars: 10, maxRecordChars: 30 };

  it.each([
    ['an unquoted field', 'text\nok\n' + 'y'.repeat(11) + '\n', 3, /field is longer than 10/],
    ['a quoted field', 'text\nok\n"' + 'y\n'.repeat(6) + '"\n', 3, /field is longer than 10/],
    ['a record of many short fields', 'text\n' + 'a,'.repeat(16) + '\n', 2, /record is longer than 30/],
    ['a record of commas', ','.repeat(40), 1, /record is longer than 30/],
  ])('refuses %s over the limit, naming the line where its record starts', (_, text, line, message) => {
    try {
      parseCsv(text, limits);
      expect.unreachable('parsed');
    } catch (err) {
      expect(err).toBeInstanceOf(CsvSyntaxError);
      expect((err as CsvSyntaxError).line).toBe(line);
      expect((err as Error).message).toMatch(message);
    }
  });

  it('takes a field and a record exactly at the limits', () => {
    expect(fields('y'.repeat(10) + ',' + 'z'.repeat(10))).toEqual([['y'.repeat(10), 'z'.repeat(10)]]);
    expect(parseCsv('"' + 'y'.repeat(9) + '""",' + 'z'.repeat(10) + '\n', limits).map((r) => r.fields)).toEqual([
      ['y'.repeat(9) + '"', 'z'.repeat(10)],
    ]);
  });

  it('takes a record of exactly 30 characters and refuses one of 31', () => {
    const thirty = 'y'.repeat(9) + ',' + 'y'.repeat(9) + ',' + 'z'.repeat(10);
    const thirtyOne = 'y'.repeat(10) + ',' + 'y'.repeat(10) + ',' + 'z'.repeat(9);
    expect(parseCsv(thirty, limits).map((r) => r.fields[2])).toEqual(['z'.repeat(10)]);
    expect(() => parseCsv(thirtyOne, limits)).toThrow(/record is longer than 30/);
  });

  // The bound holds while the field streams in: the reader stops within the piece that crosses it.
  it('stops at the limit without reading the rest of a huge field', () => {
    const pieces = ['text\n"', ...piecesOf('x'.repeat(8 * 1024 * 1024), 64 * 1024)];
    let pushed = 0;
    const reader = csvReader(() => undefined, { maxFieldChars: 4096, maxRecordChars: 16 * 1024 });
    expect(() => {
      for (const piece of pieces) {
        pushed++;
        reader.push(piece);
      }
    }).toThrow(/field is longer than 4096/);
    expect(pushed).toBe(2);
  });
});

describe('format then parse', () => {
  it('round-trips any strings, whatever they contain', () => {
    fc.assert(
      fc.property(
        fc.array(fc.array(fc.string({ unit: 'grapheme' }), { minLength: 2, maxLength: 4 }), { maxLength: 8 }),
        (rows) => {
          const text = rows.map((row) => csvRecord(row)).join('');
          // A record of empty fields is written as ",": only a one-field empty record would vanish, and rows here have two or more.
          expect(fields(text).map((row) => row.map(withoutFormulaQuote))).toEqual(rows);
        },
      ),
    );
  });

  it("puts a ' before a field that a spreadsheet would run as a formula, and reading takes exactly that one away", () => {
    const stored = ['=HYPERLINK("http://x","y")', '+1', '-1', '@SUM(A1)', "'quoted", "'=x", "''", 'a=b', "it's"];
    const written = [
      '"\'=HYPERLINK(""http://x"",""y"")"',
      "'+1",
      "'-1",
      "'@SUM(A1)",
      "''quoted",
      "''=x",
      "'''",
      'a=b',
      "it's",
    ];
    expect(csvRecord(stored)).toBe(written.join(',') + '\r\n');
    expect(fields(csvRecord(stored))[0]!.map(withoutFormulaQuote)).toEqual(stored);
    // A lone ' before anything else is the text's own.
    expect(["'hello", "'", "' =x"].map(withoutFormulaQuote)).toEqual(["'hello", "'", "' =x"]);
  });

  it('quotes only what needs quoting', () => {
    expect(csvRecord([1, 'plain', true])).toBe('1,plain,true\r\n');
    expect(csvRecord(['a,b', 'say "hi"', 'x\ny', ' edge'])).toBe('"a,b","say ""hi""","x\ny"," edge"\r\n');
  });
});
