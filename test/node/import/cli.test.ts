import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { neon } from '@neondatabase/serverless';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { csvRecord } from '../../../src/csv/format.ts';
import { parseCsv } from '../../../src/csv/parse.ts';
import {
  importColumns,
  importRow,
  statementBytes,
  type ImportColumns,
  type ImportedRow,
} from '../../../src/todos/import-rows.ts';
import { fileChunks } from '../../../dev/import/chunks.ts';
import { freePort } from '../../../dev/upstreams/process.ts';
import { startWorker } from '../../../dev/worker.ts';
import { progressReporter } from '../../../dev/import/progress.ts';
import { refusal } from '../../../dev/import/send.ts';
import { useTestGateway } from '../../support/driver.ts';
import { rowsStartingWith as rowsOf } from '../../support/rows.ts';
import { flakyProxy, type Fate } from '../../support/flaky-proxy.ts';

// npm run import end to end: the CLI (a child process) -> wrangler dev (workerd) -> gateway -> database.
const TOKEN = 'import-test-token-0123456789abcdef';
/** Another owner's token (`token:other`). */
const OTHER_TOKEN = 'import-test-other-0123456789abcdef';
// A caller of its own for the quota's test, under a quota the other tests stay far below.
const ROOM_OWNER = `room${crypto.randomUUID().slice(0, 8)}`;
const ROOM_TOKEN = `import-room-token-${crypto.randomUUID()}`;
const QUOTA = 20_000;
const folder = mkdtempSync(join(tmpdir(), 'todo-import-'));
let worker: Awaited<ReturnType<typeof startWorker>>;

beforeAll(async () => {
  await useTestGateway(inject('gatewayAddress'));
  worker = await startWorker({
    vars: {
      NEON_LOCAL_GATEWAY: inject('gatewayAddress'),
      DATABASE_URL: inject('databaseUrl'),
      API_TOKENS: `${TOKEN},other:${OTHER_TOKEN},${ROOM_OWNER}:${ROOM_TOKEN}`,
      TODO_QUOTA: String(QUOTA),
    },
    persistTo: join(folder, 'wrangler'),
    // These tests send many small chunks as one owner: the per-owner import limit is not what they test.
    importRateLimit: 1_000_000,
  });
}, 90_000);

afterAll(async () => {
  await worker?.stop();
  rmSync(folder, { recursive: true, force: true });
});

/** Runs `npm run import` (its script, without npm's banner) and collects what it printed. */
function runImport(args: string[], env: Record<string, string> = {}): Promise<{ code: number | null; stderr: string }> {
  const child = spawn('node_modules/.bin/tsx', ['dev/import/main.ts', ...args], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, stderr })));
}

let files = 0;
const writeCsv = (content: string) => {
  const path = join(folder, `file-${files++}.csv`);
  writeFileSync(path, content);
  return path;
};

const marker = () => `cli-${crypto.randomUUID().slice(0, 8)}`;
const rowsStartingWith = (prefix: string) => rowsOf(inject('ownerUrl'), prefix);
/** A file of `count` rows, each with a distinct text, some of them tricky. */
function generated(prefix: string, count: number) {
  const texts = Array.from({ length: count }, (_, i) =>
    i % 7 === 3 ? `${prefix} ${i} "quoted", and\nsplit 😀` : `${prefix} ${i}`,
  );
  const dones = texts.map((_, i) => i % 3 === 0);
  return {
    texts,
    dones,
    csv: '\uFEFF' + csvRecord(['text', 'done']) + texts.map((t, i) => csvRecord([t, dones[i] ? 'yes' : 'no'])).join(''),
  };
}
const auth = ['--token', TOKEN];

describe('npm run import', () => {
  it('imports a file in chunks, every row once, in file order, with plain progress lines when not on a terminal', async () => {
    const m = marker();
    const { texts, dones, csv } = generated(m, 250);
    const run = await runImport([writeCsv(csv), '--url', worker.url, '--chunk-rows', '60', ...auth]);
    expect(run.stderr).toMatch(/importing 250 rows .* in chunks of 60/);
    expect(run.stderr.match(/^imported \S+\/250 rows \(\d+%\), [\d,]+ rows\/s, ETA/gm)).toHaveLength(5);
    expect(run.stderr).toMatch(/done: 250 rows imported/);
    expect(run.code).toBe(0);
    expect(await rowsStartingWith(m)).toEqual(texts.map((text, i) => ({ text, done: dones[i] })));
  }, 60_000);

  /**
   * A 500-row file imported in chunks of 50 through a proxy that passes GET /me and chunks 1-3, then loses every
   * answer after the Worker did the work: the run stops with 200 rows in (chunk 4 landed, unconfirmed).
   */
  async function cutOffImport() {
    const m = marker();
    const { texts, csv } = generated(m, 500);
    const path = writeCsv(csv);
    const proxy = await flakyProxy(worker.url, (n): Fate => (n < 4 ? 'pass' : 'lose-answer'));
    const cut = await runImport([path, '--url', proxy.url, '--chunk-rows', '50', ...auth]);
    await proxy.close();
    expect(cut.code).toBe(1);
    expect(cut.stderr).toMatch(/150 of 500 rows are confirmed in; run the same command again/);
    expect((await rowsStartingWith(m)).length).toBe(200);
    return { m, texts, path };
  }

  it('finishes an import cut off mid-file when run again, with exactly one row per CSV line', async () => {
    const { m, texts, path } = await cutOffImport();

    const again = await runImport([path, '--url', worker.url, '--chunk-rows', '50', ...auth]);
    expect(again.code).toBe(0);
    expect(again.stderr).toMatch(/done: 300 rows imported .*; 200 rows were already in from an earlier run/);
    expect((await rowsStartingWith(m)).map((r) => r.text)).toEqual(texts);

    const third = await runImport([path, '--url', worker.url, '--chunk-rows', '50', ...auth]);
    expect(third.stderr).toMatch(/done: 0 rows imported .*; 500 rows were already in/);
    expect((await rowsStartingWith(m)).length).toBe(500);
  }, 90_000);

  it('finishes an import cut off mid-file when run again with another chunk size, and again after the keys expired', async () => {
    const { m, texts, path } = await cutOffImport();

    // Larger chunks straddle the ones already in: each row already in is counted, not inserted again.
    const faster = await runImport([path, '--url', worker.url, '--chunk-rows', '70', ...auth]);
    expect(faster.code).toBe(0);
    expect(faster.stderr).toMatch(/done: 300 rows imported .*; 200 rows were already in from an earlier run/);
    expect((await rowsStartingWith(m)).map((r) => r.text)).toEqual(texts);

    // A day later every idempotency key has expired and been swept: the rows' ids still say they are in.
    await neon(inject('ownerUrl')).query(
      `update idempotency_keys set created_at = now() - interval '25 hours' where owner = 'default'`,
    );
    await neon(inject('ownerUrl')).query('select purge_expired_idempotency_keys(100000)');
    const later = await runImport([path, '--url', worker.url, '--chunk-rows', '500', ...auth]);
    expect(later.code).toBe(0);
    expect(later.stderr).toMatch(/done: 0 rows imported .*; 500 rows were already in/);
    expect((await rowsStartingWith(m)).map((r) => r.text)).toEqual(texts);
  }, 120_000);

  it("gives two owners importing the same file rows of their own: neither meets the other's ids", async () => {
    const m = marker();
    const { texts, csv } = generated(m, 20);
    const path = writeCsv(csv);
    const mine = await runImport([path, '--url', worker.url, ...auth]);
    const theirs = await runImport([path, '--url', worker.url, '--token', OTHER_TOKEN]);
    expect([mine.code, theirs.code]).toEqual([0, 0]);
    expect(theirs.stderr).toMatch(/done: 20 rows imported/);
    expect((await rowsStartingWith(m)).map((r) => r.text).sort()).toEqual([...texts, ...texts].sort());
  }, 60_000);

  it('retries a chunk whose answer was lost, with the same row ids, and inserts it once', async () => {
    const m = marker();
    const { texts, csv } = generated(m, 120);
    // Request 0 is the room check (GET /me); then the chunks.
    const proxy = await flakyProxy(worker.url, (n): Fate => (n === 2 ? 'lose-answer' : n === 3 ? 'refuse' : 'pass'));
    const run = await runImport([writeCsv(csv), '--url', proxy.url, '--chunk-rows', '40', ...auth]);
    await proxy.close();
    expect(run.stderr).toMatch(/chunk 2: .*; retrying with the same row ids/);
    expect(run.code).toBe(0);
    expect((await rowsStartingWith(m)).map((r) => r.text)).toEqual(texts);
  }, 60_000);

  it('honours Retry-After on a 429 and on a 5xx, retrying with the same key, and inserts the chunk once', async () => {
    const m = marker();
    const { texts, csv } = generated(m, 30);
    // The retry is due 2 s after each refusal; without Retry-After the CLI would wait 250 ms, then 500 ms.
    const proxy = await flakyProxy(worker.url, (n): Fate =>
      n === 1 ? { status: 429, retryAfter: '2' } : n === 2 ? { status: 503, retryAfter: '2' } : 'pass',
    );
    const run = await runImport([writeCsv(csv), '--url', proxy.url, ...auth]);
    await proxy.close();
    expect(run.stderr).toMatch(/chunk 1: 429 injected 429; retrying with the same row ids/);
    expect(run.stderr).toMatch(/chunk 1: 503 injected 503; retrying with the same row ids/);
    expect(run.code).toBe(0);
    const [, first, second, third] = proxy.arrivals();
    expect(second!.at - first!.at).toBeGreaterThanOrEqual(2000 - 20); // timers may fire a hair early against another clock
    expect(third!.at - second!.at).toBeGreaterThanOrEqual(2000 - 20);
    expect(proxy.requests()).toBe(4);
    expect((await rowsStartingWith(m)).map((r) => r.text)).toEqual(texts);
  }, 60_000);

  it('imports a file with parent links into --list, each chunk ending where no link crosses, in file order', async () => {
    const m = marker();
    const list = crypto.randomUUID();
    const direct = neon(inject('ownerUrl'));
    await direct.query(`insert into lists (id, owner, title, position) values ($1, 'default', 'cli', 'a0')`, [list]);
    // 12 families of a parent and 3 subtasks; the last family's first subtask comes before its parent.
    const rows: string[][] = [];
    for (let f = 0; f < 12; f++) {
      const family = [[`p${f}`, '', `${m} ${f}`], ...[0, 1, 2].map((s) => [`s${f}.${s}`, `p${f}`, `${m} ${f}.${s}`])];
      rows.push(...(f === 11 ? [family[1]!, family[0]!, family[2]!, family[3]!] : family));
    }
    const csv = csvRecord(['id', 'parentId', 'text']) + rows.map((r) => csvRecord(r)).join('');
    const run = await runImport([writeCsv(csv), '--url', worker.url, '--chunk-rows', '3', '--list', list, ...auth]);
    expect(run.stderr).toMatch(/done: 48 rows imported/);
    expect(run.code).toBe(0);
    const stored = (await direct.query(
      `select t.text, p.text as parent from todos t left join todos p on p.id = t.parent_id where t.list_id = $1
       order by coalesce(p.position, t.position) collate "C", coalesce(p.id, t.id), t.parent_id is not null, t.position collate "C", t.id`,
      [list],
    )) as { text: string; parent: string | null }[];
    const families = Array.from({ length: 12 }, (_, f) => [
      { text: `${m} ${f}`, parent: null },
      ...[0, 1, 2].map((s) => ({ text: `${m} ${f}.${s}`, parent: `${m} ${f}` })),
    ]);
    expect(stored).toEqual(families.flat());
  }, 60_000);

  it('sends to an API under a path given in --url', async () => {
    const m = marker();
    const { texts, csv } = generated(m, 10);
    const proxy = await flakyProxy(worker.url, () => 'pass', { prefix: '/api/v1' });
    const run = await runImport([writeCsv(csv), '--url', `${proxy.url}/api/v1/`, ...auth]);
    await proxy.close();
    expect(run.code).toBe(0);
    expect(proxy.arrivals().map((a) => a.path)).toEqual([
      '/api/v1/me',
      expect.stringMatching(
        /^\/api\/v1\/todos\/import\?firstId=[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{4}00000000$/,
      ),
    ]);
    expect((await rowsStartingWith(m)).map((r) => r.text)).toEqual(texts);
  });

  it('checks the whole file before sending anything: a bad row near the end imports nothing and names its line', async () => {
    const m = marker();
    const run = await runImport([
      writeCsv(`text,done\n${m} a,yes\n${m} b,no\n"${m}\nc",maybe\n   ,\n`),
      '--url',
      worker.url,
      '--chunk-rows',
      '1',
      ...auth,
    ]);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(
      /nothing was imported:\n2 invalid row\(s\):\nline 4: done must be true\/false.*\nline 6: text must not be empty/,
    );
    expect(await rowsStartingWith(m)).toEqual([]);
  });

  it.each([
    ['a header without text', 'done\nyes\n', /line 1 \(header\): the header must name a "text" column/],
    ['an unknown column', 'title,done\nx,yes\n', /line 1 \(header\): unknown column\(s\) "title"/],
    ['broken quoting', 'text\n"open\n', /line 2: a quoted field is never closed/],
    ['an empty file', '', /the file is empty/],
  ])('refuses %s with a clear error', async (_, content, message) => {
    const run = await runImport([writeCsv(content), '--url', worker.url, ...auth]);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(message);
  });

  it.each([
    ['Latin-1 in the middle', [...Buffer.from('text\ncaf'), 0xe9, 0x0a]],
    ['a character cut short at the end', [...Buffer.from('text\ncaf'), 0xc3]],
  ])('refuses bytes that are not UTF-8: %s', async (_, bytes) => {
    const path = join(folder, `not-utf8-${files++}.csv`);
    writeFileSync(path, Buffer.from(bytes));
    const run = await runImport([path, '--url', worker.url, ...auth]);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/is not UTF-8 text/);
  });

  it("reads GET /me first and stops before sending a file that would not fit in the account's quota", async () => {
    const m = marker();
    const { csv } = generated(m, QUOTA + 1);
    const path = writeCsv(csv);
    const auth = ['--token', ROOM_TOKEN];
    const stopped = await runImport([path, '--url', worker.url, ...auth]);
    expect(stopped.code).toBe(1);
    expect(stopped.stderr).toMatch(
      /nothing was imported: the file has 20,001 rows, and the account has room for 20,000 more todos \(it has 0 of its quota of 20,000\)/,
    );
    expect(stopped.stderr).not.toMatch(/importing/);
    expect(await rowsStartingWith(m)).toEqual([]);
    // What it spares: without the check, the import fails mid-file, at the chunk that crosses the quota.
    const unchecked = await runImport([path, '--url', worker.url, '--chunk-rows', '10000', '--no-room-check', ...auth]);
    expect(unchecked.code).toBe(1);
    expect(unchecked.stderr).toMatch(
      /the API refused chunk 3 \(file lines \S+\) with 409: This would exceed your quota/,
    );
    expect(unchecked.stderr).toMatch(/20,000 of 20,001 rows are confirmed in/);
    expect(await rowsStartingWith(m)).toHaveLength(QUOTA);
  }, 90_000);

  it('goes on without the room check when GET /me cannot be read, and says so', async () => {
    const m = marker();
    const proxy = await flakyProxy(worker.url, (n): Fate => (n === 0 ? { status: 503 } : 'pass'));
    const run = await runImport([writeCsv(`text\n${m}\n`), '--url', proxy.url, ...auth]);
    await proxy.close();
    expect(run.stderr).toMatch(/not checking the account's room for todos: GET \/me answered 503/);
    expect(run.code).toBe(0);
    expect(await rowsStartingWith(m)).toHaveLength(1);
  });

  it('says so when the file does not exist', async () => {
    const run = await runImport([join(folder, 'missing.csv'), '--url', worker.url]);
    expect(run).toMatchObject({ code: 1, stderr: expect.stringMatching(/error: no such file: .*missing\.csv/) });
  });

  it('says so when the API cannot be reached, after retrying', async () => {
    const run = await runImport([writeCsv('text\nunreachable\n'), '--url', `http://127.0.0.1:${await freePort()}`]);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/cannot import through http:\/\/127\.0\.0\.1:\d+: ECONNREFUSED \(after 5 attempts\)/);
    expect(run.stderr).toMatch(/0 of 1 rows are confirmed in/);
  }, 30_000);

  it('stops at a chunk the API refuses, quoting the API (here: a wrong token, then the token from TODO_API_TOKEN works)', async () => {
    const m = marker();
    const path = writeCsv(`text\n${m}\n`);
    const refused = await runImport([path, '--url', worker.url, '--token', 'wrong']);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(
      /the API refused chunk 1 \(file lines 2-2\) with 401: The bearer token is not valid\./,
    );
    const accepted = await runImport([path, '--url', worker.url], { TODO_API_TOKEN: TOKEN });
    expect(accepted.code).toBe(0);
    expect(await rowsStartingWith(m)).toHaveLength(1);
  });

  it('rejects bad flags with a usage line and exit code 2', async () => {
    const run = await runImport(['a.csv', '--chunk-rows', '0']);
    expect(run).toMatchObject({
      code: 2,
      stderr: expect.stringMatching(/--chunk-rows must be an integer from 1 to 100000/),
    });
  });
});

describe("a refusal in the file's terms", () => {
  it('maps the rows of a refused chunk back to file lines', () => {
    const problem = JSON.stringify({
      detail: 'Nothing was imported: 1 row(s) are invalid; see rows.',
      rows: [{ line: 3, row: 2, errors: [{ path: 'text', message: 'must not be empty' }] }],
    });
    expect(refusal(400, problem, { index: 4, lines: [101, 103, 106] })).toBe(
      'the API refused chunk 5 (file lines 101-106) with 400: Nothing was imported: 1 row(s) are invalid; see rows.\n  line 103: text must not be empty',
    );
  });
});

describe('progress on a terminal', () => {
  it('redraws one bar line with rows done, rows/s and ETA, and ends it with a newline', () => {
    let written = '';
    const terminal = {
      isTTY: true,
      write: (text: string) => ((written += text), true),
    } as unknown as NodeJS.WriteStream;
    const progress = progressReporter(1000, terminal);
    progress.update(250);
    progress.note('chunk 2: ECONNRESET; retrying with the same Idempotency-Key');
    progress.update(1000);
    progress.finish();
    const frames = written.split('\r\x1b[K').filter(Boolean);
    expect(frames[0]).toMatch(/^\[######\.{18}\] 250\/1,000 rows \(25%\), [\d,]+ rows\/s, ETA (\d+ s|\d+ min|\?)$/);
    expect(frames[1]).toBe('chunk 2: ECONNRESET; retrying with the same Idempotency-Key\n');
    expect(frames[2]).toMatch(/^\[#{24}\] 1,000\/1,000 rows \(100%\), [\d,]+ rows\/s, ETA 0 s\n$/);
  });
});

describe('chunks', () => {
  async function* recordsOf(csv: string) {
    yield* parseCsv(csv);
  }
  const chunksOf = async (csv: string, chunkRows: number, maxBytes: number) => {
    const chunks = [];
    for await (const chunk of fileChunks(recordsOf(csv), importColumns(['text']) as ImportColumns, chunkRows, maxBytes))
      chunks.push(chunk);
    return chunks;
  };

  it('end at chunkRows rows, or earlier when the rows would outgrow one statement, the same way on every run', async () => {
    const texts = Array.from({ length: 30 }, (_, i) => `${i} ${'漢'.repeat(i % 2 ? 300 : 10)}`);
    const csv = 'text\n' + texts.map((t) => `${t}\n`).join('');
    const maxBytes = 4000;
    const chunks = await chunksOf(csv, 10, maxBytes);
    expect(chunks.length).toBeGreaterThan(3); // 30 rows of chunkRows 10 would be 3 chunks: size split them further
    for (const chunk of chunks) {
      const [header, ...records] = parseCsv(chunk.body);
      const columns = importColumns(header!.fields) as ImportColumns;
      const rows = records.map((r) => importRow(r.fields, columns) as ImportedRow);
      expect(rows.length).toBeLessThanOrEqual(10);
      expect(statementBytes(rows) - 8).toBeLessThanOrEqual(maxBytes);
    }
    expect(
      chunks.flatMap((c) => {
        const [header, ...records] = parseCsv(c.body);
        return records.map((r) => r.fields[header!.fields.indexOf('text')]);
      }),
    ).toEqual(texts);
    expect(chunks.flatMap((c) => c.lines)).toEqual(texts.map((_, i) => i + 2));
    expect((await chunksOf(csv, 10, maxBytes)).map((c) => c.body)).toEqual(chunks.map((c) => c.body));
  });

  it('never split a parent from its subtasks, and refuse a family larger than one statement', async () => {
    const csv = 'text,id,parentId\na,1,\nb,2,1\nc,3,\nd,4,\ne,5,4\nf,6,4\ng,7,\n';
    // Rows 1-2, 4-6 are families: the only places to cut are before rows 3, 4 and 7.
    const parentRows = Int32Array.from([0, 1, 0, 0, 4, 4, 0]);
    const columns = importColumns(['text', 'id', 'parentId']) as ImportColumns;
    const chunks = [];
    for await (const chunk of fileChunks(recordsOf(csv), columns, 1, 4000, parentRows)) chunks.push(chunk);
    expect(chunks.map((c) => c.lines)).toEqual([[2, 3], [4], [5, 6, 7], [8]]);
    // Each chunk's labels are row numbers in the file, so a chunk's links resolve within it.
    const [header, ...records] = parseCsv(chunks[2]!.body);
    const at = (name: string) => header!.fields.indexOf(name);
    expect(records.map((r) => [r.fields[at('text')], r.fields[at('id')], r.fields[at('parentId')]])).toEqual([
      ['d', '4', ''],
      ['e', '5', '4'],
      ['f', '6', '4'],
    ]);
    const tooBig = async () => {
      for await (const _ of fileChunks(recordsOf(csv), columns, 1, 30, parentRows));
    };
    await expect(tooBig()).rejects.toThrow(/line 3: the rows tied to it by parentId/);
  });
});
