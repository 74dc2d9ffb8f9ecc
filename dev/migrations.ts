import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { neonConfig, Pool, type PoolClient } from '@neondatabase/serverless';
import { readMigrationFiles } from 'drizzle-orm/migrator';
import ws from 'ws';
import { useLocalGateway } from '../src/db/local-gateway.ts';

export const MIGRATIONS_FOLDER = new URL('../migrations', import.meta.url).pathname;

/**
 * The first line of a migration that must run outside a transaction: today
 * `CREATE INDEX CONCURRENTLY` on a large table (Postgres refuses it inside one).
 */
export const NO_TRANSACTION_MARKER = '-- migrate:no-transaction';

/** Postgres's own `lock_timeout` for transactional migrations: DDL that cannot get its lock fails instead of queueing traffic behind it. */
export const MIGRATION_LOCK_TIMEOUT = '10s';

export interface Migration {
  /** The file's name without `.sql` (drizzle-kit's tag). */
  tag: string;
  /** drizzle's bookkeeping: the journal's timestamp and the file's SHA-256, as drizzle's own migrator records them. */
  folderMillis: number;
  hash: string;
  statements: string[];
  /** False for a file marked `-- migrate:no-transaction`: each statement then runs on its own, committed at once. */
  transactional: boolean;
}

/**
 * The migrations of `folder`, in journal order, each with how it must run. A file
 * marked no-transaction is checked here, so the migrator and the deploy dry run
 * refuse the same mistakes: every statement must be safe to run again
 * (`IF NOT EXISTS` / `IF EXISTS`: a crash between a statement and the record
 * repeats it), and no statement may open or close a transaction itself.
 */
export function readMigrations(folder = MIGRATIONS_FOLDER): Migration[] {
  const journal = JSON.parse(readFileSync(join(folder, 'meta/_journal.json'), 'utf8')) as {
    entries: { tag: string }[];
  };
  const files = readMigrationFiles({ migrationsFolder: folder });
  return files.map((file, i) => {
    const tag = journal.entries[i]!.tag;
    const statements = file.sql.map((s) => s.trim()).filter(Boolean);
    const transactional = !readFileSync(join(folder, `${tag}.sql`), 'utf8')
      .trimStart()
      .startsWith(NO_TRANSACTION_MARKER);
    if (!transactional) {
      for (const statement of statements) {
        const sql = statement
          .split('\n')
          .filter((line) => !line.trim().startsWith('--'))
          .join('\n');
        if (/^\s*(BEGIN|COMMIT|ROLLBACK|START\s+TRANSACTION)\b/im.test(sql)) {
          throw new Error(
            `${tag}.sql is marked no-transaction but controls a transaction itself: ${sql.trim().split('\n')[0]}`,
          );
        }
        if (!/\bIF\s+(NOT\s+)?EXISTS\b/i.test(sql)) {
          throw new Error(
            `${tag}.sql is marked no-transaction, so each statement must be safe to repeat (IF NOT EXISTS / IF EXISTS): ${sql.trim().split('\n')[0]}`,
          );
        }
      }
    }
    return { tag, folderMillis: file.folderMillis, hash: file.hash, statements, transactional };
  });
}

/** Consecutive transactional migrations share one transaction; a no-transaction one runs alone. */
function batches(migrations: Migration[]): Migration[][] {
  const out: Migration[][] = [];
  for (const m of migrations) {
    const last = out.at(-1);
    if (m.transactional && last?.[0]?.transactional) last.push(m);
    else out.push([m]);
  }
  return out;
}

export interface ApplyOptions {
  localGateway?: string;
  migrationsFolder?: string;
  /** Where the record of applied files lives (drizzle's defaults: schema `drizzle`, table `__drizzle_migrations`). */
  migrationsSchema?: string;
  /** Told what runs, one line per file. */
  log?: (line: string) => void;
}

/**
 * Applies pending migrations to `url` through a real transactional connection (the
 * driver's WebSocket Pool). Pending files run in one transaction, as drizzle's
 * migrator runs them, so a failing file leaves nothing of its batch applied; a file
 * marked `-- migrate:no-transaction` (CREATE INDEX CONCURRENTLY) ends the batch
 * before it and runs alone, statement by statement, then is recorded. Afterwards
 * no index may be left INVALID (a concurrent build that failed part-way), or this
 * fails and says which one to drop. The record is drizzle's own table, so drizzle's
 * tools read it unchanged. Use Neon's DIRECT (non-pooler) URL: DDL does not belong
 * behind a transaction pooler.
 */
export async function applyMigrations(
  url: string,
  { localGateway, migrationsFolder, migrationsSchema = 'drizzle', log = () => undefined }: ApplyOptions = {},
): Promise<void> {
  const migrations = readMigrations(migrationsFolder);
  neonConfig.webSocketConstructor = ws;
  useLocalGateway(localGateway);
  const pool = new Pool({ connectionString: url, max: 1 });
  pool.on('error', () => undefined); // an idle client's failure surfaces through the query that meets it
  let client: PoolClient | undefined;
  try {
    client = await pool.connect();
    const table = `"${migrationsSchema.replace(/"/g, '""')}"."__drizzle_migrations"`;
    await client.query(`CREATE SCHEMA IF NOT EXISTS "${migrationsSchema.replace(/"/g, '""')}"`);
    await client.query(
      `CREATE TABLE IF NOT EXISTS ${table} (id SERIAL PRIMARY KEY, hash text NOT NULL, created_at bigint)`,
    );
    const { rows } = await client.query<{ created_at: string }>(
      `SELECT created_at FROM ${table} ORDER BY created_at DESC LIMIT 1`,
    );
    const lastApplied = rows[0] ? Number(rows[0].created_at) : -Infinity;
    const pending = migrations.filter((m) => m.folderMillis > lastApplied);
    if (pending.length === 0) log('migrations: nothing to apply');
    const record = (m: Migration) =>
      client!.query(`INSERT INTO ${table} ("hash", "created_at") VALUES ($1, $2)`, [m.hash, m.folderMillis]);

    for (const batch of batches(pending)) {
      if (batch[0]!.transactional) {
        log(`migrations: ${batch.map((m) => m.tag).join(', ')} (one transaction)`);
        await client.query('BEGIN');
        try {
          await client.query(`SET LOCAL lock_timeout = '${MIGRATION_LOCK_TIMEOUT}'`);
          for (const m of batch) {
            for (const statement of m.statements) await client.query(statement);
            await record(m);
          }
          await client.query('COMMIT');
        } catch (err) {
          await client.query('ROLLBACK').catch(() => undefined);
          throw err;
        }
      } else {
        const m = batch[0]!;
        log(`migrations: ${m.tag} (no transaction: each statement on its own)`);
        for (const statement of m.statements) await client.query(statement);
        const invalid = await client.query<{ name: string }>(
          'SELECT indexrelid::regclass::text AS name FROM pg_index WHERE NOT indisvalid ORDER BY 1',
        );
        if (invalid.rows.length > 0) {
          const names = invalid.rows.map((r) => r.name).join(', ');
          throw new Error(
            `${m.tag}: index ${names} is INVALID (a concurrent build failed part-way); drop it with DROP INDEX CONCURRENTLY ${invalid.rows[0]!.name}; and run the migrations again`,
          );
        }
        await record(m);
      }
    }
  } finally {
    client?.release();
    await pool.end();
  }
}
