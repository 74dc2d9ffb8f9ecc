// npm run db:migrate: applies migrations/ to DATABASE_URL (Neon: the DIRECT url, not the -pooler one).
// NEON_LOCAL_GATEWAY=host:port points the driver at the local gateway instead of Neon.
// On failure it prints the cause chain (the driver's message, SQLSTATE, host), never the password.
import { die, redactUrl } from './cli.ts';
import { applyMigrations } from './migrations.ts';

const url = process.env.DATABASE_URL;
if (!url) die(new Error('set DATABASE_URL to the database to migrate (on Neon, the direct connection string)'));
const shown = redactUrl(url); // also registers the password, so no message can print it
await applyMigrations(url, { localGateway: process.env.NEON_LOCAL_GATEWAY, log: (line) => console.log(line) }).catch(
  (err: unknown) => die(new Error(`migrating ${shown} failed`, { cause: err })),
);
console.log(`migrations applied to ${shown}`);
