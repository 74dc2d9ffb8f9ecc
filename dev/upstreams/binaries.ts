import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

export interface PostgresBinaries {
  initdb: string;
  postgres: string;
  pgbouncer: string;
}

const onPath = (name: string): string | undefined =>
  (process.env.PATH ?? '')
    .split(':')
    .map((dir) => join(dir, name))
    .find((file) => existsSync(file));

/** Where Debian keeps server binaries: /usr/lib/postgresql/<version>/bin, newest first. */
function debianBinDirs(): string[] {
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return [];
  return readdirSync(root)
    .sort((a, b) => Number(b) - Number(a))
    .map((v) => join(root, v, 'bin'));
}

/**
 * Finds initdb, postgres and pgbouncer, or says which are missing and how to
 * install them (Debian's package names).
 */
/** A PostgreSQL program (initdb, postgres, psql, ...) on PATH or where Debian keeps it. */
export const findPostgresProgram = (name: string): string | undefined =>
  onPath(name) ??
  debianBinDirs()
    .map((d) => join(d, name))
    .find((f) => existsSync(f));

export function findPostgresBinaries(): { binaries?: PostgresBinaries; missing: string[] } {
  const server = findPostgresProgram;
  const found = {
    initdb: server('initdb'),
    postgres: server('postgres'),
    pgbouncer: onPath('pgbouncer') ?? ['/usr/sbin/pgbouncer', '/usr/bin/pgbouncer'].find((f) => existsSync(f)),
  };
  const missing = Object.entries(found)
    .filter(([, file]) => !file)
    .map(([name]) => name);
  return missing.length ? { missing } : { binaries: found as PostgresBinaries, missing };
}

export function missingBinariesMessage(missing: string[]): string {
  return `missing ${missing.join(', ')}: install PostgreSQL and PgBouncer (Debian: apt-get install -y postgresql pgbouncer)`;
}
