import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MIGRATIONS_FOLDER } from '../../dev/migrations.ts';

/** The project's migrations up to `last` (a tag), as a folder of their own: a database as it was then. */
export function migrationsUpTo(last: string): string {
  const folder = mkdtempSync(join(tmpdir(), `migrations-to-${last}-`));
  mkdirSync(join(folder, 'meta'));
  const journal = JSON.parse(readFileSync(join(MIGRATIONS_FOLDER, 'meta/_journal.json'), 'utf8')) as {
    entries: { tag: string }[];
  };
  const at = journal.entries.findIndex((e) => e.tag === last);
  if (at < 0) throw new Error(`no migration ${last}`);
  const entries = journal.entries.slice(0, at + 1);
  writeFileSync(join(folder, 'meta/_journal.json'), JSON.stringify({ ...journal, entries }));
  for (const { tag } of entries) copyFileSync(join(MIGRATIONS_FOLDER, `${tag}.sql`), join(folder, `${tag}.sql`));
  return folder;
}

/** Removes a folder `migrationsUpTo` made. */
export const removeMigrationsFolder = (folder: string) => rmSync(folder, { recursive: true, force: true });
