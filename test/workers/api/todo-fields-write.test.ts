import { env } from 'cloudflare:workers';
import { neon, Pool } from '@neondatabase/serverless';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { useTestGateway } from '../../support/driver.ts';
import { until } from '../../support/poll.ts';
import { SMALLEST_INTEGER } from '../../support/position-keys.ts';
import type { Reply } from './client.ts';
import { changesAfter, feedCaller, syncInto, type FeedCaller } from './feed-client.ts';

// The todo fields of issue 26 (listId, parentId, notes, due, position, completedAt) on every write path:
// POST /todos plain, with an Idempotency-Key, with a client-chosen id (and both), PATCH plain and with If-Match.
// Each test has callers of its own; lists are made as the tables' owner (the /lists resource is tested elsewhere).
beforeAll(() => useTestGateway(env.NEON_LOCAL_GATEWAY!));

type Todo = {
  id: string;
  listId: string;
  parentId: string | null;
  text: string;
  notes: string | null;
  done: boolean;
  due: string | null;
  position: string;
  completedAt: string | null;
  version: number;
  createdAt: string;
  updatedAt: string;
};
type Problem = { status: number; detail: string; errors?: { path: string; message: string }[] };
type Answer = Reply<Todo & Problem>;

const direct = () => neon(env.DATABASE_OWNER_URL);

/** A list of `who`'s, written as the tables' owner would. */
async function newList(who: FeedCaller, title = 'Groceries'): Promise<string> {
  const [row] =
    await direct()`insert into lists (owner, title, position) values (${who.owner}, ${title}, 'a5') returning id`;
  return row!.id as string;
}

/** The id of `who`'s default list (derived from the owner: app_default_list_id). */
const defaultListOf = async (who: FeedCaller): Promise<string> =>
  (await direct()`select app_default_list_id(${who.owner}) as id`)[0]!.id as string;

/** Every todo of `who`, as the tables' owner sees them: what a refused write must leave alone. */
const rowsOf = (who: FeedCaller) =>
  direct()`select id, list_id, parent_id, position, text, notes, due, done, version from todos
    where owner = ${who.owner} order by id`;

const etagOf = (todo: { id: string; version: number }) => `"${todo.id}-${todo.version}"`;

const post = (who: FeedCaller, json: unknown, headers: Record<string, string> = {}): Promise<Answer> =>
  who.call('POST', '/todos', { json, headers });
const patch = (who: FeedCaller, id: string, json: unknown, headers: Record<string, string> = {}): Promise<Answer> =>
  who.call('PATCH', `/todos/${id}`, { json, headers });
const read = async (who: FeedCaller, id: string): Promise<Todo> => (await who.call('GET', `/todos/${id}`)).body;

/** Creates a todo (asserting the 201). */
async function made(who: FeedCaller, json: Record<string, unknown>): Promise<Todo> {
  const res = await post(who, json);
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body;
}

/** Asserts a problem of `status` whose errors name `path`; returns it. */
function expectProblem(res: Answer, status: number, path: string): Problem {
  expect(res.status, JSON.stringify(res.body)).toBe(status);
  expect(res.headers.get('content-type')).toBe('application/problem+json');
  expect(res.body.errors?.map((e) => e.path)).toContain(path);
  // Nothing of the database's own words: no SQL, no constraint names, no row.
  expect(JSON.stringify(res.body)).not.toMatch(/todos_|app_position|violates|constraint|select |insert |Failing row/i);
  return res.body;
}

/** The four ways to create a todo, each a fresh request (a new key, a new id). */
const CREATE_PATHS: [string, (who: FeedCaller, json: Record<string, unknown>) => Promise<Answer>][] = [
  ['plain', (who, json) => post(who, json)],
  ['with an Idempotency-Key', (who, json) => post(who, json, { 'idempotency-key': crypto.randomUUID() })],
  ['with a client-chosen id', (who, json) => post(who, { id: crypto.randomUUID(), ...json })],
  [
    'with an id and an Idempotency-Key',
    (who, json) => post(who, { id: crypto.randomUUID(), ...json }, { 'idempotency-key': crypto.randomUUID() }),
  ],
];

/** The two ways to patch a todo. */
const PATCH_PATHS: [string, (who: FeedCaller, todo: Todo, json: unknown) => Promise<Answer>][] = [
  ['plain', (who, todo, json) => patch(who, todo.id, json)],
  ['with If-Match', (who, todo, json) => patch(who, todo.id, json, { 'if-match': etagOf(todo) })],
];

const TODO_KEYS = [
  'id',
  'listId',
  'parentId',
  'text',
  'notes',
  'done',
  'due',
  'position',
  'completedAt',
  'version',
  'createdAt',
  'updatedAt',
];

describe('a client that sends only text and done', () => {
  it.each(CREATE_PATHS)(
    'gets a todo in its default list, at the top, with the new fields empty (%s)',
    async (_, create) => {
      const me = feedCaller('plain');
      const first = (await create(me, { text: 'first' })).body;
      const res = await create(me, { text: 'second', done: false });
      expect(res.status).toBe(201);
      expect(Object.keys(res.body)).toEqual(TODO_KEYS);
      expect(res.body).toMatchObject({
        text: 'second',
        done: false,
        listId: await defaultListOf(me),
        parentId: null,
        notes: null,
        due: null,
        completedAt: null,
      });
      // Top first: the newer todo's key sorts before the older one's (byte-wise, as the database compares them).
      expect(res.body.position < first.position).toBe(true);
    },
  );

  it('patches text and done as before, leaving the list and the place alone', async () => {
    const me = feedCaller('plainpatch');
    const todo = await made(me, { text: 'old' });
    const res = await patch(me, todo.id, { text: 'new', done: true });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ text: 'new', done: true, listId: todo.listId, position: todo.position });
  });
});

describe('completedAt', () => {
  it.each(CREATE_PATHS)('is set by the server when a todo is created done (%s)', async (_, create) => {
    const me = feedCaller('completed');
    const res = await create(me, { text: 'done already', done: true });
    expect(res.status).toBe(201);
    expect(res.body.completedAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/);
  });

  it.each(PATCH_PATHS)('is set when done becomes true and cleared when it becomes false (%s)', async (_, change) => {
    const me = feedCaller('completing');
    let todo = await made(me, { text: 'to do' });
    expect(todo.completedAt).toBeNull();
    todo = (await change(me, todo, { done: true })).body;
    expect(todo).toMatchObject({ done: true, completedAt: expect.stringMatching(/Z$/) });
    const completedAt = todo.completedAt;
    // Another change of a done todo keeps its completion time.
    todo = (await change(me, todo, { text: 'renamed' })).body;
    expect(todo.completedAt).toBe(completedAt);
    todo = (await change(me, todo, { done: false })).body;
    expect(todo).toMatchObject({ done: false, completedAt: null });
  });

  it('cannot be sent: 400 naming it as an unknown field, on create and on PATCH', async () => {
    const me = feedCaller('sendscompleted');
    const at = '2026-12-24T10:00:00.000000Z';
    const refused = expectProblem(await post(me, { text: 'x', done: true, completedAt: at }), 400, 'completedAt');
    expect(refused.errors).toContainEqual({ path: 'completedAt', message: 'unknown field "completedAt"' });
    const todo = await made(me, { text: 'x' });
    expectProblem(await patch(me, todo.id, { completedAt: at }), 400, 'completedAt');
    expect(await read(me, todo.id)).toEqual(todo);
  });
});

describe('listId', () => {
  it.each(CREATE_PATHS)('puts a new todo in that list, at its top (%s)', async (_, create) => {
    const me = feedCaller('inlist');
    const list = await newList(me);
    const first = (await create(me, { text: 'eggs', listId: list })).body;
    const res = await create(me, { text: 'milk', listId: list });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ listId: list, parentId: null });
    expect(res.body.position < first.position).toBe(true);
  });

  it.each(CREATE_PATHS)(
    "answers a missing list and another owner's list with the same 404 naming listId, creating nothing (%s)",
    async (_, create) => {
      const [me, other] = [feedCaller('nolist'), feedCaller('theirlist')];
      const theirs = await newList(other, 'secret plans');
      const missing = crypto.randomUUID();
      const onMissing = expectProblem(await create(me, { text: 'x', listId: missing }), 404, 'listId');
      const onTheirs = expectProblem(await create(me, { text: 'x', listId: theirs }), 404, 'listId');
      expect(onTheirs.detail.replace(theirs, missing)).toBe(onMissing.detail);
      expect(onTheirs.errors).toEqual(onMissing.errors);
      expect(JSON.stringify(onTheirs)).not.toContain('secret');
      // Anyone can work out another owner's default list id (it is derived from the owner): it is theirs all the same.
      const theirDefault = (await made(other, { text: 'in their default list' })).listId;
      expect(theirDefault).toBe(await defaultListOf(other));
      const onTheirDefault = expectProblem(await create(me, { text: 'x', listId: theirDefault }), 404, 'listId');
      expect(onTheirDefault.errors).toEqual(onMissing.errors);
      expect(await rowsOf(me)).toEqual([]);
      expect((await rowsOf(other)).map((row) => row.list_id)).toEqual([theirDefault]);
    },
  );

  it.each(CREATE_PATHS)('takes its own default list named before it exists (%s)', async (_, create) => {
    const me = feedCaller('firstwrite');
    const listId = await defaultListOf(me);
    expect(await direct()`select id from lists where id = ${listId}`).toEqual([]);
    const res = await create(me, { text: 'my very first todo', listId });
    expect(res.status).toBe(201);
    expect(res.body.listId).toBe(listId);
  });

  it.each([
    ['null', null],
    ['not a UUID', 'groceries'],
    ['an uppercase UUID', '0192E4A4-7B0C-7D3E-9A41-5F1C2B3D4E5F'],
    ['a number', 7],
  ])('refuses %s with a 400 naming listId', async (_, listId) => {
    const me = feedCaller('badlist');
    expectProblem(await post(me, { text: 'x', listId }), 400, 'listId');
    const todo = await made(me, { text: 'x' });
    expectProblem(await patch(me, todo.id, { listId }), 400, 'listId');
  });

  it.each(PATCH_PATHS)(
    'moves a todo with its subtasks to the top of another list; the subtasks keep their order (%s)',
    async (_, change) => {
      const me = feedCaller('move');
      const [from, to] = [await newList(me, 'From'), await newList(me, 'To')];
      const parent = await made(me, { text: 'parent', listId: from });
      const subtasks = [
        await made(me, { text: 'a', parentId: parent.id }),
        await made(me, { text: 'b', parentId: parent.id }),
      ];
      const resident = await made(me, { text: 'already there', listId: to });
      const res = await change(me, parent, { listId: to });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ listId: to, version: parent.version + 1 });
      expect(res.body.position < resident.position).toBe(true);
      for (const subtask of subtasks) {
        // Moved by the database (ON UPDATE CASCADE), a change like any other: its version moves too.
        expect(await read(me, subtask.id)).toMatchObject({
          listId: to,
          parentId: parent.id,
          position: subtask.position,
          version: subtask.version + 1,
        });
      }
    },
  );

  it.each(PATCH_PATHS)(
    'takes the position given with the move, and keeps the place in the same list (%s)',
    async (_, change) => {
      const me = feedCaller('moveto');
      const [from, to] = [await newList(me), await newList(me)];
      const todo = await made(me, { text: 'x', listId: from, position: 'a5' });
      const moved = (await change(me, todo, { listId: to, position: 'Zz' })).body;
      expect(moved).toMatchObject({ listId: to, position: 'Zz' });
      const stayed = (await change(me, moved, { listId: to })).body;
      expect(stayed).toMatchObject({ listId: to, position: 'Zz', version: moved.version + 1 });
    },
  );

  it.each(PATCH_PATHS)(
    "refuses a move to a missing or another owner's list with a 404 naming listId, moving nothing (%s)",
    async (_, change) => {
      const [me, other] = [feedCaller('nomove'), feedCaller('othermove')];
      const theirs = await newList(other);
      const parent = await made(me, { text: 'parent' });
      await made(me, { text: 'child', parentId: parent.id });
      const before = await rowsOf(me);
      for (const listId of [theirs, crypto.randomUUID()]) {
        expectProblem(await change(me, parent, { listId }), 404, 'listId');
      }
      expect(await rowsOf(me)).toEqual(before);
      expect(await rowsOf(other)).toEqual([]);
    },
  );

  it.each(PATCH_PATHS)('refuses to move a subtask alone to another list, saying why (%s)', async (_, change) => {
    const me = feedCaller('subalone');
    const elsewhere = await newList(me);
    const parent = await made(me, { text: 'parent' });
    const subtask = await made(me, { text: 'child', parentId: parent.id });
    const before = await rowsOf(me);
    const refused = expectProblem(await change(me, subtask, { listId: elsewhere }), 400, 'listId');
    expect(refused.detail).toBe(
      "A subtask stays in its parent's list: move the parent, or set parentId null to move this todo alone. Nothing was changed.",
    );
    expect(await rowsOf(me)).toEqual(before);
    // What the answer suggests works: without its parent, it moves, to the top of the other list.
    const alone = await change(me, subtask, { listId: elsewhere, parentId: null });
    expect(alone.status).toBe(200);
    expect(alone.body).toMatchObject({ listId: elsewhere, parentId: null });
  });
});

describe('parentId', () => {
  it.each(CREATE_PATHS)("makes a subtask, in its parent's list when the create names none (%s)", async (_, create) => {
    const me = feedCaller('sub');
    const list = await newList(me);
    const parent = await made(me, { text: 'parent', listId: list });
    const first = (await create(me, { text: 'first child', parentId: parent.id })).body;
    expect(first).toMatchObject({ listId: list, parentId: parent.id });
    const named = await create(me, { text: 'second child', parentId: parent.id, listId: list });
    expect(named.status).toBe(201);
    expect(named.body).toMatchObject({ listId: list, parentId: parent.id });
    // The top of the parent's subtasks.
    expect(named.body.position < first.position).toBe(true);
  });

  it.each(CREATE_PATHS)(
    "refuses a parent that is missing, another owner's, a subtask, or in another list than listId: 400 naming parentId (%s)",
    async (_, create) => {
      const [me, other] = [feedCaller('badparent'), feedCaller('theirparent')];
      const theirs = await made(other, { text: 'their todo' });
      const list = await newList(me);
      const parent = await made(me, { text: 'parent' });
      const subtask = await made(me, { text: 'child', parentId: parent.id });
      const before = await rowsOf(me);
      const answers = [];
      for (const json of [
        { parentId: crypto.randomUUID() },
        { parentId: theirs.id },
        { parentId: subtask.id },
        { parentId: parent.id, listId: list },
      ]) {
        answers.push(expectProblem(await create(me, { text: 'x', ...json }), 400, 'parentId'));
      }
      // The same answer whatever the reason: another owner's todo is not told apart from a missing one.
      expect(new Set(answers.map((a) => a.detail)).size).toBe(1);
      expect(answers[0]!.detail).toBe(
        'parentId must be a top-level todo (not a subtask) in the same list as this one: subtasks are one level deep. Nothing was changed.',
      );
      expect(await rowsOf(me)).toEqual(before);
      expect((await rowsOf(other)).map((row) => row.id)).toEqual([theirs.id]);
    },
  );

  it('refuses a create that names its own id as its parent', async () => {
    const me = feedCaller('ownparent');
    const id = crypto.randomUUID();
    expectProblem(await post(me, { id, text: 'x', parentId: id }), 400, 'parentId');
    expect(await rowsOf(me)).toEqual([]);
  });

  it.each(PATCH_PATHS)('moves a todo under another parent, to the top of its subtasks (%s)', async (_, change) => {
    const me = feedCaller('reparent');
    const [one, two] = [await made(me, { text: 'one' }), await made(me, { text: 'two' })];
    const resident = await made(me, { text: 'a child of two', parentId: two.id });
    const todo = await made(me, { text: 'moving', parentId: one.id });
    const res = await change(me, todo, { parentId: two.id });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ parentId: two.id, listId: two.listId });
    expect(res.body.position < resident.position).toBe(true);
  });

  it.each(PATCH_PATHS)('moves a todo given a parent in another list to that list (%s)', async (_, change) => {
    const me = feedCaller('reparentlist');
    const list = await newList(me);
    const parent = await made(me, { text: 'parent', listId: list });
    const todo = await made(me, { text: 'in the default list' });
    const res = await change(me, todo, { parentId: parent.id });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ parentId: parent.id, listId: list });
  });

  it.each(PATCH_PATHS)('makes a subtask top-level again, at the top of its list (%s)', async (_, change) => {
    const me = feedCaller('unparent');
    const parent = await made(me, { text: 'parent' });
    const subtask = await made(me, { text: 'child', parentId: parent.id });
    const res = await change(me, subtask, { parentId: null });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ parentId: null, listId: parent.listId });
    expect(res.body.position < parent.position).toBe(true);
  });

  it.each(PATCH_PATHS)(
    'refuses itself, a subtask, a cycle, a second level and a missing or foreign parent, changing nothing (%s)',
    async (_, change) => {
      const [me, other] = [feedCaller('cycles'), feedCaller('cyclesother')];
      const theirs = await made(other, { text: 'theirs' });
      const parent = await made(me, { text: 'parent' });
      const subtask = await made(me, { text: 'child', parentId: parent.id });
      const loner = await made(me, { text: 'loner' });
      const before = await rowsOf(me);
      const refusals: [Todo, string, string][] = [
        [loner, loner.id, 'A todo cannot be its own parent: nothing was changed.'],
        [loner, subtask.id, 'parentId must be a top-level todo'],
        // A cycle: the parent under its own subtask.
        [parent, subtask.id, 'A todo with subtasks cannot become a subtask'],
        // A second level: a todo with subtasks under another todo.
        [parent, loner.id, 'A todo with subtasks cannot become a subtask'],
        [loner, crypto.randomUUID(), 'parentId must be a top-level todo'],
        [loner, theirs.id, 'parentId must be a top-level todo'],
      ];
      for (const [todo, parentId, detail] of refusals) {
        const refused = expectProblem(await change(me, todo, { parentId }), 400, 'parentId');
        expect(refused.detail).toContain(detail);
      }
      expect(await rowsOf(me)).toEqual(before);
    },
  );

  it('deletes the subtasks with their parent, each a deletion in the change feed', async () => {
    const me = feedCaller('cascade');
    const parent = await made(me, { text: 'parent' });
    const subtasks = [
      await made(me, { text: 'a', parentId: parent.id }),
      await made(me, { text: 'b', parentId: parent.id }),
    ];
    const since = await syncInto(new Map(), me);
    expect((await me.call('DELETE', `/todos/${parent.id}`)).status).toBe(204);
    for (const subtask of subtasks) expect((await me.call('GET', `/todos/${subtask.id}`)).status).toBe(404);
    const changes = await changesAfter(me, since, [parent.id, ...subtasks.map((s) => s.id)]);
    for (const todo of [parent, ...subtasks])
      expect(changes).toContainEqual({ id: todo.id, deleted: true, version: todo.version + 1 });
    expect(await rowsOf(me)).toEqual([]);
  });
});

describe('notes', () => {
  it.each(CREATE_PATHS)('takes 8192 characters counted as code points, and null (%s)', async (_, create) => {
    const me = feedCaller('notes');
    const notes = `${'😀'.repeat(4096)}${'x'.repeat(4096)}`;
    expect((await create(me, { text: 'x', notes })).body.notes).toBe(notes);
    expect((await create(me, { text: 'x', notes: null })).body.notes).toBeNull();
  });

  it.each([
    ['8193 characters', 'x'.repeat(8193)],
    ['8193 emoji', '😀'.repeat(8193)],
    ['a NUL', 'a\u0000b'],
    ['a lone surrogate', 'a\ud800b'],
    ['a number', 42],
    ['an object', { text: 'x' }],
  ])('refuses %s with a 400 naming notes, on create and PATCH', async (_, notes) => {
    const me = feedCaller('badnotes');
    expectProblem(await post(me, { text: 'x', notes }), 400, 'notes');
    const todo = await made(me, { text: 'x', notes: 'kept' });
    for (const [, change] of PATCH_PATHS) expectProblem(await change(me, todo, { notes }), 400, 'notes');
    expect(await read(me, todo.id)).toEqual(todo);
  });

  it.each(PATCH_PATHS)('are changed and cleared by PATCH (%s)', async (_, change) => {
    const me = feedCaller('patchnotes');
    let todo = await made(me, { text: 'x' });
    todo = (await change(me, todo, { notes: 'call first' })).body;
    expect(todo.notes).toBe('call first');
    todo = (await change(me, todo, { notes: null })).body;
    expect(todo.notes).toBeNull();
  });
});

describe('due', () => {
  it.each([
    ['a date', '2026-12-24', '2026-12-24'],
    ['Feb 29 of a leap year', '2028-02-29', '2028-02-29'],
    ['Feb 29 of a year divisible by 400', '2000-02-29', '2000-02-29'],
    ['a date-time in UTC', '2026-12-24T18:00:00Z', '2026-12-24T18:00:00Z'],
    ['lowercase t and z', '2026-12-24t18:00:00z', '2026-12-24T18:00:00Z'],
    ['the offset +14:00', '2026-12-24T18:00:00+14:00', '2026-12-24T18:00:00+14:00'],
    ['the offset -12:00', '2026-12-24T18:00:00-12:00', '2026-12-24T18:00:00-12:00'],
    ['the offset -00:00 (unknown local offset)', '2026-12-24T18:00:00-00:00', '2026-12-24T18:00:00-00:00'],
    ['the offset +15:59 (the largest Postgres holds)', '2026-12-24T18:00:00+15:59', '2026-12-24T18:00:00+15:59'],
    ['fractional seconds', '2026-12-24T18:00:00.5+01:00', '2026-12-24T18:00:00.5+01:00'],
    ['nine fractional digits', '2026-12-24T23:59:59.999999999Z', '2026-12-24T23:59:59.999999999Z'],
    ['Feb 29 of a leap year with a time', '2024-02-29T00:00:00+05:30', '2024-02-29T00:00:00+05:30'],
    ['the first year', '0001-01-01', '0001-01-01'],
  ])('keeps %s as sent (T and Z upper-cased), on every write path', async (_, due, stored) => {
    const me = feedCaller('due');
    for (const [, create] of CREATE_PATHS) {
      const res = await create(me, { text: 'x', due });
      expect(res.status, JSON.stringify(res.body)).toBe(201);
      expect(res.body.due).toBe(stored);
    }
    const todo = await made(me, { text: 'x' });
    for (const [, change] of PATCH_PATHS) {
      const current = await read(me, todo.id);
      expect((await change(me, current, { due })).body.due).toBe(stored);
    }
  });

  it.each([
    ['Feb 29 of a common year', '2026-02-29'],
    ['Feb 29 of a century not divisible by 400', '2100-02-29'],
    ['Feb 29 of a common year with a time', '2026-02-29T10:00:00Z'],
    ['24:00', '2026-12-24T24:00:00Z'],
    ['a leap second', '2026-12-31T23:59:60Z'],
    ['a date-time without an offset', '2026-12-24T18:00:00'],
    ['no seconds', '2026-12-24T18:00Z'],
    ['a space for T', '2026-12-24 18:00:00Z'],
    ['the offset +16:00 (past what Postgres holds)', '2026-12-24T18:00:00+16:00'],
    ['the offset +24:00', '2026-12-24T18:00:00+24:00'],
    ['an offset without a colon', '2026-12-24T18:00:00+0100'],
    ['minutes of offset past 59', '2026-12-24T18:00:00+01:60'],
    ['ten fractional digits', '2026-12-24T18:00:00.1234567890Z'],
    ['month 13', '2026-13-01'],
    ['day 0', '2026-12-00'],
    ['year 0', '0000-01-01'],
    ['a five-digit year', '12026-01-01'],
    ['leading whitespace', ' 2026-12-24'],
    ['a word', 'tomorrow'],
    ['the empty string', ''],
    ['a number', 20261224],
    ['a Unix time in milliseconds', 1798070400000],
  ])('refuses %s with a 400 naming due, on create and PATCH, changing nothing', async (_, due) => {
    const me = feedCaller('baddue');
    for (const [, create] of CREATE_PATHS) expectProblem(await create(me, { text: 'x', due }), 400, 'due');
    expect(await rowsOf(me)).toEqual([]);
    const todo = await made(me, { text: 'x', due: '2026-01-01' });
    for (const [, change] of PATCH_PATHS) expectProblem(await change(me, todo, { due }), 400, 'due');
    expect(await read(me, todo.id)).toEqual(todo);
  });

  it('is cleared by null', async () => {
    const me = feedCaller('nodue');
    const todo = await made(me, { text: 'x', due: '2026-12-24' });
    expect((await patch(me, todo.id, { due: null })).body.due).toBeNull();
  });
});

describe('position', () => {
  it.each(['a0', 'Zz', 'a0V', 'A00000000000000000000000001', `a${'V'.repeat(127)}`])(
    'takes the client key %s on every write path',
    async (position) => {
      const me = feedCaller('position');
      for (const [, create] of CREATE_PATHS)
        expect((await create(me, { text: 'x', position })).body.position).toBe(position);
      const todo = await made(me, { text: 'x' });
      for (const [, change] of PATCH_PATHS) {
        const current = await read(me, todo.id);
        expect((await change(me, current, { position })).body.position).toBe(position);
      }
    },
  );

  it.each([
    // Refused by the shape check before the database is asked.
    ['the empty string', ''],
    ['a digit first', '0a'],
    ['a minus', 'a-1'],
    ['129 characters', `a${'V'.repeat(128)}`],
    ['null', null],
    ['a number', 5],
    // Of the right shape, refused by the database's domain (app_position_valid), named all the same.
    ['a trailing 0 in the fraction', 'a00'],
    ['the smallest integer', SMALLEST_INTEGER],
    ['a key shorter than its head announces', 'b'],
  ])('refuses %s with a 400 naming position, on every write path, changing nothing', async (_, position) => {
    const me = feedCaller('badposition');
    for (const [, create] of CREATE_PATHS) expectProblem(await create(me, { text: 'x', position }), 400, 'position');
    expect(await rowsOf(me)).toEqual([]);
    const todo = await made(me, { text: 'x' });
    for (const [, change] of PATCH_PATHS) expectProblem(await change(me, todo, { position }), 400, 'position');
    expect(await read(me, todo.id)).toEqual(todo);
  });

  it('leaves an Idempotency-Key unused when the database refuses the key of a create', async () => {
    const me = feedCaller('badpositionkey');
    const key = crypto.randomUUID();
    expectProblem(await post(me, { text: 'x', position: 'a00' }, { 'idempotency-key': key }), 400, 'position');
    const res = await post(me, { text: 'x', position: 'a1' }, { 'idempotency-key': key });
    expect(res.status).toBe(201);
    expect(res.headers.get('idempotent-replayed')).toBeNull();
  });
});

describe('a client-chosen id with the new fields', () => {
  it.each([
    ['every field', { notes: 'n', due: '2026-12-24T18:00:00z', position: 'a3', done: true }],
    ['only text', {}],
  ])('replays the same request (%s) with the todo as it is now', async (_, fields) => {
    const me = feedCaller('idreplay');
    const list = await newList(me);
    const parent = await made(me, { text: 'parent', listId: list });
    const id = crypto.randomUUID();
    const request = { id, text: 'x', listId: list, parentId: parent.id, ...fields };
    const first = await post(me, request);
    expect(first.status).toBe(201);
    const again = await post(me, request);
    expect(again.status).toBe(201);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(again.body).toEqual(first.body);
  });

  it('takes the default list named or left out as the same request, and a position left out as the server placing it', async () => {
    const me = feedCaller('iddefault');
    const id = crypto.randomUUID();
    expect((await post(me, { id, text: 'x' })).status).toBe(201);
    const named = await post(me, { id, text: 'x', listId: await defaultListOf(me), notes: null, parentId: null });
    expect(named.status).toBe(201);
    expect(named.headers.get('idempotent-replayed')).toBe('true');
  });

  it.each([
    ['another list', (list: string) => ({ listId: list })],
    ['a position', () => ({ position: 'a1' })],
    ['notes', () => ({ notes: 'n' })],
    ['a due date', () => ({ due: '2026-12-24' })],
  ])('answers the same id with %s 409, changing nothing', async (_, other) => {
    const me = feedCaller('idother');
    const list = await newList(me);
    const id = crypto.randomUUID();
    const first = await made(me, { id, text: 'x' });
    const res = await post(me, { id, text: 'x', ...other(list) });
    expect(res.status).toBe(409);
    expect(await read(me, id)).toEqual(first);
  });

  it('still replays a create first sent before the new fields existed', async () => {
    const me = feedCaller('idupgrade');
    const id = crypto.randomUUID();
    // As a create of before migration 0013 stored it: the hash of its text and done alone.
    await direct()`insert into lists (id, owner, title, position, is_default)
      values (app_default_list_id(${me.owner}), ${me.owner}, 'Tasks', 'a0', true)`;
    await direct()`insert into todos (id, owner, text, done, list_id, position, completed_at, request_hash)
      values (${id}, ${me.owner}, 'sent long ago', true, app_default_list_id(${me.owner}), 'a0', now(),
        app_request_hash(jsonb_build_object('text', 'sent long ago'::text, 'done', true)))`;
    const res = await post(me, { id, text: 'sent long ago', done: true });
    expect(res.status).toBe(201);
    expect(res.headers.get('idempotent-replayed')).toBe('true');
  });
});

/**
 * Sends `requests` at once. On the Postgres upstream a transaction of the test holds the rows `held` first, so
 * every request is inside Postgres, waiting, before any can act (the embedded upstream serialises transactions).
 */
async function together(held: string[], requests: (() => Promise<Answer>)[]): Promise<Answer[]> {
  if (inject('backend') !== 'postgres') return Promise.all(requests.map((request) => request()));
  const pool = new Pool({ connectionString: inject('ownerUrl') });
  pool.on('error', () => undefined);
  const holder = await pool.connect();
  try {
    await holder.query('begin');
    await holder.query('select id from todos where id = any($1::uuid[]) for update', [held]);
    const { pid } = (await holder.query('select pg_backend_pid() as pid')).rows[0];
    const racing = Promise.all(requests.map((request) => request()));
    // Their query text is hidden from the tables' owner (they run as the Worker's role): count blocked sessions.
    await until(
      async () =>
        (
          await neon(inject('ownerUrl'))`select count(*)::int as n from pg_stat_activity
            where cardinality(pg_blocking_pids(pid)) > 0 and pid <> ${pid}::int`
        )[0]!.n >= requests.length,
      'every request waiting on the held rows',
      { timeoutMs: 8000 },
    );
    await holder.query('commit');
    return await racing;
  } finally {
    holder.release();
    await pool.end();
  }
}

/** Whether `who`'s todos keep the rules: every subtask in its parent's list, and its parent top-level. */
const subtasksWhereTheyBelong = async (who: FeedCaller) =>
  (
    await direct()`select count(*)::int as n from todos s left join todos p on p.id = s.parent_id
      where s.owner = ${who.owner} and s.parent_id is not null
        and (p.id is null or p.list_id <> s.list_id or p.parent_id is not null)`
  )[0]!.n === 0;

describe('concurrent moves', () => {
  it('moves a parent to two lists at once: the later move wins, and the subtasks are in its list', async () => {
    const me = feedCaller('racemove');
    const [one, two, three] = [await newList(me), await newList(me), await newList(me)];
    const parent = await made(me, { text: 'parent', listId: one });
    const subtasks = [
      await made(me, { text: 'a', parentId: parent.id }),
      await made(me, { text: 'b', parentId: parent.id }),
    ];
    const answers = await together(
      [parent.id],
      [() => patch(me, parent.id, { listId: two }), () => patch(me, parent.id, { listId: three })],
    );
    expect(answers.map((answer) => answer.status)).toEqual([200, 200]);
    const final = await read(me, parent.id);
    // The later one ran on the row the earlier one left: its version is one past the other's.
    expect(final).toEqual(answers.reduce((a, b) => (a.body.version > b.body.version ? a : b)).body);
    for (const subtask of subtasks) expect((await read(me, subtask.id)).listId).toBe(final.listId);
    expect(await subtasksWhereTheyBelong(me)).toBe(true);
  });

  it("adds a subtask while its parent moves: it ends in its parent's list, or is refused naming parentId", async () => {
    const me = feedCaller('racechild');
    const [one, two] = [await newList(me), await newList(me)];
    const parent = await made(me, { text: 'parent', listId: one });
    const answers = await together(
      [parent.id],
      [() => patch(me, parent.id, { listId: two }), () => post(me, { text: 'new child', parentId: parent.id })],
    );
    expect(answers[0]!.status).toBe(200);
    // Added before the move, it moved with its parent; after it, the list it read for its parent is stale,
    // and the database refuses it: nothing is written.
    if (answers[1]!.status === 201) expect((await read(me, answers[1]!.body.id)).listId).toBe(two);
    else expectProblem(answers[1]!, 400, 'parentId');
    expect(await subtasksWhereTheyBelong(me)).toBe(true);
  });

  it("lets only one of two todos become the other one's subtask when both ask at once", async () => {
    const me = feedCaller('racecycle');
    const [a, b] = [await made(me, { text: 'a' }), await made(me, { text: 'b' })];
    const answers = await together(
      [a.id, b.id],
      [() => patch(me, a.id, { parentId: b.id }), () => patch(me, b.id, { parentId: a.id })],
    );
    expect(answers.map((answer) => answer.status).sort()).toEqual([200, 400]);
    expectProblem(
      answers.find((answer) => answer.status === 400)!,
      400,
      'parentId',
    );
    expect(await subtasksWhereTheyBelong(me)).toBe(true);
  });

  it('moves a subtask out while its parent moves: each ends where the database allows', async () => {
    const me = feedCaller('raceout');
    const [one, two] = [await newList(me), await newList(me)];
    const parent = await made(me, { text: 'parent', listId: one });
    const subtask = await made(me, { text: 'child', parentId: parent.id });
    const answers = await together(
      [parent.id, subtask.id],
      [() => patch(me, parent.id, { listId: two }), () => patch(me, subtask.id, { parentId: null })],
    );
    expect(answers.map((answer) => answer.status)).toEqual([200, 200]);
    expect((await read(me, parent.id)).listId).toBe(two);
    expect((await read(me, subtask.id)).parentId).toBeNull();
    expect(await subtasksWhereTheyBelong(me)).toBe(true);
  });
});
