import { neon } from '@neondatabase/serverless';
import { env } from 'cloudflare:workers';
import { beforeAll, describe, expect, it } from 'vitest';
import { csvField, csvRecord } from '../../../src/csv/format.ts';
import { parseCsv } from '../../../src/csv/parse.ts';
import { CSV_COLUMNS } from '../../../src/todos/schemas.ts';
import { useTestGateway } from '../../support/driver.ts';
import { call, marker, withSettings } from './client.ts';

beforeAll(() => useTestGateway(env.NEON_LOCAL_GATEWAY!));

/** The tables' owner: sets up lists (the /lists routes are another part's) and reads rows as stored. */
const owner = () => neon(env.DATABASE_OWNER_URL);

/** A new list of `who` (the tests' anonymous calls act as `anonymous`). */
async function newList(who = 'anonymous'): Promise<string> {
  const id = crypto.randomUUID();
  await owner().query(`insert into lists (id, owner, title, position) values ($1, $2, 'csv test', 'a0')`, [id, who]);
  return id;
}

type Exported = Record<(typeof CSV_COLUMNS)[number], string>;

/** A list's export, parsed, asserting the 200 and the header. */
async function exportList(listId: string): Promise<Exported[]> {
  const res = await call('GET', `/todos?listId=${listId}`, { headers: { accept: 'text/csv' } });
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toBe('text/csv; charset=utf-8');
  const [header, ...rows] = parseCsv(res.body as string);
  expect(header!.fields).toEqual(CSV_COLUMNS);
  return rows.map(({ fields }) => Object.fromEntries(CSV_COLUMNS.map((name, i) => [name, fields[i]!])) as Exported);
}

/** A list's todos as stored, in the list's order: top-level by (position, id), each followed by its subtasks. */
async function storedList(listId: string) {
  return (await owner().query(
    `select t.id, t.text, t.notes, t.due, t.done, t.parent_id, t.position, t.completed_at is not null as completed
     from todos t left join todos p on p.id = t.parent_id
     where t.list_id = $1
     order by coalesce(p.position, t.position) collate "C", coalesce(p.id, t.id), t.parent_id is not null,
       t.position collate "C", t.id`,
    [listId],
  )) as {
    id: string;
    text: string;
    notes: string | null;
    due: string | null;
    done: boolean;
    parent_id: string | null;
    position: string;
    completed: boolean;
  }[];
}

/** A list's rows as a tree of texts: `text` for a top-level todo, `  text` (under its parent) for a subtask. */
const outline = (rows: { id: string; text: string; parent_id?: string | null; parentId?: string }[]) => {
  const parentOf = (r: (typeof rows)[number]) => r.parent_id ?? (r.parentId || null);
  const textOf = new Map(rows.map((r) => [r.id, r.text]));
  return rows.map((r) => (parentOf(r) ? `  ${r.text} < ${textOf.get(parentOf(r)!)}` : r.text));
};

/** POST /todos/import into `listId` (none: the default list). */
const importInto = (listId: string | undefined, csv: string, headers: Record<string, string> = {}) =>
  call('POST', `/todos/import${listId ? `?listId=${listId}` : ''}`, {
    body: csv,
    headers: { 'content-type': 'text/csv', ...headers },
  });

describe('POST /todos/import?listId=', () => {
  it('imports into the list, at its end in file order, subtasks in file order under their parents, with new ids', async () => {
    const m = marker();
    const list = await newList();
    expect((await importInto(list, `text\n${m} already there\n`)).status).toBe(201);
    const csv = [
      'id,parentId,text,notes,due,done',
      `p1,,${m} parent one,"notes with ""quotes"",\na newline",2026-12-24,no`,
      `s1,p1,${m} sub one,,2026-12-24T09:30:00+02:00,yes`,
      `p2,,${m} parent two,,,`,
      `s2,p1,${m} sub two,,,no`,
      `s3,p2,${m} sub three,,,`,
    ].join('\n');
    const res = await importInto(list, csv);
    expect(res).toMatchObject({ status: 201, body: { inserted: 5, replayed: 0 } });
    const stored = await storedList(list);
    expect(outline(stored)).toEqual([
      `${m} already there`,
      `${m} parent one`,
      `  ${m} sub one < ${m} parent one`,
      `  ${m} sub two < ${m} parent one`,
      `${m} parent two`,
      `  ${m} sub three < ${m} parent two`,
    ]);
    expect(stored[1]).toMatchObject({ notes: 'notes with "quotes",\na newline', due: '2026-12-24', done: false });
    expect(stored[2]).toMatchObject({ due: '2026-12-24T09:30:00+02:00', done: true, completed: true });
    expect(stored.map((r) => r.id)).not.toContain('p1');
  });

  it('takes a subtask before its parent in the file (the parent link is checked at the end of the statement)', async () => {
    const m = marker();
    const list = await newList();
    const csv = `id,parentId,text\nb,a,${m} sub first\na,,${m} parent later\n`;
    expect(await importInto(list, csv)).toMatchObject({ status: 201, body: { inserted: 2 } });
    expect(outline(await storedList(list))).toEqual([`${m} parent later`, `  ${m} sub first < ${m} parent later`]);
  });

  it('gives subtasks the ids made for their parent rows from firstId', async () => {
    const list = await newList();
    const firstId = crypto.randomUUID().replace(/.{8}$/, '00000000');
    const csv = `id,parentId,text\nx,,${marker()} parent\ny,x,sub\n`;
    const res = await call('POST', `/todos/import?listId=${list}&firstId=${firstId}`, {
      body: csv,
      headers: { 'content-type': 'text/csv' },
    });
    expect(res.status).toBe(201);
    const stored = await owner().query(`select id, parent_id from todos where id = $1 or id = $2 order by id`, [
      firstId,
      firstId.replace(/0$/, '1'),
    ]);
    expect(stored).toEqual([
      { id: firstId, parent_id: null },
      { id: firstId.replace(/0$/, '1'), parent_id: firstId },
    ]);
  });

  it('imports into the default list without listId', async () => {
    const m = marker();
    expect((await importInto(undefined, `id,parentId,text\n1,,${m} top\n2,1,${m} under\n`)).status).toBe(201);
    const rows = await owner().query(
      `select t.text, t.list_id = app_default_list_id('anonymous') as in_default, p.text as parent
       from todos t left join todos p on p.id = t.parent_id where starts_with(t.text, $1) order by t.text`,
      [m],
    );
    expect(rows).toEqual([
      { text: `${m} top`, in_default: true, parent: null },
      { text: `${m} under`, in_default: true, parent: `${m} top` },
    ]);
  });

  describe('refuses a file whose links do not hold, naming the row and line, writing nothing', () => {
    it.each([
      ['a parentId naming no row of the file', `id,parentId,text\na,,X 1\nb,zz,X 2\n`, [[3, 2, /names no row/]]],
      ['a parentId naming its own row', `id,parentId,text\na,,X 1\nb,b,X 2\n`, [[3, 2, /names this row itself/]]],
      [
        'a parentId naming a subtask',
        `id,parentId,text\na,,X 1\nb,a,X 2\nc,b,X 3\n`,
        [[4, 3, /the row on line 3, which is a subtask itself/]],
      ],
      [
        'a cycle of parents',
        `id,parentId,text\na,b,X 1\nb,a,X 2\n`,
        [
          [2, 1, /the row on line 3, which is a subtask itself, whose parent is this row: a cycle/],
          [3, 2, /the row on line 2, which is a subtask itself, whose parent is this row: a cycle/],
        ],
      ],
      ['two rows with one id', `id,parentId,text\na,,X 1\n"a",,X 2\n`, [[3, 2, /is also the id of the row on line 2/]]],
      [
        'an id longer than 64 characters',
        `id,parentId,text\n${'i'.repeat(65)},,X 1\n`,
        [[2, 1, /id: must be at most 64/]],
      ],
      [
        'a parentId beyond a quoted multi-line row (lines, not rows)',
        `id,parentId,text,notes\na,,X 1,"two\nlines"\nb,nope,X 2,\n`,
        [[4, 2, /names no row/]],
      ],
    ] as const)('%s', async (_, template, expected) => {
      const m = marker();
      const list = await newList();
      const res = await importInto(list, template.replaceAll('X', m));
      expect(res.status).toBe(400);
      expect(res.headers.get('content-type')).toBe('application/problem+json');
      expect(res.body.invalidRows).toBe(expected.length);
      expect(res.body.rows.map((r: { line: number; row: number }) => [r.line, r.row])).toEqual(
        expected.map(([line, row]) => [line, row]),
      );
      res.body.rows.forEach((r: { errors: { path: string; message: string }[] }, i: number) =>
        expect(r.errors).toEqual([
          {
            path: /also the id|^id:/.test(expected[i]![2].source) ? 'id' : 'parentId',
            message: expect.stringMatching(new RegExp(expected[i]![2].source.replace(/^id: /, ''))),
          },
        ]),
      );
      expect(await storedList(list)).toEqual([]);
    });
  });

  it('answers 404 naming listId for a list of another owner or none, with rows or without, writing nothing', async () => {
    const m = marker();
    const theirs = await newList('someone-else');
    for (const listId of [theirs, crypto.randomUUID()]) {
      for (const csv of [`text\n${m} stray\n`, 'text\n']) {
        const res = await importInto(listId, csv);
        expect(res.status).toBe(404);
        expect(res.body.errors).toEqual([{ path: 'listId', message: 'names none of your lists' }]);
        const keyed = await importInto(listId, csv, { 'idempotency-key': crypto.randomUUID() });
        expect(keyed.status).toBe(404);
      }
    }
    expect(await owner().query(`select 1 from todos where starts_with(text, $1)`, [m])).toEqual([]);
  });

  it('still applies the todo quota (409)', async () => {
    const list = await newList();
    const res = await call('POST', `/todos/import?listId=${list}`, {
      body: `id,parentId,text\na,,${marker()}\nb,a,sub\n`,
      headers: { 'content-type': 'text/csv' },
      env: withSettings({ TODO_QUOTA: '1' }),
    });
    expect(res.status).toBe(409);
    expect(await storedList(list)).toEqual([]);
  });

  it('takes the list as part of an Idempotency-Key request: the same key and body into another list is a 422', async () => {
    const [a, b] = [await newList(), await newList()];
    const key = crypto.randomUUID();
    const csv = `text\n${marker()}\n`;
    expect((await importInto(a, csv, { 'idempotency-key': key })).status).toBe(201);
    expect((await importInto(a, csv, { 'idempotency-key': key })).headers.get('idempotent-replayed')).toBe('true');
    expect((await importInto(b, csv, { 'idempotency-key': key })).status).toBe(422);
    expect(await storedList(b)).toEqual([]);
  });

  it('imports 100,000 rows with parent links in one statement', async () => {
    const m = marker();
    // An owner of its own: 100,000 more todos would take the shared test owner past its quota.
    const name = `csv-${crypto.randomUUID().slice(0, 8)}`;
    const token = `tok-${name}-csv-lists-test-token`;
    const list = await newList(`token:${name}`);
    const rows = ['id,parentId,text'];
    for (let i = 0; i < 50_000; i++) rows.push(`${i},,${m} ${i}`, `s${i},${i},s`);
    // A deadline for 100,000 rows on a busy test machine, not the test Worker's 5 s.
    const res = await call('POST', `/todos/import?listId=${list}`, {
      body: rows.join('\n'),
      headers: { 'content-type': 'text/csv', authorization: `Bearer ${token}` },
      env: withSettings({ DB_TIMEOUT_MS: '240000', API_TOKENS: `${name}:${token}` }),
    });
    expect(res).toMatchObject({ status: 201, body: { inserted: 100_000 } });
    const [counts] = (await owner().query(
      `select count(*) filter (where parent_id is null)::int as tops, count(*) filter (where parent_id is not null)::int as subs,
         count(distinct parent_id)::int as parents from todos where list_id = $1`,
      [list],
    )) as { tops: number; subs: number; parents: number }[];
    expect(counts).toEqual({ tops: 50_000, subs: 50_000, parents: 50_000 });
  }, 300_000);
});

describe('GET /todos?listId= with Accept: text/csv', () => {
  it('exports each top-level todo followed by its subtasks, both in the list order, with every column', async () => {
    const m = marker();
    const list = await newList();
    const csv = `id,parentId,text\na,,${m} A\nb,,${m} B\na1,a,${m} A1\na2,a,${m} A2\nb1,b,${m} B1\n`;
    expect((await importInto(list, csv)).status).toBe(201);
    // Reorder in the database: B before A, A2 before A1.
    await owner().query(
      `update todos set position = case text when $2 then 'Zz' when $3 then 'Zz' else position end where list_id = $1`,
      [list, `${m} B`, `${m} A2`],
    );
    const exported = await exportList(list);
    expect(outline(exported)).toEqual([
      `${m} B`,
      `  ${m} B1 < ${m} B`,
      `${m} A`,
      `  ${m} A2 < ${m} A`,
      `  ${m} A1 < ${m} A`,
    ]);
    const stored = await storedList(list);
    expect(exported.map((r) => [r.id, r.listId, r.parentId, r.position])).toEqual(
      stored.map((r) => [r.id, list, r.parent_id ?? '', r.position]),
    );
  });

  it('round-trips a list into another: same texts, notes, due, done, order and parent structure, new ids', async () => {
    const m = marker();
    const source = await newList();
    const csv =
      csvRecord(['id', 'parentId', 'text', 'notes', 'due', 'done']) +
      [
        ['p', '', `${m} parent`, '=HYPERLINK("http://evil.example","x")', '2026-12-24', 'no'],
        ['c', 'p', `${m} child`, 'line one\r\nline "two", three', '2026-12-24T23:30:00-05:00', 'yes'],
        ['q', '', `@${m} formula-like text`, "'quoted", '', 'yes'],
      ]
        .map((cells) => csvRecord(cells))
        .join('');
    expect((await importInto(source, csv)).status).toBe(201);
    const exported = await exportList(source);
    expect(outline(exported)).toEqual([`${m} parent`, `  ${m} child < ${m} parent`, `'@${m} formula-like text`]); // as written: behind the formula guard
    // The export guards notes like any cell: a spreadsheet shows them as text.
    expect(exported[0]!.notes).toBe(`'=HYPERLINK("http://evil.example","x")`);

    const target = await newList();
    // The export's cells exactly as written (only quoted, nothing added), imported as they are.
    const body =
      csvRecord(CSV_COLUMNS) +
      exported.map((r) => CSV_COLUMNS.map((name) => csvField(r[name])).join(',') + '\r\n').join('');
    expect(await importInto(target, body)).toMatchObject({ status: 201, body: { inserted: 3 } });
    const copied = await exportList(target);
    const content = (rows: Exported[]) => rows.map(({ text, notes, due, done }) => ({ text, notes, due, done }));
    expect(content(copied)).toEqual(content(exported));
    expect(outline(copied)).toEqual(outline(exported));
    expect(copied.every((r) => r.listId === target)).toBe(true);
    expect(copied.map((r) => r.id).filter((id) => exported.some((e) => e.id === id))).toEqual([]);
    expect((await storedList(target)).map(({ notes }) => notes)).toEqual([
      '=HYPERLINK("http://evil.example","x")',
      'line one\r\nline "two", three',
      "'quoted",
    ]);
  });

  it('streams a list of more than one page with every row once, in the list order', async () => {
    const m = marker();
    const list = await newList();
    const rows = ['id,parentId,text'];
    // Families that straddle the page boundaries (1,000 rows): 700 tops of 2 subtasks each.
    for (let i = 0; i < 700; i++) rows.push(`${i},,${m} ${i}`, `${i}a,${i},${m} ${i}a`, `${i}b,${i},${m} ${i}b`);
    expect((await importInto(list, rows.join('\n'))).status).toBe(201);
    const exported = await exportList(list);
    expect(exported.map((r) => r.id)).toEqual((await storedList(list)).map((r) => r.id));
    expect(exported.map((r) => r.text)).toEqual(rows.slice(1).map((row) => row.split(',')[2]));
  });

  it('answers 404 naming listId for a list of another owner or none, and exports an empty list as a header', async () => {
    for (const listId of [await newList('someone-else'), crypto.randomUUID()]) {
      const res = await call('GET', `/todos?listId=${listId}`, { headers: { accept: 'text/csv' } });
      expect(res.status).toBe(404);
      expect(res.body.errors).toEqual([{ path: 'listId', message: 'names none of your lists' }]);
    }
    expect(await exportList(await newList())).toEqual([]);
  });

  it('exports the listing with a filter (top-level todos), and answers 400 for a listId that is not a UUID', async () => {
    const list = await newList();
    for (const [text, done] of [
      ['open', false],
      ['finished', true],
    ] as const)
      expect((await call('POST', '/todos', { json: { text, done, listId: list } })).status).toBe(201);
    const done = await call('GET', `/todos?listId=${list}&done=true`, { headers: { accept: 'text/csv' } });
    expect(done.status).toBe(200);
    const [header, ...rows] = parseCsv(done.body as string);
    expect(rows.map(({ fields }) => fields[header!.fields.indexOf('text')])).toEqual(['finished']);
    const bad = await call('GET', '/todos?listId=nope', { headers: { accept: 'text/csv' } });
    expect(bad.status).toBe(400);
  });
});
