import { defineConfig } from 'drizzle-kit';
import { localPostgresUrl } from './dev/stack.ts';

// `npm run db:generate` writes SQL migrations from src/db/schema.ts into migrations/ (committed).
// `npx drizzle-kit studio` browses the database as the tables' owner: by default the one `npm run db` serves
// (its POSTGRES_URL, plain TCP, since drizzle-kit connects with `pg`); DIRECT_DATABASE_URL picks another, such as
// Neon's direct URL (never the -pooler one: the Worker's role sees only its own rows, and DDL does not belong
// behind a transaction pooler).
export default defineConfig({
  dialect: 'postgresql',
  schema: './src/db/schema.ts',
  out: './migrations',
  dbCredentials: { url: process.env.DIRECT_DATABASE_URL || localPostgresUrl() },
});
