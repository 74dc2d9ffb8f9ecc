import { readFileSync } from 'node:fs';
import type { PoolClient } from '@neondatabase/serverless';
import { describe, expect, inject, it } from 'vitest';
import { columnCollation } from '../../support/collation.ts';
import { inRolledBackTransaction } from '../../support/rolled-back.ts';
import { MAX_KEY_LENGTH, projectAccepts } from '../../support/position-keys.ts';

/**
 * docs/database.md's placement statement ("Positions"), on a table of this file: item $2 goes into group $1
 * just after item $3 (NULL: first). One statement: when app_key_place finds no key (equal neighbours, or
 * one past 128 characters), the group is renumbered in (position, id) order and the item goes into the
 * gap after its neighbour's new key.
 */
export const PLACE_AFTER_SQL = `WITH prev AS (
  SELECT id, position FROM items WHERE grp = $1 AND id = $3
), next AS (
  SELECT position FROM items
  WHERE grp = $1 AND ($3::integer IS NULL OR (position, id) > (SELECT position, id FROM prev))
  ORDER BY position, id LIMIT 1
), placed AS (
  SELECT app_key_place((SELECT position FROM prev), (SELECT position FROM next)) AS key
), renumbered AS (
  UPDATE items SET position = app_key_nth(ranked.rank)
  FROM (SELECT id, row_number() OVER (ORDER BY position, id) - 1 AS rank FROM items WHERE grp = $1) AS ranked
  WHERE items.id = ranked.id AND (SELECT key FROM placed) IS NULL
  RETURNING items.id, items.position, ranked.rank
)
INSERT INTO items (id, grp, position)
SELECT $2, $1, coalesce((SELECT key FROM placed), (
  SELECT app_key_between(min(r.position) FILTER (WHERE r.rank = p.rank), min(r.position) FILTER (WHERE r.rank = p.rank + 1))
  FROM renumbered AS r, (SELECT coalesce((SELECT rank FROM renumbered WHERE id = $3), -1) AS rank) AS p
))`;

/** A table made for the test, in a transaction rolled back after `body`; `place` runs the statement above. */
const withItems = <T>(body: (items: Items) => Promise<T>): Promise<T> =>
  inRolledBackTransaction(inject('ownerUrl'), async (client) => {
    await client.query(`create temporary table items (
      id integer primary key, grp integer not null, position public.app_position not null)`);
    await client.query('create index on items (grp, position, id)');
    return body(new Items(client));
  });

class Items {
  constructor(readonly client: PoolClient) {}
  async add(grp: number, rows: [id: number, position: string][]) {
    for (const [id, position] of rows)
      await this.client.query('insert into items values ($1, $2, $3)', [id, grp, position]);
  }
  async place(grp: number, id: number, after: number | null) {
    await this.client.query(PLACE_AFTER_SQL, [grp, id, after]);
  }
  /** Runs the statement `count` times in one round trip (a loop in the database): ids from `firstId` on, each after `after(id)`. */
  async placeMany(grp: number, firstId: number, count: number, after: string) {
    await this.client.query(`DO $do$ BEGIN
      FOR id IN ${firstId}..${firstId + count - 1} LOOP
        EXECUTE $place$${PLACE_AFTER_SQL}$place$ USING ${grp}, id, ${after};
      END LOOP;
    END $do$`);
  }
  async rows(grp: number): Promise<{ id: number; position: string }[]> {
    const { rows } = await this.client.query('select id, position from items where grp = $1 order by position, id', [
      grp,
    ]);
    return rows as { id: number; position: string }[];
  }
  async order(grp: number): Promise<number[]> {
    return (await this.rows(grp)).map((row) => row.id);
  }
}

describe('placing an item after another, in one statement', () => {
  it('is the statement docs/database.md gives the lists', () => {
    expect(readFileSync('docs/database.md', 'utf8')).toContain(PLACE_AFTER_SQL);
  });

  it('takes the key between its neighbours and changes no other row', async () => {
    const rows = await withItems(async (items) => {
      await items.add(1, [
        [1, 'a0'],
        [2, 'a1'],
      ]);
      await items.place(1, 3, 1);
      await items.place(1, 4, null);
      await items.place(1, 5, 2);
      return items.rows(1);
    });
    expect(rows).toEqual([
      { id: 4, position: 'Zz' },
      { id: 1, position: 'a0' },
      { id: 3, position: 'a0V' },
      { id: 2, position: 'a1' },
      { id: 5, position: 'a2' },
    ]);
  });
});

describe('equal neighbours (two clients placed items at one spot at once)', () => {
  it('an item placed between two equal keys goes between them, the group renumbered', async () => {
    const rows = await withItems(async (items) => {
      await items.add(1, [
        [1, 'a0'],
        [2, 'a1'],
        [3, 'a1'],
        [4, 'a2'],
      ]);
      await items.add(2, [[9, 'a1']]);
      await items.place(1, 5, 2);
      return [...(await items.rows(1)), ...(await items.rows(2))];
    });
    expect(rows).toEqual([
      { id: 1, position: 'a0' },
      { id: 2, position: 'a1' },
      { id: 5, position: 'a1V' },
      { id: 3, position: 'a2' },
      { id: 4, position: 'a3' },
      { id: 9, position: 'a1' }, // another group: untouched
    ]);
  });

  it('with three equal keys, after the middle one', async () => {
    const order = await withItems(async (items) => {
      await items.add(1, [
        [1, 'a0V'],
        [2, 'a0V'],
        [3, 'a0V'],
      ]);
      await items.place(1, 4, 2);
      return items.order(1);
    });
    expect(order).toEqual([1, 2, 4, 3]);
  });

  it('next to equal keys (before the first, after the last, first of all) needs no renumbering', async () => {
    const rows = await withItems(async (items) => {
      await items.add(1, [
        [1, 'a0'],
        [2, 'a1'],
        [3, 'a1'],
        [4, 'a2'],
      ]);
      await items.place(1, 5, 1);
      await items.place(1, 6, 3);
      await items.add(2, [
        [7, 'a1'],
        [8, 'a1'],
      ]);
      await items.place(2, 9, null);
      return [...(await items.rows(1)), ...(await items.rows(2))];
    });
    expect(rows).toEqual([
      { id: 1, position: 'a0' },
      { id: 5, position: 'a0V' },
      { id: 2, position: 'a1' },
      { id: 3, position: 'a1' },
      { id: 6, position: 'a1V' },
      { id: 4, position: 'a2' },
      { id: 9, position: 'a0' },
      { id: 7, position: 'a1' },
      { id: 8, position: 'a1' },
    ]);
  });
});

describe('5,000 placements at one spot: keys stay within 128 characters, the order is the one asked for', () => {
  const ids = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);

  it.each([
    ['always just after the same item (between it and the last placed)', '1', [1, ...ids(3, 5002).reverse(), 2]],
    [
      'always just after the last placed (between it and the same item)',
      'CASE WHEN id = 3 THEN 1 ELSE id - 1 END',
      [1, ...ids(3, 5002), 2],
    ],
    ['always at the top', 'NULL::integer', [...ids(3, 5002).reverse(), 1, 2]],
  ])('%s', async (_, after, expected) => {
    const { rows, collation } = await withItems(async (items) => {
      await items.add(1, [
        [1, 'a0'],
        [2, 'a1'],
      ]);
      await items.placeMany(1, 3, 5_000, after);
      return {
        rows: await items.rows(1),
        collation: await columnCollation(
          async (text, params) => (await items.client.query(text, params)).rows,
          'pg_temp.items',
          'position',
        ),
      };
    });
    expect(collation).toBe('C');
    expect(rows.map((row) => row.id)).toEqual(expected);
    expect(Math.max(...rows.map((row) => row.position.length))).toBeLessThanOrEqual(MAX_KEY_LENGTH);
    expect(rows.every((row) => projectAccepts(row.position))).toBe(true);
    expect(new Set(rows.map((row) => row.position)).size).toBe(rows.length);
  });
});
