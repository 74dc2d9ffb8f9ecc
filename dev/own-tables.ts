import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ownershipsIn, type Ownership } from '../src/db/owned-table.ts';
import * as schema from '../src/db/schema.ts';
import { MIGRATIONS_FOLDER } from './migrations.ts';

const BREAKPOINT = '--> statement-breakpoint';

/** The migration statement that makes a table owned in the database (migration 0009's function). */
export function ownTableStatement({ name, workerMay }: Ownership): string {
  if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`an owned table's name must be a plain identifier: ${name}`);
  return `SELECT public.app_own_table('public.${name}', '{${workerMay.join(',')}}');`;
}

const makesOwned = (sql: string, name: string) => sql.includes(`app_own_table('public.${name}'`);
const creates = (sql: string, name: string) => sql.includes(`CREATE TABLE "${name}" (`);

/**
 * What to append to which migration so that every owned table is made owned
 * where it is created: for each declared table that no migration yet makes
 * owned, the migration that creates it (drizzle-kit's CREATE TABLE) gets the
 * call. Tables already made owned (0009 and after) are left as they are.
 */
export function ownershipAppendix(
  migrations: { tag: string; sql: string }[],
  ownerships: Ownership[],
): { tag: string; statements: string[] }[] {
  const appendix = new Map<string, string[]>();
  for (const ownership of ownerships) {
    if (migrations.some((m) => makesOwned(m.sql, ownership.name))) continue;
    const creator = migrations.find((m) => creates(m.sql, ownership.name));
    if (!creator)
      throw new Error(
        `${ownership.name} is declared owned, but no migration creates it: run drizzle-kit generate first`,
      );
    appendix.set(creator.tag, [...(appendix.get(creator.tag) ?? []), ownTableStatement(ownership)]);
  }
  return [...appendix].map(([tag, statements]) => ({ tag, statements }));
}

/** A migration's text with `statements` appended, each its own statement for the migrator. */
export const withStatements = (sql: string, statements: string[]) =>
  [sql.trimEnd(), ...statements].join(`${BREAKPOINT}\n`) + '\n';

/** Appends the ownership calls to the migrations in `folder` (after drizzle-kit generate); returns the tags changed. */
export function ownTables(folder = MIGRATIONS_FOLDER, ownerships = ownershipsIn(schema)): string[] {
  const journal = JSON.parse(readFileSync(join(folder, 'meta/_journal.json'), 'utf8')) as {
    entries: { tag: string }[];
  };
  const file = (tag: string) => join(folder, `${tag}.sql`);
  const migrations = journal.entries.map(({ tag }) => ({ tag, sql: readFileSync(file(tag), 'utf8') }));
  const appendix = ownershipAppendix(migrations, ownerships);
  for (const { tag, statements } of appendix) {
    writeFileSync(file(tag), withStatements(migrations.find((m) => m.tag === tag)!.sql, statements));
  }
  return appendix.map((a) => a.tag);
}
