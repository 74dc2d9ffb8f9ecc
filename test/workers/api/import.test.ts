import { env } from 'cloudflare:workers';
import { beforeAll, describe, expect, it } from 'vitest';
import { IMPORT_MAX_BYTES, IMPORT_MAX_ROWS } from '../../../src/todos/import-rows.ts';
import { useTestGateway } from '../../support/driver.ts';
import { rowsStartingWith as rowsOf } from '../../support/rows.ts';
import { call, marker, pagesUntil } from './client.ts';

beforeAll(() => useTestGateway(env.NEON_LOCAL_GATEWAY!));

const importCsv = (body: BodyInit, headers: Record<string, string> = {}) =>
  call('POST', '/todos/import', { body, headers: { 'content-type': 'text/csv', ...headers } });

const rowsStartingWith = (prefix: string) => rowsOf(env.DATABASE_OWNER_URL, prefix);

describe('POST /todos/import', () => {
  it('inserts every row in file order, with the trimmed text and the done flag, and answers 201 {inserted, replayed}', async () => {
    const m = marker();
    const csv = `\uFEFFtext,done\r\n${m} one,TRUE\r\n"${m} two, with a comma",no\r\n"${m} say ""hi""",1\r\n"${m} multi\nline",\r\n  ${m} padded  ,Yes\r\n`;
    const res = await importCsv(csv);
    expect(res.status).toBe(201);
    expect(res.body).toEqual({ inserted: 5, replayed: 0 });
    expect(await rowsStartingWith(m)).toEqual([
      { text: `${m} one`, done: true },
      { text: `${m} two, with a comma`, done: false },
      { text: `${m} say "hi"`, done: true },
      { text: `${m} multi\nline`, done: false },
      { text: `${m} padded`, done: true },
    ]);
  });

  it('imports through the API what GET /todos then lists, newest (last row) first', async () => {
    const m = marker();
    expect((await importCsv(`text\n${m} a\n${m} b\n`)).status).toBe(201);
    // Other files write concurrently: walk newest first until both rows are seen, then compare their order.
    const mineIn = (todos: { text: string }[]) => todos.map((t) => t.text).filter((text) => text.startsWith(m));
    const mine = mineIn(await pagesUntil('', 100, (seen) => mineIn(seen).length >= 2));
    expect(mine).toEqual([`${m} b`, `${m} a`]);
  });

  it('inserts nothing when one row is bad, and lists the bad rows with their lines', async () => {
    const m = marker();
    const res = await importCsv(`text,done\n${m} ok,false\n${m} bad,maybe\n"${m}\n  two lines ok",yes\n"   ",no\n`);
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toBe('application/problem+json');
    expect(res.body.detail).toMatch(/Nothing was imported: 2 row\(s\) are invalid/);
    expect(res.body.invalidRows).toBe(2);
    expect(res.body.rows).toEqual([
      { line: 3, row: 2, errors: [{ path: 'done', message: 'must be true/false, 1/0, yes/no (any case) or empty' }] },
      { line: 6, row: 4, errors: [{ path: 'text', message: 'must not be empty or only whitespace' }] },
    ]);
    expect(await rowsStartingWith(m)).toEqual([]);
  });

  it("removes one ' an export put before a formula-like text, and keeps any other", async () => {
    const m = marker();
    const csv = `text\n'=${m} a\n''=${m} b\n'h${m} c\n  '-${m} d\n'${m} e\n'@${m} f\n'+${m} g\n`;
    expect(await importCsv(csv)).toMatchObject({ status: 201, body: { inserted: 7 } });
    const expected = [`=${m} a`, `'=${m} b`, `'h${m} c`, `-${m} d`, `'${m} e`, `@${m} f`, `+${m} g`];
    const stored = await Promise.all(expected.map((text) => rowsStartingWith(text)));
    expect(stored.map((rows) => rows.map((r) => r.text))).toEqual(expected.map((text) => [text]));
  });

  it('counts blank lines toward the row limit: a body of only line breaks is refused with 413 at the limit', async () => {
    const res = await importCsv('text\n' + '\n'.repeat(IMPORT_MAX_ROWS + 1));
    expect(res.status).toBe(413);
    expect(res.body.detail).toMatch(/blank lines included/);
  });

  it("takes a text of exactly 1000 characters, the limit the table's CHECK counts the same way", async () => {
    const m = marker();
    const res = await importCsv(`text\n${m} ${'x'.repeat(1000 - m.length - 1)}\n`);
    expect(res.status).toBe(201);
    expect((await rowsStartingWith(m))[0]!.text).toHaveLength(1000);
  });

  it('answers 400 for a broken CSV or a bad header, naming the line', async () => {
    const broken = await importCsv('text\n"never closed\n');
    expect(broken.status).toBe(400);
    expect(broken.body.rows).toEqual([
      { line: 2, row: 0, errors: [{ path: '(csv)', message: expect.stringMatching(/never closed/) }] },
    ]);
    const header = await importCsv('title,done\nx,true\n');
    expect(header.status).toBe(400);
    expect(header.body.rows[0]).toMatchObject({
      line: 1,
      errors: [{ path: '(header)', message: expect.stringMatching(/"title"/) }],
    });
  });

  it('answers 400 for a body that is not UTF-8', async () => {
    const res = await importCsv(new Uint8Array([...new TextEncoder().encode('text\n'), 0xff, 0xfe, 0x0a]));
    expect(res.status).toBe(400);
    expect(res.body.detail).toBe('The body is not valid UTF-8.');
  });

  it.each([
    ['application/json', 415],
    ['text/plain', 415],
    ['text/csv; charset=latin1', 415],
    ['text/csv; charset=UTF-8', 201],
    ['text/csv;charset="utf-8"; header=present', 201],
  ])('Content-Type %s -> %i', async (type, status) => {
    const res = await call('POST', '/todos/import', { body: `text\n${marker()}\n`, headers: { 'content-type': type } });
    expect(res.status).toBe(status);
    if (status === 415) expect(res.headers.get('accept-post')).toBe('text/csv');
  });

  it(`refuses a body over ${IMPORT_MAX_BYTES} bytes with 413, inserting nothing`, async () => {
    const m = marker();
    const row = `${m} ${'x'.repeat(990)}\n`;
    const body = `text\n${row.repeat(Math.ceil(IMPORT_MAX_BYTES / row.length) + 1)}`;
    const res = await importCsv(body);
    expect(res.status).toBe(413);
    expect(await rowsStartingWith(m)).toEqual([]);
  });

  it('refuses more than 100,000 rows with 413, inserting nothing', async () => {
    const m = marker();
    const res = await importCsv(`text\n${m}\n` + 'x\n'.repeat(100_000));
    expect(res.status).toBe(413);
    expect(res.body.detail).toMatch(/at most 100000 rows/);
    expect(await rowsStartingWith(m)).toEqual([]);
  });

  // Bodies within the size limit that used to exhaust the isolate (each record was built before
  // the row limit was checked; every unknown column name went into the problem). The answer must
  // be small, and the same isolate must go on serving.
  it.each([
    ['one-character rows', 'text\n' + 'a\n'.repeat(IMPORT_MAX_BYTES / 2 - 3), 413, /at most 100000 rows/],
    ['a header of commas', ','.repeat(IMPORT_MAX_BYTES), 400, /record is longer than 16384/],
    [
      'a line of commas after the header',
      'text\n' + ','.repeat(IMPORT_MAX_BYTES - 5),
      400,
      /record is longer than 16384/,
    ],
  ])('answers a 10 MiB body of %s at once, in a small problem, and keeps serving', async (_, body, status, reason) => {
    const res = await importCsv(body);
    expect(res.status).toBe(status);
    expect(JSON.stringify(res.body)).toMatch(reason);
    expect(JSON.stringify(res.body).length).toBeLessThan(16 * 1024);
    expect((await call('GET', '/health')).status).toBe(200);
  });

  it('takes rows that swell to nearly the 4 MiB a statement may carry, and refuses more with 413', async () => {
    // A backslash costs 4 bytes in the request: 1,000 rows of 900 are about 3.6 MB there, 1,300 about 4.7 MB.
    const backslashRows = (prefix: string, count: number) =>
      'text\n' + Array.from({ length: count }, (_, i) => `${prefix} ${i} ${'\\'.repeat(900)}\n`).join('');
    const fits = await importCsv(backslashRows(marker(), 1000));
    expect(fits).toMatchObject({ status: 201, body: { inserted: 1000 } });
    const m2 = marker();
    const tooBig = await importCsv(backslashRows(m2, 1300));
    expect(tooBig.status).toBe(413);
    expect(tooBig.body.detail).toMatch(/once encoded for the database/);
    expect(await rowsStartingWith(m2)).toEqual([]);
  });

  it('answers 201 {inserted: 0} for a header without rows', async () => {
    const res = await importCsv('text,done\n');
    expect(res).toMatchObject({ status: 201, body: { inserted: 0 } });
  });
});

describe('Idempotency-Key on POST /todos/import', () => {
  it('replays the original 201 for the same key and body, inserting nothing more', async () => {
    const key = crypto.randomUUID();
    const m = marker();
    const csv = `text\n${m} a\n${m} b\n`;
    const first = await importCsv(csv, { 'idempotency-key': key });
    const again = await importCsv(csv, { 'idempotency-key': key });
    expect(first).toMatchObject({ status: 201, body: { inserted: 2 } });
    expect(first.headers.get('idempotent-replayed')).toBeNull();
    expect(again).toMatchObject({ status: 201, body: { inserted: 2 } });
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(await rowsStartingWith(m)).toHaveLength(2);
  });

  it('replays the same file whatever its framing: sent with a length, then chunked', async () => {
    const key = crypto.randomUUID();
    const csv = `text\n${marker()} framed\n`;
    const first = await importCsv(csv, { 'idempotency-key': key });
    const chunked = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(new TextEncoder().encode(csv));
        controller.close();
      },
    });
    const again = await importCsv(chunked, { 'idempotency-key': key });
    expect([first.status, again.status]).toEqual([201, 201]);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
  });

  it('answers 422 for the same key with another body, inserting nothing', async () => {
    const key = crypto.randomUUID();
    const m = marker();
    expect((await importCsv(`text\n${m} a\n`, { 'idempotency-key': key })).status).toBe(201);
    const other = await importCsv(`text\n${m} b\n`, { 'idempotency-key': key });
    expect(other.status).toBe(422);
    expect(await rowsStartingWith(m)).toEqual([{ text: `${m} a`, done: false }]);
  });

  it('inserts each row once when the same keyed import races itself', async () => {
    const key = crypto.randomUUID();
    const m = marker();
    const csv = `text\n${m} a\n${m} b\n${m} c\n`;
    const answers = await Promise.all(Array.from({ length: 8 }, () => importCsv(csv, { 'idempotency-key': key })));
    expect(answers.map((a) => a.status)).toEqual(Array(8).fill(201));
    expect(answers.filter((a) => a.headers.get('idempotent-replayed') === null)).toHaveLength(1);
    expect(await rowsStartingWith(m)).toHaveLength(3);
  });

  it('does not spend a key on a rejected import', async () => {
    const key = crypto.randomUUID();
    const m = marker();
    expect((await importCsv(`text,done\n${m},maybe\n`, { 'idempotency-key': key })).status).toBe(400);
    expect((await importCsv(`text,done\n${m},yes\n`, { 'idempotency-key': key })).status).toBe(201);
    expect(await rowsStartingWith(m)).toEqual([{ text: m, done: true }]);
  });
});
