import { mkdirSync } from 'node:fs';
import { PGlite } from '@electric-sql/pglite';
import { createLock } from '../gateway/lock.ts';
import { openPgliteSession, type Credentials } from '../gateway/pglite-session.ts';
import type { Upstream } from '../gateway/types.ts';

/**
 * PGlite inside the gateway process: in memory (tests) or persisted in a folder
 * (npm run dev). Both routes (pooler and direct) reach the same single session,
 * serialised per transaction by the session's lock.
 */
export async function startEmbedded(dataDir: string, credentials: Credentials): Promise<Upstream> {
  if (dataDir !== 'memory') mkdirSync(dataDir, { recursive: true });
  const db = await PGlite.create(dataDir === 'memory' ? undefined : dataDir);
  const lock = createLock();
  const openStream = () => openPgliteSession(db, lock, credentials);
  return {
    backend: 'embedded',
    openStream,
    pgTarget: () => ({ stream: openStream }),
    stop: () => db.close(),
  };
}
