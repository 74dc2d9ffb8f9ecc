import { neon } from '@neondatabase/serverless';
import fc from 'fast-check';
import { generateKeyBetween, generateNKeysBetween } from 'fractional-indexing';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { columnCollation } from '../../support/collation.ts';
import { useTestGateway } from '../../support/driver.ts';
import { inRolledBackTransaction } from '../../support/rolled-back.ts';
import {
  MAX_KEY_LENGTH,
  neighbours,
  orderedPair,
  projectAccepts,
  SMALLEST_INTEGER,
  validKey,
} from '../../support/position-keys.ts';

// The position functions of migrations/0012_position_keys.sql, called as the Worker's role (so it may),
// against the `fractional-indexing` package they mirror.

beforeAll(() => useTestGateway(inject('gatewayAddress')));
const worker = () => neon(inject('databaseUrl'));

/** app_key_between for many pairs in one round trip, in order; the arguments in `collation` if given. */
async function keysBetween(pairs: [string | null, string | null][], collation?: string): Promise<string[]> {
  const collate = collation ? ` collate "${collation}"` : '';
  const rows = await worker().query(
    `select public.app_key_between(a${collate}, b${collate}) as key
     from unnest($1::text[], $2::text[]) with ordinality as p(a, b, i) order by i`,
    [pairs.map(([a]) => a), pairs.map(([, b]) => b)],
  );
  return rows.map((row) => row.key as string);
}

/** The library's key, but for its one result that it refuses itself (see the migration). */
const expectedBetween = (a: string | null, b: string | null): string => {
  const key = generateKeyBetween(a, b);
  return key === SMALLEST_INTEGER ? `${SMALLEST_INTEGER}V` : key;
};

/** The SQLSTATE a statement fails with, or undefined. */
const failure = async (text: string, params: unknown[]): Promise<string | undefined> => {
  try {
    await worker().query(text, params);
    return undefined;
  } catch (err) {
    return (err as { code?: string }).code ?? String(err);
  }
};

describe('app_key_between(a, b)', () => {
  it('gives the same key as the library for random valid neighbours and open ends: valid by its rules, strictly between', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(neighbours, { minLength: 1, maxLength: 60 }), async (pairs) => {
        const keys = await keysBetween(pairs);
        pairs.forEach(([a, b], i) => {
          const key = keys[i]!;
          expect(key, `between ${a} and ${b}`).toBe(expectedBetween(a, b));
          expect(projectAccepts(key) || key.length === MAX_KEY_LENGTH + 1).toBe(true);
          if (a !== null) expect(a < key).toBe(true);
          if (b !== null) expect(key < b).toBe(true);
        });
      }),
      { numRuns: 40 },
    );
  });

  // A plpgsql function compares in its arguments' collation unless told otherwise: a caller's column or
  // database with a linguistic collation (Neon's default is en_US) must not change the keys.
  it('gives the same keys for arguments in a linguistic collation, where "a0" sorts before "Zz"', async (ctx) => {
    const [icu] = await worker().query(
      `select exists (select from pg_collation where collname = 'und-x-icu') as present`,
    );
    if (!icu!.present) ctx.skip(); // a Postgres built without ICU has no such collation
    expect(await worker().query(`select 'a0' < 'Zz' collate "und-x-icu" as linguistic`)).toEqual([
      { linguistic: true },
    ]);
    await fc.assert(
      fc.asyncProperty(fc.array(neighbours, { minLength: 1, maxLength: 60 }), async (pairs) => {
        expect(await keysBetween(pairs, 'und-x-icu')).toEqual(pairs.map(([a, b]) => expectedBetween(a, b)));
      }),
      { numRuns: 20 },
    );
  });

  it('takes two keys in either order, as the library does', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(orderedPair, { minLength: 1, maxLength: 60 }), async (pairs) => {
        const swapped = pairs.map(([a, b]): [string, string] => [b, a]);
        expect(await keysBetween(swapped)).toEqual(await keysBetween(pairs));
      }),
      { numRuns: 10 },
    );
  });

  it.each([
    ['the first key', null, null, 'a0'],
    ['before the first', null, 'a0', 'Zz'],
    ['after the last', 'a0', null, 'a1'],
    ['into a longer integer', 'az', null, 'b00'],
    ['from negative to positive', 'Zz', null, 'a0'],
    ['between neighbouring integers', 'a0', 'a1', 'a0V'],
    ['past the largest integer', `z${'z'.repeat(26)}`, null, `z${'z'.repeat(26)}V`],
    ['below the smallest integer, in its fraction', null, `${SMALLEST_INTEGER}1`, `${SMALLEST_INTEGER}0V`],
    // The library gives the smallest integer here, which it then refuses as a key.
    ['just above the smallest integer', null, `A${'0'.repeat(25)}1`, `${SMALLEST_INTEGER}V`],
  ])('%s: between %s and %s is %s', async (_, a, b, key) => {
    expect(await keysBetween([[a, b]])).toEqual([key]);
  });

  it('can return a key one character past the cap, which app_key_place turns into "renumber"', async () => {
    const a = `a0${'z'.repeat(MAX_KEY_LENGTH - 2)}`;
    expect(await keysBetween([[a, 'a1']])).toEqual([`${a}V`]);
    expect(await worker().query(`select public.app_key_place($1, 'a1') as key`, [a])).toEqual([{ key: null }]);
  });
});

describe('keys the library would refuse', () => {
  const refused = [
    ['empty', ''],
    ['no integer digit', 'a'],
    ['shorter than its integer part', 'b0'],
    ['a fraction ending in 0', 'a00'],
    ['the smallest integer', SMALLEST_INTEGER],
    ['a bad head', '00'],
    ['a character that is not a digit', 'a!'],
    ['a space', 'a0 '],
    ['a non-ASCII letter', 'aé'],
    ['longer than 128 characters', `a0${'V'.repeat(MAX_KEY_LENGTH - 1)}`],
    ['a trailing newline', 'a0V\n'],
    ['a megabyte', `a0${'V'.repeat(1_000_000)}`],
  ];

  it.each(refused)('%s: app_key_valid is false, app_key_between and app_key_place fail with 22K01', async (_, key) => {
    expect(await worker().query('select public.app_key_valid($1) as valid', [key])).toEqual([{ valid: false }]);
    for (const call of [
      'select public.app_key_between($1, null)',
      'select public.app_key_between(null, $1)',
      `select public.app_key_between($1, 'zz')`,
      `select public.app_key_place('A0', $1)`,
    ]) {
      expect(await failure(call, [key]), call).toBe('22K01');
    }
  });

  it('app_key_valid agrees with the library on random strings, within the 62 digits and 128 characters', async () => {
    const candidate = fc.oneof(
      validKey,
      fc.string({ unit: fc.constantFrom(...'0129AZaz!~ é'), maxLength: 30 }),
      fc.tuple(validKey, fc.constantFrom('0', '00', '!', 'V'.repeat(MAX_KEY_LENGTH))).map(([k, s]) => k + s),
    );
    await fc.assert(
      fc.asyncProperty(fc.array(candidate, { minLength: 1, maxLength: 100 }), async (keys) => {
        const rows = await worker().query(
          `select public.app_key_valid(k) as valid from unnest($1::text[]) with ordinality as c(k, i) order by i`,
          [keys],
        );
        expect(rows.map((row) => row.valid)).toEqual(keys.map(projectAccepts));
      }),
      { numRuns: 30 },
    );
  });

  it('app_key_valid(NULL) is false', async () => {
    expect(await worker().query('select public.app_key_valid(null) as valid')).toEqual([{ valid: false }]);
  });
});

describe('equal keys (two clients that placed items at one spot at once)', () => {
  it('app_key_between fails with 22K02: nothing is strictly between them', async () => {
    expect(await failure(`select public.app_key_between('a0V', 'a0V')`, [])).toBe('22K02');
  });

  it('app_key_place gives NULL, the signal to renumber the group', async () => {
    expect(await worker().query(`select public.app_key_place('a0V', 'a0V') as key`)).toEqual([{ key: null }]);
    expect(await worker().query(`select public.app_key_place('a0', 'a0V') as key`)).toEqual([{ key: 'a0G' }]);
  });
});

describe('app_key_nth(rank): the keys of a renumbered group', () => {
  it("are the library's generateNKeysBetween(null, null, n), across the integer lengths", async () => {
    const library = generateNKeysBetween(null, null, 242_240);
    const ranks = [...Array(4_000).keys(), ...Array.from({ length: 40 }, (_, i) => 242_200 + i)];
    const rows = await worker().query(
      'select public.app_key_nth(r) as key from unnest($1::bigint[]) with ordinality as x(r, i) order by i',
      [ranks],
    );
    expect(rows.map((row) => row.key)).toEqual(ranks.map((rank) => library[rank]));
  });

  it('stay short for any group the API can hold', async () => {
    expect(await worker().query('select public.app_key_nth(999999) as key')).toEqual([{ key: 'd3B81' }]); // generateNKeysBetween(null, null, 1e6)[999999];
  });
});

describe('a position column (the app_position domain)', () => {
  const inTable = <T>(
    body: (query: (text: string, params?: unknown[]) => Promise<Record<string, unknown>[]>) => Promise<T>,
  ) =>
    inRolledBackTransaction(inject('ownerUrl'), async (client) => {
      await client.query(
        'create temporary table positioned (id integer primary key, position public.app_position not null)',
      );
      return body(async (text, params) => (await client.query(text, params)).rows as Record<string, unknown>[]);
    });

  it('has the collation "C"', async () => {
    expect(await inTable((query) => columnCollation(query, 'pg_temp.positioned', 'position'))).toBe('C');
  });

  it("sorts byte-wise: 'Zz' before 'a0', digits before capitals before small letters", async () => {
    const order = await inTable(async (query) => {
      await query(`insert into positioned values (1, 'a0'), (2, 'Zz'), (3, 'a0a'), (4, 'a0A'), (5, 'a09'), (6, 'b00')`);
      return (await query('select position from positioned order by position')).map((row) => row.position);
    });
    expect(order).toEqual(['Zz', 'a0', 'a09', 'a0A', 'a0a', 'b00']);
  });

  it('refuses a key the library would refuse, naming its constraint (23514)', async () => {
    const err = await inTable((query) =>
      query(`insert into positioned values (1, 'a00')`).then(
        () => undefined,
        (e: unknown) => e,
      ),
    );
    expect(err).toMatchObject({ code: '23514', constraint: 'app_position_valid' });
  });
});
