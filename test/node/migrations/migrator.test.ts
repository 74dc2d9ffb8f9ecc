import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHash, randomBytes } from 'node:crypto';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { neonConfig, Pool } from '@neondatabase/serverless';
import ws from 'ws';
import { applyMigrations, readMigrations, NO_TRANSACTION_MARKER } from '../../../dev/migrations.ts';
import { useLocalGateway } from '../../../src/db/local-gateway.ts';

const url = inject('ownerUrl');
const localGateway = inject('gatewayAddress');
const folders: string[] = [];
afterAll(() => { for (const f of folders) rmSync(f, { recursive: true, force: true }); });

/** A migrations folder as drizzle-kit lays it out: one file per entry and a journal. */
function folderOf(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'migrations-'));
  folders.push(dir);
  mkdirSync(join(dir, 'meta'));
  const entries = Object.keys(files).map((tag, idx) => ({ idx, version: '7', when: 1_700_000_000_000 + idx, tag, breakpoints: true }));
  writeFileSync(join(dir, 'meta/_journal.json'), JSON.stringify({ version: '7', dialect: 'postgresql', entries }));
  for (const [tag, sql] of Object.entries(files)) writeFileSync(join(dir, `${tag}.sql`), sql);
  return dir;
}

async function query<T>(text: string): Promise<T[]> {
  neonConfig.webSocketConstructor = ws;
  useLocalGateway(localGateway);
  const pool = new Pool({ connectionString: url, max: 1 });
  try {
    return (await pool.query(text)).rows as T[];
  } finally {
    await pool.end();
  }
}

describe('the migrator', () => {
  it('runs transactional files in one transaction, a no-transaction file alone, records each as drizzle does, and applies nothing twice', async () => {
    const schema = `mig_${randomBytes(4).toString('hex')}`;
    const files = {
      '0000_table': `CREATE SCHEMA "${schema}";\n--> statement-breakpoint\nCREATE TABLE "${schema}"."t" ("v" integer);`,
      '0001_rows': `INSERT INTO "${schema}"."t" SELECT g FROM generate_series(1, 100) g;`,
      '0002_index': `${NO_TRANSACTION_MARKER}\nCREATE INDEX CONCURRENTLY IF NOT EXISTS "t_v_idx" ON "${schema}"."t" ("v");`,
    };
    const dir = folderOf(files);
    const lines: string[] = [];
    await applyMigrations(url, { localGateway, migrationsFolder: dir, migrationsSchema: `${schema}_log`, log: (l) => lines.push(l) });
    expect(lines).toEqual(['migrations: 0000_table, 0001_rows (one transaction)', 'migrations: 0002_index (no transaction: each statement on its own)']);

    const recorded = await query<{ hash: string; created_at: string }>(`SELECT hash, created_at FROM "${schema}_log"."__drizzle_migrations" ORDER BY id`);
    expect(recorded.map((r) => r.hash)).toEqual(Object.values(files).map((sql) => createHash('sha256').update(sql).digest('hex')));
    expect(recorded.map((r) => Number(r.created_at))).toEqual([1_700_000_000_000, 1_700_000_000_001, 1_700_000_000_002]);
    const index = await query<{ valid: boolean }>(`SELECT indisvalid AS valid FROM pg_index WHERE indexrelid = '"${schema}"."t_v_idx"'::regclass`);
    expect(index).toEqual([{ valid: true }]);

    const again: string[] = [];
    await applyMigrations(url, { localGateway, migrationsFolder: dir, migrationsSchema: `${schema}_log`, log: (l) => again.push(l) });
    expect(again).toEqual(['migrations: nothing to apply']);
    expect(await query(`SELECT count(*)::int AS n FROM "${schema}"."t"`)).toEqual([{ n: 100 }]);
  });

  it('leaves nothing of a batch whose last file fails, and records none of it', async () => {
    const schema = `mig_${randomBytes(4).toString('hex')}`;
    const dir = folderOf({
      '0000_table': `CREATE SCHEMA "${schema}";\n--> statement-breakpoint\nCREATE TABLE "${schema}"."t" ("v" integer);`,
      '0001_broken': `INSERT INTO "${schema}"."t" VALUES ('not a number');`,
    });
    await expect(applyMigrations(url, { localGateway, migrationsFolder: dir, migrationsSchema: `${schema}_log` })).rejects.toThrow(/invalid input syntax for type integer/);
    expect(await query(`SELECT count(*)::int AS n FROM pg_namespace WHERE nspname = '${schema}'`)).toEqual([{ n: 0 }]);
    expect(await query(`SELECT count(*)::int AS n FROM "${schema}_log"."__drizzle_migrations"`)).toEqual([{ n: 0 }]);
  });

  it('refuses to record a no-transaction file that left an INVALID index, and names the index to drop', async () => {
    const schema = `mig_${randomBytes(4).toString('hex')}`;
    const dir = folderOf({
      '0000_dupes': `CREATE SCHEMA "${schema}";\n--> statement-breakpoint\nCREATE TABLE "${schema}"."t" ("v" integer);\n--> statement-breakpoint\nINSERT INTO "${schema}"."t" VALUES (1), (1);`,
      '0001_unique': `${NO_TRANSACTION_MARKER}\nCREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS "t_v_key" ON "${schema}"."t" ("v");`,
    });
    const options = { localGateway, migrationsFolder: dir, migrationsSchema: `${schema}_log` };
    await expect(applyMigrations(url, options)).rejects.toThrow(/could not create unique index/);
    // Run again: IF NOT EXISTS now skips the broken index; the migrator must not take that for success.
    await expect(applyMigrations(url, options)).rejects.toThrow(`index ${schema}.t_v_key is INVALID`);
    const recorded = await query<{ n: number }>(`SELECT count(*)::int AS n FROM "${schema}_log"."__drizzle_migrations"`);
    expect(recorded).toEqual([{ n: 1 }]);
    await query(`DROP INDEX CONCURRENTLY "${schema}"."t_v_key"`);
  });

  it('refuses a no-transaction file whose statements cannot be repeated, or that opens a transaction', () => {
    expect(() => readMigrations(folderOf({ '0000_x': `${NO_TRANSACTION_MARKER}\nCREATE INDEX CONCURRENTLY "i" ON "t" ("v");` })))
      .toThrow('0000_x.sql is marked no-transaction, so each statement must be safe to repeat');
    expect(() => readMigrations(folderOf({ '0000_x': `${NO_TRANSACTION_MARKER}\nBEGIN;\n--> statement-breakpoint\nCREATE INDEX IF NOT EXISTS "i" ON "t" ("v");` })))
      .toThrow('0000_x.sql is marked no-transaction but controls a transaction itself');
  });

  it("reads the project's migrations: 0002's, 0004's and 0007's indexes are built concurrently, outside the transaction", () => {
    const migrations = readMigrations();
    expect(migrations.map((m) => [m.tag, m.transactional])).toEqual([
      ['0000_init', true], ['0001_list_indexes_match_order', true], ['0002_keys_created_at', false],
      ['0003_ownership', true], ['0004_owner_list_indexes', false], ['0005_todo_version', true],
      ['0006_change_feed', true], ['0007_change_feed_index', false], ['0008_row_level_security_guard', true],
      ['0009_owned_tables_and_feed_triggers', true], ['0010_uuid_ids', true], ['0011_owner_quota', true],
      ['0012_position_keys', true],
      ['0013_lists', true],
      ['0014_placement', true],
      ['0015_subtask_parent_index', false],
    ]);
    expect(migrations[2]!.statements.join('\n')).toContain('CREATE INDEX CONCURRENTLY IF NOT EXISTS "idempotency_keys_created_at_idx"');
    expect(migrations[4]!.statements.join('\n')).toContain('CREATE INDEX CONCURRENTLY IF NOT EXISTS "todos_owner_created_id_idx"');
    expect(migrations[7]!.statements.join('\n')).toContain('CREATE INDEX CONCURRENTLY IF NOT EXISTS "todos_owner_changed_id_idx"');
  });

  it("puts no password in the project's migrations", () => {
    const code = (statement: string) => statement.split('\n').filter((line) => !line.trim().startsWith('--')).join('\n');
    const sql = readMigrations().flatMap((m) => m.statements.map(code)).join('\n');
    expect(sql).toMatch(/CREATE ROLE todo_app NOLOGIN/);
    expect(sql).not.toMatch(/PASSWORD|\bLOGIN\b/i);
  });
});
