// npm run db:generate [-- drizzle-kit generate's flags]: drizzle-kit writes the migration for src/db/schema.ts,
// then every table declared with ownedTable that the new migration creates gets its app_own_table call
// (dev/own-tables.ts), so no generated migration needs hand-edited SQL.
import { spawnSync } from 'node:child_process';
import { die } from './cli.ts';
import { ownTables } from './own-tables.ts';

// Its bin is not among the package's exports: named by path, as npm's own .bin link names it.
const drizzleKit = new URL('../node_modules/drizzle-kit/bin.cjs', import.meta.url).pathname;
const run = spawnSync(process.execPath, [drizzleKit, 'generate', ...process.argv.slice(2)], { stdio: 'inherit' });
if (run.status !== 0) process.exit(run.status ?? 1);
try {
  for (const tag of ownTables()) console.log(`${tag}.sql: made its new owned tables owned (app_own_table)`);
} catch (err) {
  die(err);
}
