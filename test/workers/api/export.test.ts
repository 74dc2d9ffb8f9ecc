import { exports } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { csvRecord } from '../../../src/csv/format.ts';
import { parseCsv } from '../../../src/csv/parse.ts';
import { EXPORT_PAGE_ROWS } from '../../../src/todos/export.ts';
import { call, marker } from './client.ts';

const HEADER = ['id', 'text', 'done', 'createdAt', 'updatedAt'];

const importCsv = (body: string) => call('POST', '/todos/import', { body, headers: { 'content-type': 'text/csv' } });

/** The whole export, parsed; `query` like '?done=true'. */
async function exportRows(query = '') {
  const res = await call('GET', `/todos${query}`, { headers: { accept: 'text/csv' } });
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toBe('text/csv; charset=utf-8');
  const [header, ...rows] = parseCsv(res.body as string);
  expect(header!.fields).toEqual(HEADER);
  return rows.map(({ fields: [id, text, done, createdAt, updatedAt] }) => ({ id: Number(id), text: text!, done: done!, createdAt: createdAt!, updatedAt: updatedAt! }));
}

const TRICKY = [
  'plain',
  'with, a comma',
  'with "quotes" inside',
  '"starts and ends with quotes"',
  'two\nlines',
  'windows\r\nlines',
  'emoji 😀👩‍👩‍👧 and a flag 🇫🇷',
  'عربي مع English في الوسط',
  'עברית',
  '=SUM(A1:A2) looks like a formula',
  'tab\tinside',
];

describe('GET /todos with Accept: text/csv', () => {
  it('exports every todo with the header id,text,done,createdAt,updatedAt, each as the API shows it', async () => {
    const m = marker();
    const created = await call('POST', '/todos', { json: { text: `${m} "exported", yes`, done: true } });
    const rows = await exportRows();
    expect(rows.filter((r) => r.text.startsWith(m))).toEqual([{ ...created.body, done: 'true' }]);
  });

  it('round-trips tricky texts: export, re-import the exported rows as they are, same texts and done flags in the same order', async () => {
    const m = marker();
    const csv = csvRecord(['text', 'done']) + TRICKY.map((text, i) => csvRecord([`${m} ${text}`, i % 2 === 0])).join('');
    expect((await importCsv(csv)).status).toBe(201);
    const exported = (await exportRows()).filter((r) => r.text.startsWith(m));
    expect(exported.map((r) => r.text)).toEqual(TRICKY.map((text) => `${m} ${text}`));
    expect(exported.map((r) => r.done)).toEqual(TRICKY.map((_, i) => String(i % 2 === 0)));

    // The export's own columns (id and timestamps included) import as they are.
    const again = await importCsv(csvRecord(HEADER) + exported.map((r) => csvRecord([r.id, r.text, r.done, r.createdAt, r.updatedAt])).join(''));
    expect(again).toMatchObject({ status: 201, body: { inserted: TRICKY.length } });
    const both = (await exportRows()).filter((r) => r.text.startsWith(m));
    const copies = both.slice(TRICKY.length);
    expect(copies.map(({ text, done }) => ({ text, done }))).toEqual(exported.map(({ text, done }) => ({ text, done })));
    expect(copies.every((copy, i) => copy.id > exported[i]!.id)).toBe(true);
  });

  it(`streams more than one page (${EXPORT_PAGE_ROWS} rows) with every row exactly once, oldest first`, async () => {
    const m = marker();
    const count = EXPORT_PAGE_ROWS * 2 + 37;
    const csv = 'text\n' + Array.from({ length: count }, (_, i) => `${m} ${i}\n`).join('');
    expect((await importCsv(csv)).status).toBe(201);
    const rows = await exportRows();
    expect(rows.filter((r) => r.text.startsWith(m)).map((r) => r.text)).toEqual(Array.from({ length: count }, (_, i) => `${m} ${i}`));
    const ids = rows.map((r) => r.id);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('honours ?done=', async () => {
    const m = marker();
    expect((await importCsv(`text,done\n${m} a,yes\n${m} b,no\n`)).status).toBe(201);
    for (const done of ['true', 'false']) {
      const rows = await exportRows(`?done=${done}`);
      expect(rows.every((r) => r.done === done)).toBe(true);
      expect(rows.filter((r) => r.text.startsWith(m)).map((r) => r.text)).toEqual([done === 'true' ? `${m} a` : `${m} b`]);
    }
  });

  it('offers the file as an attachment and says the answer depends on Accept', async () => {
    const res = await exports.default.fetch('http://localhost/todos', { headers: { accept: 'text/csv' } });
    await res.body?.cancel();
    expect(res.headers.get('content-disposition')).toBe('attachment; filename="todos.csv"');
    expect(res.headers.get('vary')).toMatch(/Accept/);
  });

  it('refuses limit and cursor, which page JSON only', async () => {
    const res = await call('GET', '/todos?limit=5', { headers: { accept: 'text/csv' } });
    expect(res.status).toBe(400);
    expect(res.body.errors).toEqual([{ path: 'limit', message: 'not allowed with Accept: text/csv' }]);
  });
});

describe('content negotiation on GET /todos', () => {
  it.each([
    [undefined, 'application/json'],
    ['*/*', 'application/json'],
    ['application/json', 'application/json'],
    ['text/*', 'text/csv'],
    ['text/csv;q=0.5, application/json;q=0.9', 'application/json'],
    ['application/json;q=0.1, text/csv', 'text/csv'],
    ['text/csv, */*;q=0.1', 'text/csv'],
  ])('Accept %s -> %s', async (accept, type) => {
    const res = await exports.default.fetch('http://localhost/todos?done=true', { headers: accept ? { accept } : {} });
    await res.body?.cancel();
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(new RegExp(`^${type}`));
  });

  it.each(['application/xml', 'text/html', 'application/json;q=0, text/csv;q=0'])('Accept %s -> 406 problem', async (accept) => {
    const res = await call('GET', '/todos', { headers: { accept } });
    expect(res.status).toBe(406);
    expect(res.headers.get('content-type')).toBe('application/problem+json');
    expect(res.body.detail).toBe('The todos are available as application/json or text/csv.');
  });
});
