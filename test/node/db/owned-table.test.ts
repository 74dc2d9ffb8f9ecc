import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateDrizzleJson, generateMigration } from 'drizzle-kit/api';
import { boolean, integer, text } from 'drizzle-orm/pg-core';
import { describe, expect, inject, it } from 'vitest';
import { MIGRATIONS_FOLDER, readMigrations } from '../../../dev/migrations.ts';
import { ownershipAppendix, ownTables, withStatements } from '../../../dev/own-tables.ts';
import { ownedTable, ownershipOf, ownershipsIn } from '../../../src/db/owned-table.ts';
import * as schema from '../../../src/db/schema.ts';
import { scratchName } from '../../support/driver.ts';
import { inRolledBackTransaction } from '../../support/rolled-back.ts';
import {
  guardedTables,
  ownedTableExpected,
  ownedTableState,
  reachableTables,
  type Query,
} from '../../support/owned-catalog.ts';

/** The project's migrations as the generator step reads them. */
const projectMigrations = () =>
  readMigrations().map(({ tag }) => ({ tag, sql: readFileSync(join(MIGRATIONS_FOLDER, `${tag}.sql`), 'utf8') }));

/** Runs `body` as the tables' owner inside one transaction that is rolled back: nothing it makes is seen by other files. */
const asOwnerRolledBack = (body: (query: Query) => Promise<void>): Promise<void> =>
  inRolledBackTransaction(inject('ownerUrl'), (client) =>
    body(async (text, params) => (await client.query(text, params)).rows as Record<string, unknown>[]),
  );

describe('an owned table, declared with ownedTable', () => {
  it('is made owned by the migration that drizzle-kit generates for it, with the generator step and no hand-edited SQL, and passes the catalog check', async () => {
    const name = scratchName('scratch_owned');
    const scratch = ownedTable(name, ['SELECT', 'INSERT', 'UPDATE'], {
      id: integer('id').primaryKey().generatedByDefaultAsIdentity(),
      note: text('note').notNull(),
      done: boolean('done').notNull().default(false),
    });
    // What `npm run db:generate` does: drizzle-kit's SQL for the new table, then the step's appendix.
    const generated = await generateMigration(generateDrizzleJson({}), generateDrizzleJson({ scratch }));
    const migration = { tag: '9999_scratch', sql: generated.join('--> statement-breakpoint\n') };
    const appendix = ownershipAppendix([...projectMigrations(), migration], [ownershipOf(scratch)!]);
    expect(appendix).toEqual([{ tag: '9999_scratch', statements: [expect.stringContaining(`'public.${name}'`)] }]);
    const sql = withStatements(migration.sql, appendix[0]!.statements);

    await asOwnerRolledBack(async (query) => {
      for (const statement of sql.split('--> statement-breakpoint')) await query(statement);
      expect(await reachableTables(query)).toContain(name);
      const [{ owner }] = (await query('select current_user as owner')) as [{ owner: string }];
      expect(await ownedTableState(query, name)).toEqual(ownedTableExpected(ownershipOf(scratch)!, owner));
      const guarded = await guardedTables(query);
      expect(guarded.named).toContain(`public.${name}`);
      expect(guarded.named).toEqual(guarded.underRowLevelSecurity);
    });
  });

  it('without the generator step, fails the catalog check (so the check above means something)', async () => {
    const name = scratchName('scratch_unowned');
    const scratch = ownedTable(name, ['SELECT'], { id: integer('id').primaryKey() });
    const generated = await generateMigration(generateDrizzleJson({}), generateDrizzleJson({ scratch }));
    await asOwnerRolledBack(async (query) => {
      for (const statement of generated) await query(statement);
      const [{ owner }] = (await query('select current_user as owner')) as [{ owner: string }];
      expect(await ownedTableState(query, name)).not.toEqual(ownedTableExpected(ownershipOf(scratch)!, owner));
    });
  });

  it('is made owned by a committed migration for every table the schema declares (the step has nothing left to add)', () => {
    expect(
      ownershipsIn(schema)
        .map((o) => o.name)
        .sort(),
    ).toEqual([
      'idempotency_keys',
      'list_tombstones',
      'lists',
      'owner_usage',
      'todo_tombstones',
      'todos',
      'tombstone_purges',
    ]);
    expect(ownershipAppendix(projectMigrations(), ownershipsIn(schema))).toEqual([]);
  });

  it('refuses a declared owned table that no migration creates', () => {
    const scratch = ownedTable('never_created', ['SELECT'], { id: integer('id') });
    expect(() => ownershipAppendix(projectMigrations(), [ownershipOf(scratch)!])).toThrow(
      'never_created is declared owned, but no migration creates it',
    );
  });

  it('gets its call appended once, by the generator step, to the migration that creates it', () => {
    const folder = mkdtempSync(join(tmpdir(), 'own-tables-'));
    try {
      mkdirSync(join(folder, 'meta'));
      const entries = [{ idx: 0, version: '7', when: 1, tag: '0000_lists', breakpoints: true }];
      writeFileSync(
        join(folder, 'meta/_journal.json'),
        JSON.stringify({ version: '7', dialect: 'postgresql', entries }),
      );
      const generated = 'CREATE TABLE "lists" (\n\t"id" integer PRIMARY KEY NOT NULL\n);\n';
      writeFileSync(join(folder, '0000_lists.sql'), generated);
      const lists = { name: 'lists', workerMay: ['SELECT', 'DELETE'] } as const;
      expect(ownTables(folder, [{ ...lists, workerMay: [...lists.workerMay] }])).toEqual(['0000_lists']);
      const written = readFileSync(join(folder, '0000_lists.sql'), 'utf8');
      expect(written).toBe(
        `${generated.trimEnd()}--> statement-breakpoint\nSELECT public.app_own_table('public.lists', '{SELECT,DELETE}');\n`,
      );
      expect(ownTables(folder, [{ ...lists, workerMay: [...lists.workerMay] }])).toEqual([]);
      expect(readFileSync(join(folder, '0000_lists.sql'), 'utf8')).toBe(written);
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });
});
