import { env, exports } from 'cloudflare:workers';
import { beforeAll, describe, expect, it } from 'vitest';
import { app } from '../../../src/index.ts';
import { csvField, csvRecord } from '../../../src/csv/format.ts';
import { parseCsv } from '../../../src/csv/parse.ts';
import { encodeCursor } from '../../../src/lib/cursor.ts';
import { cellOf } from '../../../src/lib/fields.ts';
import { EXPORT_PAGE_ROWS } from '../../../src/todos/export.ts';
import { todoFields } from '../../../src/todos/fields.ts';
import { CSV_COLUMNS } from '../../../src/todos/schemas.ts';
import { captureConsole } from '../../support/console.ts';
import { useTestGateway } from '../../support/driver.ts';
import { openOutageLink } from '../../support/outage-link.ts';
import { insertCreatedAt } from '../../support/rows.ts';
import { call, importCsv, marker, pagesUntil, withSettings } from './client.ts';

/** The export's columns: a todo's fields (src/todos/fields.ts). */
const HEADER = CSV_COLUMNS;
/** One exported row, cell by column. */
type Exported = Record<(typeof HEADER)[number], string>;
/** A todo as the export must write it: each field as its declaration writes a cell. */
const cellsOf = (todo: Record<string, unknown>) =>
  Object.fromEntries(HEADER.map((name) => [name, cellOf(todoFields[name], todo[name])])) as Exported;

beforeAll(() => useTestGateway(env.NEON_LOCAL_GATEWAY!));

/** The whole export, parsed; `query` like '?done=true'. */
async function exportRows(query = '') {
  const res = await call('GET', `/todos${query}`, { headers: { accept: 'text/csv' } });
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toBe('text/csv; charset=utf-8');
  const [header, ...rows] = parseCsv(res.body as string);
  expect(header!.fields).toEqual(HEADER);
  return rows.map(({ fields }) => Object.fromEntries(HEADER.map((name, i) => [name, fields[i]!])) as Exported);
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

/** Texts that a spreadsheet would take for a formula, as stored, and as the export must write them. */
const FORMULA_LIKE = [
  ['=HYPERLINK("http://evil.example","click")', `'=HYPERLINK("http://evil.example","click")`],
  ['+1+1', "'+1+1"],
  ['-2+3', "'-2+3"],
  ['@SUM(A1)', "'@SUM(A1)"],
  ["'=already quoted", "''=already quoted"],
  ["'plain apostrophe", "''plain apostrophe"],
  ["''", "'''"],
  ['a=b, not at the start', 'a=b, not at the start'],
] as const;

describe('formula-like texts in the CSV export', () => {
  it("writes a text that starts with = + - @ or ' behind one more ', and the export imports back to exactly the stored texts", async () => {
    const m = marker();
    const stored = FORMULA_LIKE.map(([text]) => `${text} ${m}`);
    for (const text of stored) expect((await call('POST', '/todos', { json: { text } })).status).toBe(201);
    const exported = (await exportRows()).filter((r) => r.text.endsWith(m));
    expect(exported.map((r) => r.text)).toEqual(FORMULA_LIKE.map(([, written]) => `${written} ${m}`));

    // The export's cells exactly as written (only quoted, nothing added), imported as they are.
    const cells = (r: Exported) => HEADER.map((name) => r[name]);
    const csv = csvRecord(HEADER) + exported.map((r) => cells(r).map(csvField).join(',') + '\r\n').join('');
    expect(await importCsv(csv)).toMatchObject({ status: 201, body: { inserted: stored.length } });
    const texts = (
      await pagesUntil('', 100, (seen) => seen.filter((t) => t.text.endsWith(m)).length >= 2 * stored.length)
    )
      .map((t) => t.text)
      .filter((text) => text.endsWith(m));
    // Newest first: the imported copies, then the originals, both in reverse order of creation.
    expect(texts).toEqual([...stored].reverse().concat([...stored].reverse()));
  });
});

describe('GET /todos with Accept: text/csv', () => {
  it('exports every todo with a column per field, each as the API shows it', async () => {
    const m = marker();
    const created = await call('POST', '/todos', { json: { text: `${m} "exported", yes`, done: true } });
    const rows = await exportRows();
    expect(rows.filter((r) => r.text.startsWith(m))).toEqual([cellsOf(created.body)]);
    expect(cellsOf(created.body)).toMatchObject({ done: 'true' });
  });

  it('round-trips tricky texts: export, re-import the exported rows as they are, same texts and done flags in the same order', async () => {
    const m = marker();
    const csv =
      csvRecord(['text', 'done']) + TRICKY.map((text, i) => csvRecord([`${m} ${text}`, i % 2 === 0])).join('');
    expect((await importCsv(csv)).status).toBe(201);
    const exported = (await exportRows()).filter((r) => r.text.startsWith(m));
    expect(exported.map((r) => r.text)).toEqual(TRICKY.map((text) => `${m} ${text}`));
    expect(exported.map((r) => r.done)).toEqual(TRICKY.map((_, i) => String(i % 2 === 0)));

    // The export's own columns (id and timestamps included) import as they are.
    const again = await importCsv(
      csvRecord(HEADER) + exported.map((r) => csvRecord(HEADER.map((name) => r[name]))).join(''),
    );
    expect(again).toMatchObject({ status: 201, body: { inserted: TRICKY.length } });
    const both = (await exportRows()).filter((r) => r.text.startsWith(m));
    const copies = both.slice(TRICKY.length);
    expect(copies.map(({ text, done }) => ({ text, done }))).toEqual(
      exported.map(({ text, done }) => ({ text, done })),
    );
    expect(copies.every((copy, i) => copy.id > exported[i]!.id)).toBe(true);
  });

  it(`streams more than one page (${EXPORT_PAGE_ROWS} rows) with every row exactly once, oldest first`, async () => {
    const m = marker();
    const count = EXPORT_PAGE_ROWS * 2 + 37;
    const csv = 'text\n' + Array.from({ length: count }, (_, i) => `${m} ${i}\n`).join('');
    expect((await importCsv(csv)).status).toBe(201);
    const rows = await exportRows();
    expect(rows.filter((r) => r.text.startsWith(m)).map((r) => r.text)).toEqual(
      Array.from({ length: count }, (_, i) => `${m} ${i}`),
    );
    const ids = rows.map((r) => r.id);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('honours ?done=', async () => {
    const m = marker();
    expect((await importCsv(`text,done\n${m} a,yes\n${m} b,no\n`)).status).toBe(201);
    for (const done of ['true', 'false']) {
      const rows = await exportRows(`?done=${done}`);
      expect(rows.every((r) => r.done === done)).toBe(true);
      expect(rows.filter((r) => r.text.startsWith(m)).map((r) => r.text)).toEqual([
        done === 'true' ? `${m} a` : `${m} b`,
      ]);
    }
  });

  it('offers the file as an attachment and says the answer depends on Accept', async () => {
    const res = await exports.default.fetch('http://localhost/todos', { headers: { accept: 'text/csv' } });
    await res.body?.cancel();
    expect(res.headers.get('content-disposition')).toBe('attachment; filename="todos.csv"');
    expect(res.headers.get('vary')).toMatch(/Accept/);
  });

  it.each([
    ['limit', '5'],
    ['cursor', encodeCursor({ createdAt: '2026-01-01T00:00:00.000000Z', id: '00000000-0000-4000-8000-000000000001' })],
  ])('refuses %s, which pages JSON only', async (name, value) => {
    const res = await call('GET', `/todos?${name}=${value}`, { headers: { accept: 'text/csv' } });
    expect(res.status).toBe(400);
    expect(res.body.errors).toEqual([{ path: name, message: 'not allowed with Accept: text/csv' }]);
  });

  it('orders by creation time, oldest first, and by id within the same time', async () => {
    const m = marker();
    const at = (day: string) => `2001-${day}T00:00:00.000000Z`;
    // Inserted in an order that is neither the times' nor the ids' alone.
    await insertCreatedAt(env.DATABASE_OWNER_URL, [
      { text: `${m} third`, createdAt: at('03-01') },
      { text: `${m} second a`, createdAt: at('02-01') },
      { text: `${m} first`, createdAt: at('01-01') },
      { text: `${m} second b`, createdAt: at('02-01') },
    ]);
    const mine = (await exportRows()).filter((r) => r.text.startsWith(m));
    expect(mine.map((r) => [r.text, r.createdAt])).toEqual([
      [`${m} first`, at('01-01')],
      [`${m} second a`, at('02-01')],
      [`${m} second b`, at('02-01')],
      [`${m} third`, at('03-01')],
    ]);
  });

  it('cuts the transfer when a page after the first fails, rather than ending a short file', async () => {
    const m = marker();
    expect(
      (await importCsv('text\n' + Array.from({ length: EXPORT_PAGE_ROWS + 1 }, (_, i) => `${m} ${i}\n`).join('')))
        .status,
    ).toBe(201);
    const link = await openOutageLink({ failAfter: 1 }); // the first page's round trip goes through, every later one is cut
    try {
      const { result } = await captureConsole(async () => {
        const res = await app.request(
          '/todos',
          { headers: { accept: 'text/csv' } },
          withSettings({ NEON_LOCAL_GATEWAY: link.address }),
        );
        const received: string[] = [];
        const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
        const ending = await (async () => {
          for (;;) {
            const { done, value } = await reader.read();
            if (done) return 'a clean end';
            received.push(value);
          }
        })().catch(() => 'an error');
        return { status: res.status, ending, records: parseCsv(received.join('')).length };
      });
      expect(result).toEqual({ status: 200, ending: 'an error', records: 1 + EXPORT_PAGE_ROWS }); // the header and the first page
    } finally {
      await link.close();
    }
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

  it('says JSON answers depend on Accept too', async () => {
    const res = await call('GET', '/todos?limit=1');
    expect(res.headers.get('content-type')).toBe('application/json');
    expect(res.headers.get('vary')).toMatch(/\bAccept\b/);
  });

  it.each(['application/xml', 'text/html', 'application/json;q=0, text/csv;q=0'])(
    'Accept %s -> 406 problem',
    async (accept) => {
      const res = await call('GET', '/todos', { headers: { accept } });
      expect(res.status).toBe(406);
      expect(res.headers.get('content-type')).toBe('application/problem+json');
      expect(res.body.detail).toBe('The todos are available as application/json or text/csv.');
    },
  );
});
