// npm run db:migrate: applies migrations/ to DATABASE_URL (Neon: the DIRECT url, not the -pooler one).
// NEON_LOCAL_GATEWAY=host:port points the driver at the local gateway instead of Neon.
import { die } from './cli.ts';
import { applyMigrations } from './migrations.ts';

const url = process.env.DATABASE_URL;
if (!url) die(new Error('set DATABASE_URL to the database to migrate (on Neon, the direct connection string)'));
await applyMigrations(url, { localGateway: process.env.NEON_LOCAL_GATEWAY }).catch(die);
console.log('migrations applied');
