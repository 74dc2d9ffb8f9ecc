import type { PoolClient } from '@neondatabase/serverless';
import fc from 'fast-check';
import { generateKeyBetween } from 'fractional-indexing';
import { describe, expect, inject, it } from 'vitest';
import { SET_OWNER_SQL } from '../../../src/db/client.ts';
import { inRolledBackTransaction } from '../../support/rolled-back.ts';
import { MAX_KEY_LENGTH, projectAccepts, validKey } from '../../support/position-keys.ts';

// The server's placement (migrations/0014_placement.sql): app_todo_position and app_list_position, called as
// the Worker calls them, as the Worker's role under row-level security, in a transaction rolled back after.

type Row = { id: string; position: string };

/** `body` as the Worker's role for a new owner, with a list of its own: rolled back after. */
const asCaller = <T>(body: (db: Caller) => Promise<T>): Promise<T> =>
  inRolledBackTransaction(inject('databaseUrl'), async (client) => {
    const owner = `token:placement-${crypto.randomUUID().slice(0, 8)}`;
    await client.query(SET_OWNER_SQL, [owner]);
    return body(new Caller(client, owner));
  });

class Caller {
  constructor(
    readonly client: PoolClient,
    readonly owner: string,
  ) {}
  async rows(text: string, params: unknown[] = []): Promise<Record<string, unknown>[]> {
    return (await this.client.query(text, params)).rows as Record<string, unknown>[];
  }
  async newList(title = 'placement'): Promise<string> {
    const [row] = await this.rows(`insert into lists (title) values ($1) returning id`, [title]);
    return row!.id as string;
  }
  /** Todos of `list` with these keys, in one statement; their ids in the given order. */
  async addTodos(list: string, keys: string[], parent: string | null = null): Promise<string[]> {
    const rows = await this.rows(
      `insert into todos (text, list_id, parent_id, position)
       select 'k' || n, $1, $3, key from unnest($2::text[]) with ordinality as k(key, n) order by n returning id`,
      [list, keys, parent],
    );
    return rows.map((row) => row.id as string);
  }
  /** A new todo placed by the server: after `anchor`, or before it; no anchor: first (after) or last (before). */
  async placeNew(list: string, anchor: string | null, before: boolean, parent: string | null = null): Promise<Row> {
    const [row] = await this.rows(
      `insert into todos (text, list_id, parent_id, position)
       values ('placed', $1, $2, app_todo_position($1, $2, $3, $4, null)) returning id, position`,
      [list, parent, anchor, before],
    );
    return row as Row;
  }
  /** Moves the todo `id` within its group, as a PATCH does. */
  async move(id: string, anchor: string | null, before: boolean): Promise<Row> {
    const [row] = await this.rows(
      `update todos set position = app_todo_position(list_id, parent_id, $2, $3, id) where id = $1
       returning id, position`,
      [id, anchor, before],
    );
    return row as Row;
  }
  /** The group's rows in its order, with their versions. */
  async group(list: string, parent: string | null = null): Promise<(Row & { version: number })[]> {
    return (await this.rows(
      `select id, position, version from todos where list_id = $1 and parent_id is not distinct from $2
       order by position, id`,
      [list, parent],
    )) as (Row & { version: number })[];
  }
  /** The SQLSTATE and DETAIL a statement fails with. */
  async failure(text: string, params: unknown[]): Promise<{ code?: string; detail?: string }> {
    await this.client.query('savepoint attempt');
    try {
      await this.client.query(text, params);
      return {};
    } catch (err) {
      return { code: (err as { code?: string }).code, detail: (err as { detail?: string }).detail };
    } finally {
      await this.client.query('rollback to savepoint attempt');
    }
  }
}

/** Where an item placed in a group of `n` goes: the slot's index among the others, and the anchor's index. */
const placement = (n: number) =>
  fc.oneof(
    fc.record({ kind: fc.constant('after' as const), anchor: fc.nat({ max: n - 1 }) }),
    fc.record({ kind: fc.constant('before' as const), anchor: fc.nat({ max: n - 1 }) }),
    fc.record({ kind: fc.constantFrom('first' as const, 'last' as const), anchor: fc.constant(-1) }),
  );
type Placement = { kind: 'after' | 'before' | 'first' | 'last'; anchor: number };

/** The index the item must end at, among the group's `n` others in order. */
const expectedIndex = ({ kind, anchor }: Placement, n: number) =>
  kind === 'after' ? anchor + 1 : kind === 'before' ? anchor : kind === 'first' ? 0 : n;

/** A group's keys in order, with runs of equal keys (concurrent placements at one spot). */
const groupKeys = fc
  .array(fc.tuple(validKey, fc.integer({ min: 1, max: 3 })), { minLength: 1, maxLength: 8 })
  .map((runs) => runs.flatMap(([key, count]) => Array<string>(count).fill(key)).sort());

describe('app_todo_position: the key the server gives, against the library', () => {
  it('gives a valid key strictly between the neighbours, in their order, the library’s own when no renumbering is needed', async () => {
    await asCaller(async (db) => {
      await fc.assert(
        fc.asyncProperty(
          groupKeys.chain((keys) => fc.tuple(fc.constant(keys), placement(keys.length), fc.boolean())),
          async ([keys, where, moveExisting]) => {
            const list = await db.newList();
            // A move takes an existing item (the last of `keys`, appended at the end) out of its place first.
            const ids = await db.addTodos(list, moveExisting ? [...keys, keys[keys.length - 1]!] : keys);
            const before = await db.group(list);
            const others = moveExisting ? before.slice(0, -1) : before;
            const anchor = where.anchor >= 0 ? others[where.anchor]!.id : null;
            const asBefore = where.kind === 'before' || where.kind === 'last';
            const placed = moveExisting
              ? await db.move(before[before.length - 1]!.id, anchor, asBefore)
              : await db.placeNew(list, anchor, asBefore);
            const after = await db.group(list);
            const index = expectedIndex(where, others.length);
            expect(after.map((row) => row.id)).toEqual([
              ...others.slice(0, index).map((row) => row.id),
              placed.id,
              ...others.slice(index).map((row) => row.id),
            ]);
            expect(after.every((row) => projectAccepts(row.position))).toBe(true);
            const prev = after[index - 1]?.position ?? null;
            const next = after[index + 1]?.position ?? null;
            if (prev !== null) expect(prev < placed.position, `${prev} < ${placed.position}`).toBe(true);
            if (next !== null) expect(placed.position < next, `${placed.position} < ${next}`).toBe(true);
            const [a, b] = [others[index - 1]?.position ?? null, others[index]?.position ?? null];
            const renumbered = after.some(
              (row, i) => row.id !== placed.id && row.position !== before[i - +(i > index)]?.position,
            );
            if (a !== b && !renumbered) expect(placed.position).toBe(generateKeyBetween(a, b));
            expect(ids.length).toBe(before.length);
          },
        ),
        { numRuns: 60 },
      );
    });
  });

  it('renumbers between two equal keys: the item lands strictly between them, and each renumbered row is a new version', async () => {
    await asCaller(async (db) => {
      const list = await db.newList();
      const [first, second, third] = await db.addTodos(list, ['a1', 'a1', 'a2']);
      const [low, high] = [first!, second!].sort();
      const placed = await db.placeNew(list, low!, false);
      const rows = await db.group(list);
      expect(rows.map((row) => row.id)).toEqual([low, placed.id, high, third]);
      expect(rows.map((row) => row.position)).toEqual(['a0', 'a1', 'a2', 'a3']);
      // Each row whose key changed is a new version (the feed's trigger); the placed one is new.
      expect(rows.map((row) => row.version)).toEqual([2, 1, 2, 2]);
    });
  });

  it('renumbers when the key would pass 128 characters, and places subtasks among their parent’s only', async () => {
    await asCaller(async (db) => {
      const list = await db.newList();
      const [parent] = await db.addTodos(list, ['a0']);
      // The key between these two would be 129 characters.
      const [low, high] = await db.addTodos(list, ['a0' + 'z'.repeat(MAX_KEY_LENGTH - 2), 'a1'], parent);
      const [other] = await db.addTodos(list, ['a0V']);
      const placed = await db.placeNew(list, low!, false, parent);
      expect((await db.group(list, parent)).map((row) => [row.id, row.position])).toEqual([
        [low, 'a0'],
        [placed.id, 'a1'],
        [high, 'a2'],
      ]);
      expect((await db.group(list)).map((row) => [row.id, row.position])).toEqual([
        [parent, 'a0'],
        [other, 'a0V'],
      ]);
    });
  });

  it('refuses an anchor outside the group, naming the field: another list’s, a subtask for a top-level place, unknown, itself', async () => {
    await asCaller(async (db) => {
      const [list, other] = [await db.newList(), await db.newList()];
      const [here] = await db.addTodos(list, ['a0']);
      const [elsewhere] = await db.addTodos(other, ['a0']);
      const [subtask] = await db.addTodos(list, ['a0'], here);
      const place = `insert into todos (text, list_id, position) values ('x', $1, app_todo_position($1, null, $2, $3, null))`;
      expect(await db.failure(place, [list, elsewhere, false])).toEqual({ code: 'PLACE', detail: 'after' });
      expect(await db.failure(place, [list, subtask, true])).toEqual({ code: 'PLACE', detail: 'before' });
      expect(await db.failure(place, [list, crypto.randomUUID(), false])).toEqual({ code: 'PLACE', detail: 'after' });
      expect(
        await db.failure(`update todos set position = app_todo_position(list_id, null, id, true, id) where id = $1`, [
          here,
        ]),
      ).toEqual({ code: 'PLACE', detail: 'before' });
    });
  });

  it('refuses another owner’s todo as an anchor: row-level security hides it', async () => {
    await asCaller(async (db) => {
      const list = await db.newList();
      await db.client.query(SET_OWNER_SQL, [`${db.owner}-other`]);
      const [foreign] = await db.addTodos(await db.newList(), ['a0']);
      await db.client.query(SET_OWNER_SQL, [db.owner]);
      expect(
        await db.failure(
          `insert into todos (text, list_id, position) values ('x', $1, app_todo_position($1, null, $2, false, null))`,
          [list, foreign],
        ),
      ).toEqual({ code: 'PLACE', detail: 'after' });
    });
  });
});

describe('app_list_position', () => {
  it('places lists among the owner’s lists: last without an anchor, after and before one, renumbering equal keys', async () => {
    await asCaller(async (db) => {
      const a = await db.newList('a');
      const b = await db.newList('b');
      const place = async (anchor: string | null, before: boolean) =>
        (
          await db.rows(
            `insert into lists (title, position) values ('p', app_list_position($1, $2, null)) returning id`,
            [anchor, before],
          )
        )[0]!.id as string;
      const last = await place(null, true);
      const first = await place(null, false);
      const afterA = await place(a, false);
      const beforeB = await place(b, true);
      const order = async () =>
        (await db.rows(`select id, title from lists order by position, id`)).map((row) => row.id);
      const defaultList = (await order()).find((id) => ![a, b, last, first, afterA, beforeB].includes(id as string));
      expect(await order()).toEqual([first, defaultList, a, afterA, beforeB, b, last]);
      // Equal keys (two clients placed at one spot at once), then a list placed between them.
      await db.rows(`update lists set position = 'a5' where id = any($1)`, [[a, b]]);
      const [low, high] = [a, b].sort();
      const between = await place(low!, false);
      const now = await order();
      expect(now.indexOf(between)).toBe(now.indexOf(low!) + 1);
      expect(now.indexOf(high!)).toBe(now.indexOf(between) + 1);
      expect(await db.rows('select app_list_group_locked() as locked')).toEqual([{ locked: true }]);
      expect(
        await db.failure(`insert into lists (title, position) values ('p', app_list_position($1, false, null))`, [
          crypto.randomUUID(),
        ]),
      ).toEqual({ code: 'PLACE', detail: 'after' });
    });
  });
});
