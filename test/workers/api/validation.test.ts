import { beforeAll, describe, expect, it } from 'vitest';
import { call, createTodo, marker, type Todo } from './client.ts';

/** This file's own todo, for requests that name an existing one and must change nothing. */
let mine: Todo;
beforeAll(async () => {
  mine = await createTodo(marker());
});

/** Asserts a 400 validation problem whose errors name `path`. */
async function expectInvalid(res: Promise<{ status: number; body: any; headers: Headers }>, path: string) {
  const { status, body, headers } = await res;
  expect(status).toBe(400);
  expect(headers.get('content-type')).toBe('application/problem+json');
  expect(body.errors.map((e: any) => e.path)).toContain(path);
  return body;
}

const post = (json: unknown) => call('POST', '/todos', { json });

describe('todo text', () => {
  it.each([
    ['empty', ''],
    ['whitespace only', ' \t\n '],
    ['1001 characters', 'a'.repeat(1001)],
    ['1001 emoji', '😀'.repeat(1001)],
    ['a NUL byte', 'a\u0000b'],
    ['a lone surrogate', 'a\ud800b'],
    ['a number', 42],
    ['null', null],
  ])('rejects %s with a 400 naming text', async (_, text) => {
    await expectInvalid(post({ text }), 'text');
  });

  it('says why a NUL byte is refused', async () => {
    const body = await expectInvalid(post({ text: 'a\u0000b' }), 'text');
    expect(body.errors[0].message).toMatch(/NUL/);
  });

  it('requires text on create', async () => {
    await expectInvalid(post({ done: true }), 'text');
  });
});

describe('done', () => {
  it.each([
    ['"true"', 'true'],
    ['1', 1],
    ['null', null],
  ])('rejects %s: it must be a JSON boolean', async (_, done) => {
    await expectInvalid(post({ text: marker(), done }), 'done');
  });
});

describe('unknown fields', () => {
  it('are rejected by name on create and on patch', async () => {
    const body = await expectInvalid(post({ text: marker(), is_done: true }), 'is_done');
    expect(body.errors.find((e: any) => e.path === 'is_done').message).toMatch(/unknown field "is_done"/);
    const created = await createTodo(marker());
    await expectInvalid(call('PATCH', `/todos/${created.id}`, { json: { done: true, completed: true } }), 'completed');
    expect((await call('GET', `/todos/${created.id}`)).body.done).toBe(false); // nothing changed
  });

  it('are rejected in the query string too', async () => {
    await expectInvalid(call('GET', '/todos?completed=true'), 'completed');
  });
});

describe('ids in the path', () => {
  // Not a UUID in canonical lowercase form: no todo has it, so it is a 404 like any missing todo.
  it.each([
    'abc',
    '-1',
    '0',
    '42',
    '1.5',
    '99999999999999999999',
    '%20',
    '9B2F4C1E-3A5D-4E6F-8A7B-0C1D2E3F4A5B',
    '{9b2f4c1e-3a5d-4e6f-8a7b-0c1d2e3f4a5b}',
    '9b2f4c1e3a5d4e6f8a7b0c1d2e3f4a5b',
    'urn:uuid:9b2f4c1e-3a5d-4e6f-8a7b-0c1d2e3f4a5b',
    '9b2f4c1e-3a5d-4e6f-8a7b-0c1d2e3f4a5b'.repeat(40),
  ])('answers /todos/%.60s with a 404 problem that does not echo it, never a 400 or a 500', async (id) => {
    for (const method of ['GET', 'PATCH', 'DELETE']) {
      const res = await call(method, `/todos/${id}`, method === 'PATCH' ? { json: { done: true } } : {});
      expect(res.status, method).toBe(404);
      expect(res.headers.get('content-type')).toBe('application/problem+json');
      expect(res.body.detail).toBe('There is no todo with this id.');
    }
  });
});

describe('ids a create chooses', () => {
  it.each([
    [
      'an uppercase UUID',
      '9B2F4C1E-3A5D-4E6F-8A7B-0C1D2E3F4A5B',
      'must be a UUID in canonical lowercase form (8-4-4-4-12 hex digits)',
    ],
    ['the nil UUID', '00000000-0000-0000-0000-000000000000', 'must be a version 4 or 7 UUID (RFC 9562 variant)'],
    ['the max UUID', 'ffffffff-ffff-ffff-ffff-ffffffffffff', 'must be a version 4 or 7 UUID (RFC 9562 variant)'],
    ['a version 1 UUID', '9b2f4c1e-3a5d-1e6f-8a7b-0c1d2e3f4a5b', 'must be a version 4 or 7 UUID (RFC 9562 variant)'],
    ['a number', 42, 'must be a string'],
  ])('refuses %s with a 400 naming id, and creates nothing', async (_, id, message) => {
    const text = marker();
    const body = await expectInvalid(call('POST', '/todos', { json: { id, text } }), 'id');
    expect(body.errors).toEqual([{ path: 'id', message }]);
    expect((await call('GET', `/todos?limit=100`)).body.items.map((t: { text: string }) => t.text)).not.toContain(text);
  });
});

describe('PATCH bodies', () => {
  it('rejects an empty patch', async () => {
    const created = await createTodo(marker());
    const res = await call('PATCH', `/todos/${created.id}`, { json: {} });
    expect(res.status).toBe(400);
    expect(JSON.stringify(res.body.errors)).toMatch(/at least one/);
  });

  it('rejects an empty text and leaves the todo as it was', async () => {
    const created = await createTodo(marker());
    await expectInvalid(call('PATCH', `/todos/${created.id}`, { json: { text: '  ' } }), 'text');
    expect((await call('GET', `/todos/${created.id}`)).body).toEqual(created);
  });
});

describe('list parameters', () => {
  it.each(['0', '101', '-1', 'abc', '1.5', ''])('rejects limit=%s', async (limit) => {
    await expectInvalid(call('GET', `/todos?limit=${limit}`), 'limit');
  });

  it.each(['limit=5&limit=6', 'cursor=a&cursor=b', 'done=true&done=false'])(
    'rejects a parameter given twice: %s',
    async (query) => {
      const name = query.split('=')[0]!;
      const body = await expectInvalid(call('GET', `/todos?${query}`), name);
      expect(body.errors).toEqual([{ path: name, message: 'must be given once' }]);
    },
  );

  it.each(['yes', '1', 'TRUE', ''])('rejects done=%s', async (done) => {
    await expectInvalid(call('GET', `/todos?done=${done}`), 'done');
  });

  it.each([
    'garbage',
    'eyJ4IjoxfQ',
    btoa('["not a date",1]'),
    btoa('["2026-01-01T00:00:00.000000Z",-5]'),
    "'; drop table todos; --",
    // Well-formed but not instants Postgres takes: these used to reach the database.
    btoa('["2026-02-30T00:00:00.000000Z",1]'),
    btoa('["0000-01-01T00:00:00.000000Z",1]'),
    btoa('["2026-01-01T24:00:00.000000Z",1]'),
    btoa('["2026-01-01T00:00:00.000000Z",1,"extra"]'),
  ])('rejects a cursor it did not issue: %s', async (cursor) => {
    await expectInvalid(call('GET', `/todos?cursor=${encodeURIComponent(cursor)}`), 'cursor');
  });
});

describe('the size of a validation problem', () => {
  /** The raw answer to POST /todos with `body`, and its size in bytes (the served document checks its shape). */
  async function refusal(body: string, path = '/todos') {
    const res = await call('POST', path, { body, headers: { 'content-type': 'application/json' } });
    return { ...res, bytes: new TextEncoder().encode(JSON.stringify(res.body)).length };
  }
  const MAX_BYTES = 16 * 1024;

  it('lists 20 problems and counts the rest, for 64 KiB of unknown keys', async () => {
    // `"key000001":1,` is 14 bytes: 4600 of them come close to the 64 KiB a JSON body may take.
    const keys = Array.from({ length: 4600 }, (_, i) => `key${String(i).padStart(6, '0')}`);
    const body = JSON.stringify({ text: marker(), ...Object.fromEntries(keys.map((k) => [k, 1])) });
    expect(body.length).toBeGreaterThan(62 * 1024);
    expect(body.length).toBeLessThanOrEqual(64 * 1024);
    const res = await refusal(body);
    expect(res.status).toBe(400);
    expect(res.body.errors).toHaveLength(20);
    expect(res.body.errors[0]).toEqual({ path: 'key000000', message: 'unknown field "key000000"' });
    expect(res.body.moreErrors).toBe(4600 - 20);
    expect(res.bytes).toBeLessThanOrEqual(MAX_BYTES);
  });

  it('cuts each echoed name to 100 characters', async () => {
    const name = `${'n'.repeat(5000)}`;
    const res = await refusal(JSON.stringify({ text: marker(), [name]: true }));
    expect(res.status).toBe(400);
    const [error] = res.body.errors;
    expect(error.path).toHaveLength(100);
    expect(error.path).toBe(`${'n'.repeat(99)}…`);
    expect(error.message).toBe(`unknown field "${'n'.repeat(99)}…"`);
    expect(res.body.moreErrors).toBeUndefined();
  });

  it('stays within 16 KiB when every listed name is 100 characters that JSON escapes sixfold, counting what it leaves out', async () => {
    const keys = Array.from({ length: 40 }, (_, i) => `${String.fromCharCode(1 + i)}${'\u0001'.repeat(200)}`);
    const res = await refusal(JSON.stringify({ text: marker(), ...Object.fromEntries(keys.map((k) => [k, 1])) }));
    expect(res.status).toBe(400);
    expect(res.bytes).toBeLessThanOrEqual(MAX_BYTES);
    expect(res.body.errors.length).toBeGreaterThan(0);
    expect(res.body.errors.length + res.body.moreErrors).toBe(40);
  });

  it('lists 20 unknown query parameters and counts the rest', async () => {
    const query = Array.from({ length: 500 }, (_, i) => `q${i}=1`).join('&');
    const res = await call('GET', `/todos/${mine.id}?${query}`);
    expect(res.status).toBe(400);
    expect(res.body.errors).toHaveLength(20);
    expect(res.body.moreErrors).toBe(480);
  });
});

describe('query parameters where a route takes none', () => {
  it.each([
    ['POST', '/todos?dry=1', { json: { text: 'not created' } }],
    ['POST', '/todos/import?dry=1', { body: 'text\nnot imported\n', headers: { 'content-type': 'text/csv' } }],
    ['GET', '/todos/{mine}?foo=1', {}],
    ['PATCH', '/todos/{mine}?foo=1', { json: { done: true } }],
    ['DELETE', '/todos/{mine}?force=true', {}],
  ] as const)('%s %s is a 400 naming the parameter', async (method, path, options) => {
    const name = path.split('?')[1]!.split('=')[0]!;
    const body = await expectInvalid(call(method, path.replace('{mine}', String(mine.id)), options), name);
    expect(body.errors).toEqual([{ path: name, message: `unknown field "${name}"` }]);
  });

  it('changes nothing when it refuses one', async () => {
    const todo = await createTodo(marker());
    await expectInvalid(call('DELETE', `/todos/${todo.id}?force=true`), 'force');
    expect((await call('GET', `/todos/${todo.id}`)).status).toBe(200);
  });
});

describe('bodies', () => {
  it('answers 400 for malformed JSON', async () => {
    const res = await call('POST', '/todos', { body: '{"text": "a"', headers: { 'content-type': 'application/json' } });
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toBe('application/problem+json');
  });

  it.each([
    [undefined],
    ['text/plain'],
    ['application/x-www-form-urlencoded'],
    ['application/json; charset=iso-8859-1'],
    ['application/merge-patch+json'],
  ])('answers 415 for content type %s', async (type) => {
    const headers: Record<string, string> = type ? { 'content-type': type } : {};
    const res = await call('POST', '/todos', { body: JSON.stringify({ text: 'x' }), headers });
    expect(res.status).toBe(415);
    const patch = await call('PATCH', `/todos/${mine.id}`, { body: JSON.stringify({ done: true }), headers });
    expect(patch.status).toBe(415);
    expect((await call('GET', `/todos/${mine.id}`)).body).toEqual(mine);
  });

  it('answers 415 for an encoded body rather than reading it as malformed JSON', async () => {
    const res = await call('POST', '/todos', { json: { text: marker() }, headers: { 'content-encoding': 'gzip' } });
    expect(res.status).toBe(415);
    expect(res.body.detail).toContain('Content-Encoding');
  });

  it('answers 400 for bytes that are not UTF-8, instead of storing U+FFFD', async () => {
    const bytes = new Uint8Array([
      ...new TextEncoder().encode('{"text":"caf'),
      0xe9,
      ...new TextEncoder().encode('"}'),
    ]);
    const res = await call('POST', '/todos', { body: bytes, headers: { 'content-type': 'application/json' } });
    expect(res.status).toBe(400);
    expect(res.body.detail).toBe('The body is not valid UTF-8.');
  });

  it('accepts application/json with a charset', async () => {
    const res = await call('POST', '/todos', {
      body: JSON.stringify({ text: marker() }),
      headers: { 'content-type': 'application/json; charset=utf-8' },
    });
    expect(res.status).toBe(201);
  });

  it('answers 413 for a body over 64 KiB', async () => {
    const res = await call('POST', '/todos', { json: { text: 'a', pad: 'x'.repeat(65 * 1024) } });
    expect(res.status).toBe(413);
  });

  it('answers 400 (not 500) for JSON that is not an object', async () => {
    for (const body of ['[]', '"text"', 'null', '42']) {
      expect((await call('POST', '/todos', { body, headers: { 'content-type': 'application/json' } })).status).toBe(
        400,
      );
    }
  });
});
