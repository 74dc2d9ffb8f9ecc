import { env, exports } from 'cloudflare:workers';
import { neon } from '@neondatabase/serverless';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { useTestGateway } from '../../support/driver.ts';
import { responseErrors } from '../../support/openapi-validator.ts';
import { createTodo } from './client.ts';

const RUN = `FUZZ-${crypto.randomUUID().slice(0, 8)}`;
let doc: any;
let target: { id: number; text: string; done: boolean; createdAt: string; updatedAt: string };
/** Ids of todos the fuzzer created with an accepted POST (text starting with RUN). */
const accepted = new Set<number>();

beforeAll(async () => {
  await useTestGateway(env.NEON_LOCAL_GATEWAY!);
  doc = await (await exports.default.fetch('http://localhost/openapi.json')).json();
  target = await createTodo(`${RUN} target`);
});

/** Strings that have broken APIs before. */
const nasty = fc.oneof(
  fc.constantFrom('', ' ', '\u0000', 'a\u0000b', '\ud800', '\udfff', '\u202e', '\ufeff', '𝕏', '👩‍👩‍👧', 'مرحبا', '\r\n', '"', "'", '\\',
    "'; drop table todos; --", "1' or '1'='1", '$1', '%s%s%n', '../../etc/passwd', '<script>alert(1)</script>', 'null', 'true', '-0', '1e309', 'NaN'),
  fc.string({ maxLength: 50 }),
  fc.string({ unit: 'binary', maxLength: 30 }),
  fc.string({ minLength: 990, maxLength: 1100 }),
);
/** URLs cannot carry lone surrogates at all, so those are made well-formed before encoding. */
const inUrl = (s: string) => encodeURIComponent(s.toWellFormed());
const deep = (depth: number): unknown => (depth === 0 ? 'x' : { a: deep(depth - 1) });
const anyJson = fc.oneof(nasty, fc.integer(), fc.double(), fc.boolean(), fc.constant(null), fc.array(nasty, { maxLength: 3 }), fc.constant(deep(200)), fc.dictionary(nasty, nasty, { maxKeys: 3 }));
const body = fc.oneof(
  fc.record({ text: anyJson, done: anyJson }, { requiredKeys: [] }),
  fc.record({ text: nasty.map((t) => `${RUN} ${t}`), done: fc.boolean() }, { requiredKeys: ['text'] }),
  fc.record({ text: nasty, is_done: fc.boolean(), extra: anyJson }, { requiredKeys: [] }),
  anyJson,
  fc.constant({ text: 'x'.repeat(70_000) }),
);
const id = fc.oneof(fc.constant(String(0)), nasty.map(inUrl), fc.integer().map(String), fc.constantFrom('99999999999999999999', '1.5', '-1', '0x10', '1e3'));
const contentType = fc.constantFrom('application/json', 'application/json; charset=utf-8', 'text/plain', 'application/x-www-form-urlencoded', 'text/csv', '');
const method = fc.constantFrom('GET', 'POST', 'PATCH', 'DELETE', 'PUT');
const query = fc.dictionary(fc.constantFrom('done', 'limit', 'cursor', 'x', 'text'), nasty.map(inUrl), { maxKeys: 3 });
const request = fc.record({
  method,
  path: fc.oneof(fc.constant('/todos'), id.map((i) => `/todos/${i}`), fc.constant(`/todos/${0}`)),
  query,
  body: fc.option(body.map((b) => JSON.stringify(b) ?? ''), { nil: undefined }),
  rawBody: fc.option(fc.constantFrom('{', '{"text":', '[]', 'text=x', '\u0000'), { nil: undefined }),
  contentType,
});

describe('fuzzing requests derived from the OpenAPI document', () => {
  it('answers every request with a documented status and a problem body, never a 5xx, and rejected requests change nothing', async () => {
    await fc.assert(
      fc.asyncProperty(request, async (r) => {
        const path = r.path === `/todos/${0}` ? `/todos/${target.id}` : r.path;
        const qs = new URLSearchParams(r.query).toString();
        const init: RequestInit = { method: r.method, headers: r.contentType ? { 'content-type': r.contentType } : {} };
        if (r.method !== 'GET' && r.method !== 'DELETE') init.body = r.rawBody ?? r.body;
        const res = await exports.default.fetch(`http://localhost${path}${qs ? `?${qs}` : ''}`, init);
        const text = await res.text();
        const type = res.headers.get('content-type');
        expect(res.status, `${r.method} ${path}`).toBeLessThan(500);
        if (res.status >= 400) expect(type).toBe('application/problem+json');
        if (res.status === 405 || res.status === 404 && !/^\/todos(\/\d+)?$/.test(path)) return;
        const parsed = text && type?.includes('json') ? JSON.parse(text) : text;
        expect(responseErrors(doc, r.method, path, res.status, type, parsed)).toEqual([]);
        // The target todo only changes through an accepted PATCH or DELETE of it.
        if (path === `/todos/${target.id}` && res.status >= 400) {
          const now = await exports.default.fetch(`http://localhost/todos/${target.id}`);
          if (now.status === 200) expect(await now.json()).toEqual(target);
        }
        if (res.status === 201) accepted.add(parsed.id);
        if (path === `/todos/${target.id}` && res.status === 200 && r.method === 'PATCH') target = parsed;
        if (path === `/todos/${target.id}` && res.status === 204) target = await createTodo(`${RUN} target`);
      }),
      { numRuns: 300 },
    );
    // Rejected creates left nothing behind: the only rows carrying this run's marker are accepted ones and targets.
    const rows = await neon(env.DATABASE_URL)`select id, text from todos where text like ${`${RUN} %`}`;
    const unexplained = rows.filter((row) => !accepted.has(row.id as number) && row.text !== `${RUN} target`);
    expect(unexplained).toEqual([]);
  }, 120_000);
});
