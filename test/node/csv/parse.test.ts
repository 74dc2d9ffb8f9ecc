import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { csvRecord } from '../../../src/csv/format.ts';
import { CsvSyntaxError, csvReader, parseCsv } from '../../../src/csv/parse.ts';

const fields = (text: string) => parseCsv(text).map((r) => r.fields);
const lines = (text: string) => parseCsv(text).map((r) => r.line);

describe('RFC 4180 grammar', () => {
  it('splits unquoted fields on commas and records on LF', () => {
    expect(fields('text,done\na,true\nb,false\n')).toEqual([['text', 'done'], ['a', 'true'], ['b', 'false']]);
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
      ['text'], ['a, b'], ['say "hi"'], ['one\ntwo'], ['three\r\nfour'],
    ]);
  });

  it('reads empty fields, quoted or not', () => {
    expect(fields('a,b,c\n,,\n"",x,""\n')).toEqual([['a', 'b', 'c'], ['', '', ''], ['', 'x', '']]);
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

describe('reading in pieces', () => {
  it('gives the same records however the text is cut, even inside a CRLF or a doubled quote', () => {
    const text = '\uFEFFtext,done\r\n"a ""b"", c",yes\r\n"multi\r\nline",0\nplain,\r\n';
    for (let cut = 0; cut <= text.length; cut++) {
      const reader = csvReader();
      const records = [...reader.push(text.slice(0, cut)), ...reader.push(text.slice(cut)), ...reader.end()];
      expect(records, `cut at ${cut}`).toEqual(parseCsv(text));
    }
  });
});

describe('format then parse', () => {
  it('round-trips any strings, whatever they contain', () => {
    fc.assert(fc.property(fc.array(fc.array(fc.string({ unit: 'grapheme' }), { minLength: 2, maxLength: 4 }), { maxLength: 8 }), (rows) => {
      const text = rows.map((row) => csvRecord(row)).join('');
      // A record of empty fields is written as ",": only a one-field empty record would vanish, and rows here have two or more.
      expect(fields(text)).toEqual(rows);
    }));
  });

  it('quotes only what needs quoting', () => {
    expect(csvRecord([1, 'plain', true])).toBe('1,plain,true\r\n');
    expect(csvRecord(['a,b', 'say "hi"', 'x\ny', ' edge'])).toBe('"a,b","say ""hi""","x\ny"," edge"\r\n');
  });
});
