import { env } from 'cloudflare:workers';
import { neon } from '@neondatabase/serverless';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Env } from '../../../src/env.ts';
import { encodeBase64url } from '../../../src/lib/base64url.ts';
import { encodeCursor } from '../../../src/lib/cursor.ts';
import { columnCollation } from '../../support/collation.ts';
import { useTestGateway } from '../../support/driver.ts';
import { call, type Reply } from './client.ts';

// GET /todos's listings (docs/api.md, "Listing todos"): a list's top-level todos, a parent's subtasks and a
// list's subtasks in their manual order, every todo newest first; the filters on each; their cursors.
// Two owners of this file's own (named tokens), so every listing, newest first included, shows only these rows.

const RUN = crypto.randomUUID().slice(0, 8);
const TOKENS = { me: `reads-me-${RUN}-todo-reads-test-token`, other: `reads-other-${RUN}-todo-reads-test-token` };
const ME = `token:reads-me-${RUN}`;
const OTHER = `token:reads-other-${RUN}`;
const settings: Env = {
  ...env,
  API_TOKENS: `reads-me-${RUN}:${TOKENS.me},reads-other-${RUN}:${TOKENS.other}`,
};

/** Calls the API as one of this file's owners (checked against the served document, as every call). */
const as = (who: keyof typeof TOKENS, method: string, path: string, json?: unknown) =>
  call(method, path, { json, env: settings, headers: { authorization: `Bearer ${TOKENS[who]}` } });
const get = (path: string, who: keyof typeof TOKENS = 'me') => as(who, 'GET', path);

/** The tables' owner: makes lists (the /lists resource is not needed to read todos), and reads the catalog. */
const direct = () => neon(env.DATABASE_OWNER_URL);

const LIST = crypto.randomUUID();
const SECOND_LIST = crypto.randomUUID();
const OTHERS_LIST = crypto.randomUUID();

type Todo = { id: string; text: string; done: boolean; listId: string; parentId: string | null; position: string };
type Made = Todo & { due: string | null; createdAt: string };

/** Creates a todo as `me` through the API. */
async function create(fields: Record<string, unknown>, who: keyof typeof TOKENS = 'me'): Promise<Made> {
  const res = await as(who, 'POST', '/todos', fields);
  expect(res.status, JSON.stringify({ fields, body: res.body })).toBe(201);
  return res.body as Made;
}

/** In a manual order: (position, id), byte-wise, as the database compares them. */
const byPosition = (a: Todo, b: Todo) =>
  a.position < b.position ? -1 : a.position > b.position ? 1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
/** A list's subtasks: by parent (a uuid compares as its hex text), then in their manual order. */
const byParentThenPosition = (a: Todo, b: Todo) =>
  a.parentId! < b.parentId! ? -1 : a.parentId! > b.parentId! ? 1 : byPosition(a, b);
const newestFirst = (a: Made, b: Made) =>
  a.createdAt > b.createdAt ? -1 : a.createdAt < b.createdAt ? 1 : a.id > b.id ? -1 : 1;
const ids = (todos: { id: string }[]) => todos.map((t) => t.id);

/** Every item of a listing, page by page with `limit`; checks that the last page, and only it, has no nextCursor. */
async function walk(query: string, limit: number): Promise<Todo[]> {
  const seen: Todo[] = [];
  let cursor: string | null = null;
  for (let pages = 0; pages < 50; pages++) {
    const res: Reply = await get(`/todos?${query}&limit=${limit}${cursor ? `&cursor=${cursor}` : ''}`);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.items.length).toBeLessThanOrEqual(limit);
    seen.push(...res.body.items);
    cursor = res.body.nextCursor;
    if (cursor === null) return seen;
    expect(res.body.items).toHaveLength(limit);
  }
  throw new Error(`${query}: more than 50 pages`);
}

const all = async (query: string) => {
  const res = await get(`/todos?${query}&limit=100`);
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  expect(res.body.nextCursor).toBeNull();
  return res.body.items as Made[];
};

let topLevel: Made[];
let subtasks: Made[];
let mine: Made[];
/** Due near midnight in several offsets, in the second list. */
const due: Record<string, Made> = {};

beforeAll(async () => {
  await useTestGateway(env.NEON_LOCAL_GATEWAY!);
  await direct().query(
    `insert into lists (owner, id, title, position) values ($1, $2, 'Reads', 'a1'), ($1, $3, 'Due', 'a2'), ($4, $5, 'Theirs', 'a1')`,
    [ME, LIST, SECOND_LIST, OTHER, OTHERS_LIST],
  );
  // Keys chosen so byte-wise order differs from a linguistic one ('Zz' < 'a0' only byte-wise), with a tie ('a0' twice).
  const keys = ['a0', 'Zz', 'a1', 'a0', 'b00', 'a0V'];
  topLevel = [];
  for (const [i, position] of keys.entries())
    topLevel.push(await create({ text: `top ${i}`, listId: LIST, position, done: i % 2 === 1 }));
  subtasks = [];
  for (const [parent, positions] of [
    [topLevel[0]!, ['a1', 'a0', 'Zz']],
    [topLevel[2]!, ['a0']],
    [topLevel[4]!, ['b00', 'a0']],
  ] as const)
    for (const [i, position] of positions.entries())
      subtasks.push(await create({ text: `sub ${i}`, listId: LIST, parentId: parent.id, position, done: i % 2 === 0 }));
  // 2026-12-07T23:30:00-05:00 is 2026-12-08T04:30:00Z; 2026-12-08T00:30:00+01:00 is 2026-12-07T23:30:00Z.
  for (const [name, value] of Object.entries({
    lateEvening: '2026-12-07T23:30:00-05:00',
    earlyMorning: '2026-12-08T00:30:00+01:00',
    day: '2026-12-08',
    dayBefore: '2026-12-07',
    nextDay: '2026-12-09',
    none: null,
  }))
    due[name] = await create({ text: `due ${name}`, listId: SECOND_LIST, due: value, done: name === 'day' });
  await create({ text: 'theirs', listId: OTHERS_LIST, position: 'a0' }, 'other');
  mine = [...topLevel, ...subtasks, ...Object.values(due)];
});

describe('the position columns', () => {
  // Without the collation both local upstreams sort 'Zz' and 'a0' the same way by accident; a database in en_US does not.
  it.each(['todos', 'lists'])('%s.position compares byte-wise: its collation is "C"', async (table) => {
    expect(await columnCollation((text, params) => direct().query(text, params), `public.${table}`, 'position')).toBe(
      'C',
    );
  });
});

describe('GET /todos?listId=', () => {
  it("lists the list's top-level todos by position, byte-wise ('Zz' before 'a0'), ties by id; no subtasks", async () => {
    const items = await all(`listId=${LIST}`);
    expect(ids(items)).toEqual(ids([...topLevel].sort(byPosition)));
    expect(items[0]!.position).toBe('Zz');
    expect(items.every((t) => t.parentId === null)).toBe(true);
  });

  it('pages through the same order with its cursors', async () => {
    for (const limit of [1, 2, 4])
      expect(ids(await walk(`listId=${LIST}`, limit))).toEqual(ids([...topLevel].sort(byPosition)));
  });

  it('filters by done', async () => {
    expect(ids(await walk(`listId=${LIST}&done=true`, 1))).toEqual(
      ids(topLevel.filter((t) => t.done).sort(byPosition)),
    );
    expect(ids(await all(`listId=${LIST}&done=false`))).toEqual(ids(topLevel.filter((t) => !t.done).sort(byPosition)));
  });

  it("gives an empty page for a list of another owner's, or none", async () => {
    expect((await get(`/todos?listId=${OTHERS_LIST}`)).body).toEqual({ items: [], nextCursor: null });
    expect((await get(`/todos?listId=${crypto.randomUUID()}`)).body).toEqual({ items: [], nextCursor: null });
    // Its owner sees it.
    expect((await get(`/todos?listId=${OTHERS_LIST}`, 'other')).body.items).toHaveLength(1);
  });
});

describe('GET /todos?parentId=', () => {
  it("lists the parent's subtasks by position, with or without its listId", async () => {
    const parent = topLevel[0]!;
    const expected = ids(subtasks.filter((t) => t.parentId === parent.id).sort(byPosition));
    expect(expected).toHaveLength(3);
    expect(ids(await all(`parentId=${parent.id}`))).toEqual(expected);
    expect(ids(await walk(`parentId=${parent.id}`, 1))).toEqual(expected);
    expect(ids(await walk(`listId=${LIST}&parentId=${parent.id}`, 2))).toEqual(expected);
    expect(ids(await all(`parentId=${parent.id}&done=true`))).toEqual(
      ids(subtasks.filter((t) => t.parentId === parent.id && t.done).sort(byPosition)),
    );
  });

  it("gives an empty page for another list's id, a todo without subtasks, another owner's todo or none", async () => {
    const parent = topLevel[0]!;
    const theirs = (await get(`/todos?listId=${OTHERS_LIST}`, 'other')).body.items[0];
    for (const query of [
      `listId=${SECOND_LIST}&parentId=${parent.id}`,
      `parentId=${topLevel[1]!.id}`,
      `parentId=${subtasks[0]!.id}`,
      `parentId=${theirs.id}`,
      `parentId=${crypto.randomUUID()}`,
    ])
      expect((await get(`/todos?${query}`)).body, query).toEqual({ items: [], nextCursor: null });
  });
});

describe('GET /todos?listId=&subtasks=true', () => {
  it('lists every subtask of the list, grouped by parent, each group by position; pages through it', async () => {
    const expected = ids([...subtasks].sort(byParentThenPosition));
    expect(ids(await all(`listId=${LIST}&subtasks=true`))).toEqual(expected);
    for (const limit of [1, 2]) expect(ids(await walk(`listId=${LIST}&subtasks=true`, limit))).toEqual(expected);
    expect(ids(await walk(`listId=${LIST}&subtasks=true&done=false`, 1))).toEqual(
      ids(subtasks.filter((t) => !t.done).sort(byParentThenPosition)),
    );
  });

  it('is the top-level listing with subtasks=false', async () => {
    expect(ids(await all(`listId=${LIST}&subtasks=false`))).toEqual(ids([...topLevel].sort(byPosition)));
  });
});

describe('GET /todos without listId or parentId', () => {
  it('lists every todo of the caller newest first, subtasks included, as before', async () => {
    expect(ids(await walk('done=false', 3))).toEqual(ids(mine.filter((t) => !t.done).sort(newestFirst)));
    expect(ids(await all(''))).toEqual(ids([...mine].sort(newestFirst)));
  });
});

describe('due filters: instants, a date standing for the start of its day in UTC', () => {
  const names = (items: { id: string }[]) =>
    items.map((item) => Object.keys(due).find((name) => due[name]!.id === item.id)).sort();
  it.each([
    // 2026-12-07T23:30:00-05:00 (04:30Z on the 8th) is on the 8th in UTC: after the date, not before it.
    ['dueAfter=2026-12-08', ['day', 'lateEvening', 'nextDay']],
    ['dueBefore=2026-12-08', ['dayBefore', 'earlyMorning']],
    // A half-open window: one UTC day, the date itself included.
    ['dueAfter=2026-12-08&dueBefore=2026-12-09', ['day', 'lateEvening']],
    ['dueAfter=2026-12-07&dueBefore=2026-12-08', ['dayBefore', 'earlyMorning']],
    // A date-time bound is its instant, whatever the offset: dueBefore strict, dueAfter inclusive.
    ['dueBefore=2026-12-08T04:30:00Z', ['day', 'dayBefore', 'earlyMorning']],
    ['dueAfter=2026-12-07T23:30:00-05:00', ['lateEvening', 'nextDay']],
    ['dueAfter=2026-12-08T05:30:00%2B01:00&dueBefore=2026-12-08T04:30:00.000001Z', ['lateEvening']],
    ['dueAfter=2026-12-08t00:00:00z&dueBefore=2026-12-08T00:00:00.000001Z', ['day']],
    ['dueAfter=2026-12-09&dueBefore=2026-12-08', []],
    // The ends of the ranges the field takes, a nanosecond fraction: instants Postgres holds, never an error.
    ['dueBefore=0001-01-01T00:00:00%2B15:59', []],
    ['dueAfter=9999-12-31T23:59:59.999999999-15:59', []],
    ['dueAfter=2026-12-08T04:29:59.999999Z&dueBefore=2026-12-08T04:30:00.000001Z', ['lateEvening']],
    ['dueAfter=2026-12-08&done=false', ['lateEvening', 'nextDay']],
  ])('%s', async (filters, expected) => {
    // Never the todo without a due.
    expect(names(await all(filters))).toEqual(expected);
    expect(names(await all(`listId=${SECOND_LIST}&${filters}`))).toEqual(expected);
    expect(names(await walk(`listId=${SECOND_LIST}&${filters}`, 1))).toEqual(expected);
  });
});

describe('what GET /todos refuses (400, naming the parameter)', () => {
  const position = (key: string, id: string) => encodeBase64url(JSON.stringify(['p', key, id]));
  const created = encodeCursor({ createdAt: '2026-12-01T00:00:00.000000Z', id: crypto.randomUUID() });
  const positioned = encodeCursor({ position: 'a0', id: crypto.randomUUID() });
  const grouped = encodeCursor({ group: crypto.randomUUID(), position: 'a0', id: crypto.randomUUID() });
  const id = crypto.randomUUID();
  it.each([
    ['subtasks=true', 'subtasks'],
    [`parentId=${id}&subtasks=true`, 'subtasks'],
    [`listId=${id}&parentId=${id}&subtasks=true`, 'parentId'],
    ['subtasks=yes', 'subtasks'],
    ['listId=inbox', 'listId'],
    [`listId=${id.toUpperCase()}`, 'listId'],
    [`listId=${id}&listId=${id}`, 'listId'],
    ['listId=', 'listId'],
    [`parentId=${id.slice(1)}`, 'parentId'],
    [`parentId=${id}&parentId=${id}`, 'parentId'],
    ['dueBefore=2026-02-30', 'dueBefore'],
    ['dueBefore=tomorrow', 'dueBefore'],
    ['dueAfter=2026-12-08T10:00:00', 'dueAfter'],
    // RFC 3339's grammar allows offsets to 23:59; Postgres (and every zone in use) stays within 15:59.
    ['dueAfter=2026-12-08T10:00:00%2B16:00', 'dueAfter'],
    ['dueBefore=2026-12-08T10:00:00-23:59', 'dueBefore'],
    ['dueAfter=2026-12-08&dueAfter=2026-12-09', 'dueAfter'],
    // A cursor of another listing's order.
    [`listId=${id}&cursor=${created}`, 'cursor'],
    [`parentId=${id}&cursor=${grouped}`, 'cursor'],
    [`cursor=${positioned}`, 'cursor'],
    [`cursor=${grouped}`, 'cursor'],
    [`listId=${id}&subtasks=true&cursor=${positioned}`, 'cursor'],
    [`listId=${id}&subtasks=true&cursor=${created}`, 'cursor'],
    // Not a cursor this API issued.
    [`listId=${id}&cursor=${position('a 0', id)}`, 'cursor'],
    [`listId=${id}&cursor=${position("a0'; drop table todos; --", id)}`, 'cursor'],
    [`listId=${id}&cursor=${position('a'.repeat(129), id)}`, 'cursor'],
    [`listId=${id}&cursor=${position('a0', 'x')}`, 'cursor'],
    [`listId=${id}&cursor=${encodeBase64url(JSON.stringify(['g', 'a0', id]))}`, 'cursor'],
    [`listId=${id}&cursor=${encodeBase64url(JSON.stringify(['q', 'a0', id]))}`, 'cursor'],
    [`listId=${id}&cursor=${encodeBase64url(JSON.stringify(['p', 5, id]))}`, 'cursor'],
    [`listId=${id}&cursor=not-base64!`, 'cursor'],
  ])('%s', async (query, path) => {
    const res = await get(`/todos?${query}`);
    expect(res.status, JSON.stringify(res.body)).toBe(400);
    expect(res.headers.get('content-type')).toBe('application/problem+json');
    expect(res.body.errors.map((e: { path: string }) => e.path)).toContain(path);
    expect(JSON.stringify(res.body)).not.toMatch(/select|todos_|postgres/i);
  });

  it('reads on after a cursor whose key has the right shape but is not one the library makes: it is only a place', async () => {
    // 'a00' ends in 0: the database refuses it as a position, but as a cursor it only says where to start.
    const res = await get(`/todos?listId=${LIST}&cursor=${encodeCursor({ position: 'a00', id: crypto.randomUUID() })}`);
    expect(res.status).toBe(200);
    expect(ids(res.body.items)).toEqual(ids(topLevel.filter((t) => t.position > 'a00').sort(byPosition)));
  });
});
