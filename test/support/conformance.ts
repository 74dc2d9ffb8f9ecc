import { NeonDbError, neon, Pool } from '@neondatabase/serverless';
import { describe, expect, it } from 'vitest';
import { SCRATCH_SCHEMA, scratchName, scratchTable } from './driver.ts';

/**
 * Driver conformance: what the unmodified Neon driver must get from whatever
 * stands in for Neon (the gateway over either upstream). Shared by the Node
 * and the workerd suites so both runtimes check the same behaviour.
 * `databaseUrl` is the Worker's (pooled); statements that make tables use
 * `ownerUrl` (the tables' owner: the Worker's role may not create any).
 */
export function driverConformance(databaseUrl: () => string, ownerUrl: () => string) {
  const sql = () => neon(databaseUrl());
  const owner = () => neon(ownerUrl());

  describe('HTTP queries: types', () => {
    it("round-trips the common types with the driver's own parsers", async () => {
      const [row] = await sql()`
        select 42::int4 as i4, 9007199254740993::int8 as i8, 12.50::numeric as num, ${'héllo 😀 مرحبا'}::text as txt,
               true as yes, null::text as nothing, '2026-11-25T10:20:30.123456Z'::timestamptz as ts, '2026-11-25'::date as d,
               ${JSON.stringify({ a: [1, 'x'] })}::jsonb as j, ${[1, 2, 3]}::int[] as ints, ${['a', 'b c', '"q"']}::text[] as texts,
               ${new Uint8Array([0, 255, 16])}::bytea as bytes`;
      expect(row!.i4).toBe(42);
      expect(row!.i8).toBe('9007199254740993');
      expect(row!.num).toBe('12.50');
      expect(row!.txt).toBe('héllo 😀 مرحبا');
      expect(row!.yes).toBe(true);
      expect(row!.nothing).toBeNull();
      expect((row!.ts as Date).toISOString()).toBe('2026-11-25T10:20:30.123Z');
      expect(row!.d).toEqual(new Date(2026, 10, 25)); // the driver's date parser: local midnight of that day
      expect(row!.j).toEqual({ a: [1, 'x'] });
      expect(row!.ints).toEqual([1, 2, 3]);
      expect(row!.texts).toEqual(['a', 'b c', '"q"']);
      expect([...(row!.bytes as Uint8Array)]).toEqual([0, 255, 16]);
    });

    it('supports fullResults and arrayMode', async () => {
      const full = await neon(databaseUrl(), { fullResults: true })`select 1 as a, 'x' as b`;
      expect(full.rowCount).toBe(1);
      expect(full.command).toBe('SELECT');
      expect(full.fields.map((f) => f.name)).toEqual(['a', 'b']);
      expect(full.fields[0]!.dataTypeID).toBe(23);
      const rows = await neon(databaseUrl(), { arrayMode: true })`select 1 as a, 'x' as b`;
      expect(rows).toEqual([[1, 'x']]);
    });
  });

  describe('HTTP transactions (batches)', () => {
    it('commits together and rolls back entirely when one statement fails', async () => {
      const table = scratchTable('batch');
      const db = owner();
      await db.query(`create table ${table} (id int primary key)`);
      const results = await db.transaction([
        db.query(`insert into ${table} values (1)`),
        db.query(`select count(*)::int as n from ${table}`),
      ]);
      expect(results[1]).toEqual([{ n: 1 }]);
      await expect(
        db.transaction([db.query(`insert into ${table} values (2)`), db.query(`insert into ${table} values (1)`)]),
      ).rejects.toMatchObject({ code: '23505' });
      expect(await db.query(`select id from ${table} order by id`)).toEqual([{ id: 1 }]);
    });

    it('honours read-only (25006) and the isolation level', async () => {
      const table = scratchTable('ro');
      const db = owner();
      await db.query(`create table ${table} (id int)`);
      await expect(
        db.transaction([db.query(`insert into ${table} values (1)`)], { readOnly: true }),
      ).rejects.toMatchObject({ code: '25006' });
      const [level] = await db.transaction([db.query('show transaction_isolation')], {
        isolationLevel: 'Serializable',
      });
      expect(level).toEqual([{ transaction_isolation: 'serializable' }]);
      const [ro] = await db.transaction([db.query('show transaction_read_only')], {
        readOnly: true,
        isolationLevel: 'RepeatableRead',
      });
      expect(ro).toEqual([{ transaction_read_only: 'on' }]);
    });
  });

  describe('errors arrive as NeonDbError with Postgres fields', () => {
    it('23505 unique violation with constraint, table and detail', async () => {
      const table = scratchName('uniq');
      const db = owner();
      await db.query(`create table ${SCRATCH_SCHEMA}.${table} (id int constraint ${table}_pk primary key)`);
      await db.query(`insert into ${SCRATCH_SCHEMA}.${table} values (1)`);
      const err = await db.query(`insert into ${SCRATCH_SCHEMA}.${table} values (1)`).catch((e) => e);
      expect(err).toBeInstanceOf(NeonDbError);
      expect(err).toMatchObject({
        code: '23505',
        constraint: `${table}_pk`,
        table,
        detail: expect.stringContaining('(id)=(1)'),
      });
    });

    it('42601 syntax error with position', async () => {
      const err = await sql()
        .query('select from where')
        .catch((e) => e);
      expect(err).toBeInstanceOf(NeonDbError);
      expect(err.code).toBe('42601');
      expect(err.position).toBe('13'); // 1-based, at "where"
    });

    it('22P02 invalid text representation', async () => {
      await expect(sql()`select ${'abc'}::int`).rejects.toMatchObject({ code: '22P02' });
    });

    it('28P01 for a wrong password and 3D000 for an unknown database', async () => {
      const url = new URL(databaseUrl());
      url.password = 'wrong';
      await expect(neon(url.toString())`select 1`).rejects.toMatchObject({ code: '28P01' });
      const other = new URL(databaseUrl());
      other.pathname = '/no_such_db';
      await expect(neon(other.toString())`select 1`).rejects.toMatchObject({ code: '3D000' });
    });
  });

  describe('WebSocket Pool and Client', () => {
    it('runs BEGIN / COMMIT / ROLLBACK and ends promptly', async () => {
      const table = scratchTable('ws');
      const pool = new Pool({ connectionString: ownerUrl() });
      // After end(), workerd reports the closed socket of an ended client as an error event; nothing is lost by then.
      pool.on('error', () => undefined);
      const client = await pool.connect();
      try {
        await client.query(`create table ${table} (id int)`);
        await client.query('BEGIN');
        await client.query(`insert into ${table} values (1)`);
        await client.query('COMMIT');
        await client.query('BEGIN');
        await client.query(`insert into ${table} values (2)`);
        await client.query('ROLLBACK');
        const { rows } = await client.query(`select id from ${table}`);
        expect(rows).toEqual([{ id: 1 }]);
      } finally {
        client.release();
        await pool.end(); // the test's timeout is the guard against a hang
      }
    });
  });
}
