import { env, exports } from 'cloudflare:workers';
import { neon } from '@neondatabase/serverless';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { isCanonicalUuid, NIL_UUID } from '../../../src/lib/uuid.ts';
import { useTestGateway } from '../../support/driver.ts';
import { responseErrors } from '../../support/openapi-validator.ts';
import { createTodo, servedDocument, type Todo } from './client.ts';

const RUN = `FUZZ-${crypto.randomUUID().slice(0, 8)}`;
const RUNS = 300;
let doc: any;
/** The one existing todo the fuzzer aims at; replaced when an accepted DELETE removes it. */
let target: Todo;
/** Every todo this run made: accepted creates and targets. */
const made = new Set<string>();

beforeAll(async () => {
  await useTestGateway(env.NEON_LOCAL_GATEWAY!);
  doc = await servedDocument();
  target = await createTodo(`${RUN} target`);
  made.add(target.id);
});

/** Strings that have broken APIs before. */
const nasty = fc.oneof(
  fc.constantFrom(
    '',
    ' ',
    '\u0000',
    'a\u0000b',
    '\ud800',
    '\udfff',
    '\u202e',
    '\ufeff',
    '𝕏',
    '👩‍👩‍👧',
    'مرحبا',
    '\r\n',
    '"',
    "'",
    '\\',
    "'; drop table todos; --",
    "1' or '1'='1",
    '$1',
    '%s%s%n',
    '../../etc/passwd',
    '<script>alert(1)</script>',
    'null',
    'true',
    '-0',
    '1e309',
    'NaN',
  ),
  fc.string({ maxLength: 50 }),
  fc.string({ unit: 'binary', maxLength: 30 }),
  fc.string({ minLength: 990, maxLength: 1100 }),
);
/** URLs cannot carry lone surrogates at all, so those are made well-formed before encoding. */
const inUrl = (s: string) => encodeURIComponent(s.toWellFormed());
const deep = (depth: number): unknown => (depth === 0 ? 'x' : { a: deep(depth - 1) });
const anyJson = fc.oneof(
  nasty,
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.array(nasty, { maxLength: 3 }),
  fc.constant(deep(200)),
  fc.dictionary(nasty, nasty, { maxKeys: 3 }),
);

// Bodies are mostly objects of the right shape whose values go wrong, so that they reach the
// validator; texts carrying this run's marker are often valid, so that some requests are accepted.
const text = fc.oneof(
  { weight: 3, arbitrary: nasty.map((t) => `${RUN} ${t}`) },
  { weight: 2, arbitrary: nasty },
  { weight: 1, arbitrary: anyJson },
);
const done = fc.oneof({ weight: 4, arbitrary: fc.boolean() }, { weight: 1, arbitrary: anyJson });
const body = fc
  .oneof(
    { weight: 8, arbitrary: fc.record({ text, done }, { requiredKeys: ['text'] }) },
    { weight: 2, arbitrary: fc.record({ text, done }, { requiredKeys: [] }) },
    { weight: 1, arbitrary: fc.record({ text, is_done: fc.boolean(), extra: anyJson }, { requiredKeys: [] }) },
    { weight: 1, arbitrary: anyJson },
    { weight: 1, arbitrary: fc.constantFrom({ text: 'x'.repeat(70_000) }, { text: deep(200) }, deep(200)) },
  )
  .map((b) => JSON.stringify(b) ?? '');
const rarely = <T>(arbitrary: fc.Arbitrary<T>) =>
  fc.oneof({ weight: 19, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary });
const contentType = fc.oneof(
  { weight: 9, arbitrary: fc.constantFrom('application/json', 'application/json; charset=utf-8') },
  { weight: 1, arbitrary: fc.constantFrom('text/plain', 'application/x-www-form-urlencoded', 'text/csv', '') },
);
const sometimes = <T>(arbitrary: fc.Arbitrary<T>) =>
  fc.oneof({ weight: 3, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary });
const rawBody = rarely(fc.constantFrom('{', '{"text":', '[]', 'text=x', '\u0000'));
/** Only GET /todos takes query parameters, so only it gets them: mostly valid values, sometimes nasty ones. */
const listQuery = fc.record(
  {
    done: fc.oneof({ weight: 3, arbitrary: fc.constantFrom('true', 'false') }, { weight: 1, arbitrary: nasty }),
    limit: fc.oneof(
      { weight: 3, arbitrary: fc.integer({ min: 1, max: 100 }).map(String) },
      { weight: 1, arbitrary: nasty },
    ),
    cursor: fc.oneof({ weight: 4, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: nasty }),
    listId: sometimes(fc.oneof(fc.uuid(), nasty)),
    parentId: sometimes(fc.oneof(fc.uuid(), nasty)),
    subtasks: sometimes(fc.oneof(fc.constantFrom('true', 'false'), nasty)),
    dueBefore: sometimes(fc.oneof(fc.constantFrom('2026-12-08', '2026-12-07T23:30:00-05:00'), nasty)),
    dueAfter: sometimes(fc.oneof(fc.constantFrom('0001-01-01', '9999-12-31T23:59:59+15:59'), nasty)),
    unknown: rarely(nasty),
  },
  { requiredKeys: [] },
);
/**
 * Ids that name no other test's row: the target, random UUIDs (no row has them), and strings
 * that are not ids at all.
 */
const notAnId = (s: string) => !isCanonicalUuid(s);
const id = fc.oneof(
  { weight: 6, arbitrary: fc.constant('target') },
  { weight: 2, arbitrary: fc.uuid() },
  {
    weight: 2,
    arbitrary: fc.oneof(
      fc.constantFrom('0', '-1', '42', '1e3', '99999999999999999999', NIL_UUID.toUpperCase().replace(/0/g, 'A')),
      fc.uuid().map((u) => u.toUpperCase()),
      nasty.filter(notAnId).map(inUrl),
    ),
  },
);
const withBody = (method: string, path: fc.Arbitrary<string | undefined>) =>
  fc.record({ method: fc.constant(method), id: path, body, rawBody, contentType });
const noBody = (method: string, path: fc.Arbitrary<string | undefined>, query?: typeof listQuery) =>
  query
    ? fc.record({ method: fc.constant(method), id: path, query })
    : fc.record({ method: fc.constant(method), id: path });
const collection = fc.constant(undefined);
const request = fc.oneof(
  { weight: 3, arbitrary: withBody('POST', collection) },
  { weight: 3, arbitrary: withBody('PATCH', id) },
  { weight: 2, arbitrary: noBody('GET', collection, listQuery) },
  { weight: 1, arbitrary: noBody('GET', id) },
  { weight: 1, arbitrary: noBody('DELETE', id) },
  { weight: 1, arbitrary: fc.oneof(noBody('PUT', id), noBody('DELETE', collection), withBody('POST', id)) },
);
type Request = {
  method: string;
  id?: string;
  query?: Record<string, string | undefined>;
  body?: string;
  rawBody?: string;
  contentType?: string;
};

/** Whether an answer came from the body's validator or handler, not from a check of the path or the media type. */
const bodyWasJudged = (status: number, problem: any) =>
  status < 300 ||
  status === 413 ||
  (status === 400 && (problem.errors ?? []).every((e: { path: string }) => e.path !== 'id'));

describe('fuzzing requests derived from the OpenAPI document', () => {
  it('answers every request with a documented status and a problem body, never a 5xx, and rejected requests change nothing', async () => {
    const seen = { bodies: 0, judged: 0, accepted: 0 };
    await fc.assert(
      fc.asyncProperty(request, async (r: Request) => {
        const path = r.id === undefined ? '/todos' : `/todos/${r.id === 'target' ? target.id : r.id}`;
        const qs = new URLSearchParams(
          Object.entries(r.query ?? {}).filter(([, v]) => v !== undefined) as [string, string][],
        ).toString();
        const init: RequestInit = { method: r.method, headers: r.contentType ? { 'content-type': r.contentType } : {} };
        if (r.body !== undefined) init.body = r.rawBody ?? r.body;
        const res = await exports.default.fetch(`http://localhost${path}${qs ? `?${qs}` : ''}`, init);
        const text = await res.text();
        const type = res.headers.get('content-type');
        expect(res.status, `${r.method} ${path}`).toBeLessThan(500);
        if (res.status >= 400) expect(type).toBe('application/problem+json');
        if (res.status === 405 || (res.status === 404 && !/^\/todos(\/[^/]+)?$/.test(path))) return;
        const parsed = text && type?.includes('json') ? JSON.parse(text) : text;
        expect(responseErrors(doc, r.method, path, res.status, type, parsed)).toEqual([]);
        if (r.body !== undefined) {
          seen.bodies++;
          if (bodyWasJudged(res.status, parsed)) seen.judged++;
        }
        const aimed = r.id === 'target';
        // The target only changes through an accepted PATCH or DELETE of it, and is never lost otherwise.
        if (aimed && res.status >= 400) {
          const now = await exports.default.fetch(`http://localhost/todos/${target.id}`);
          expect(now.status, `the target after ${r.method} -> ${res.status}`).toBe(200);
          expect(await now.json()).toEqual(target);
        }
        if (res.status === 201) made.add(parsed.id);
        if (res.status < 300 && r.method !== 'GET') seen.accepted++;
        if (aimed && res.status === 200 && r.method === 'PATCH') target = parsed;
        if (aimed && res.status === 204) {
          target = await createTodo(`${RUN} target`);
          made.add(target.id);
        }
      }),
      { numRuns: RUNS },
    );
    // The generators reach what they are for: most bodies are judged by the validator, some writes are accepted.
    expect(seen.judged / seen.bodies, JSON.stringify(seen)).toBeGreaterThan(0.6);
    expect(seen.accepted, JSON.stringify(seen)).toBeGreaterThan(RUNS / 30);
    // Rejected creates left nothing behind: every row carrying this run's marker is one the fuzzer was told about.
    const rows = await neon(env.DATABASE_OWNER_URL)`select id from todos where starts_with(text, ${RUN})`;
    expect(rows.length).toBeGreaterThan(1);
    expect(rows.filter((row) => !made.has(row.id as string))).toEqual([]);
  }, 120_000);
});
