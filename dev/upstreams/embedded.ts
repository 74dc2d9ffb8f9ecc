import { mkdirSync } from 'node:fs';
import { PGlite } from '@electric-sql/pglite';
import { createLock } from '../gateway/lock.ts';
import { openPgliteSession } from '../gateway/pglite-session.ts';
import type { LocalDatabase, Upstream } from '../gateway/types.ts';

/** A name as a quoted SQL identifier. */
const ident = (name: string) => `"${name.replace(/"/g, '""')}"`;
/** A string as a SQL literal. */
const literal = (value: string) => `'${value.replace(/'/g, "''")}'`;

/**
 * The roles of `local` in PGlite, as the Postgres upstream has them (passwords
 * are the gateway's to check: PGlite's one session never authenticates). The
 * owner owns the database, so it may create schemas and owns `public`'s
 * objects; the application role and the Worker's login role, a member of it,
 * exist before the migrations run, which then skip creating the former.
 *
 * A data folder kept from before the owner role existed has its tables owned
 * by PGlite's superuser: they are handed to the owner, who then migrates them.
 */
async function createRoles(db: PGlite, { owner, worker, appRole }: LocalDatabase): Promise<void> {
  const missing = (name: string, create: string) =>
    `IF NOT EXISTS (SELECT FROM pg_catalog.pg_roles WHERE rolname = ${literal(name)}) THEN ${create}; END IF;`;
  await db.exec(`
    DO $$
    DECLARE r record;
    BEGIN
      ${missing(owner.user, `CREATE ROLE ${ident(owner.user)} LOGIN`)}
      ${missing(appRole, `CREATE ROLE ${ident(appRole)} NOLOGIN`)}
      ${missing(worker.user, `CREATE ROLE ${ident(worker.user)} LOGIN IN ROLE ${ident(appRole)}`)}
      EXECUTE format('ALTER DATABASE %I OWNER TO %I', current_database(), ${literal(owner.user)});
      FOR r IN
        SELECT c.oid::regclass AS name FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname IN ('public', 'drizzle') AND c.relkind IN ('r', 'p') AND c.relowner <> ${literal(owner.user)}::regrole
      LOOP
        EXECUTE format('ALTER TABLE %s OWNER TO %I', r.name, ${literal(owner.user)});
      END LOOP;
      IF EXISTS (SELECT FROM pg_catalog.pg_namespace WHERE nspname = 'drizzle') THEN
        EXECUTE format('ALTER SCHEMA drizzle OWNER TO %I', ${literal(owner.user)});
      END IF;
    END
    $$;`);
}

/**
 * PGlite inside the gateway process: in memory (tests) or persisted in a folder
 * (npm run dev). Both routes (pooler and direct) reach the same single session,
 * serialised per transaction by the session's lock, each transaction run as
 * its connection's role.
 */
export async function startEmbedded(dataDir: string, local: LocalDatabase): Promise<Upstream> {
  if (dataDir !== 'memory') mkdirSync(dataDir, { recursive: true });
  const db = await PGlite.create(dataDir === 'memory' ? undefined : dataDir);
  try {
    await createRoles(db, local);
  } catch (err) {
    await db.close();
    throw err;
  }
  const lock = createLock();
  const openStream = () => openPgliteSession(db, lock, local);
  return {
    backend: 'embedded',
    openStream,
    pgTarget: () => ({ stream: openStream }),
    stop: () => db.close(),
  };
}
