import { Duplex } from 'node:stream';
import type { PGlite } from '@electric-sql/pglite';
import type { Lock } from './lock.ts';
import type { LocalDatabase } from './types.ts';
import {
  authCleartextRequest,
  CANCEL_REQUEST,
  createMessageReader,
  errorResponse,
  firstError,
  lastReadyStatus,
  parseCString,
  parseStartup,
  PROTOCOL_3,
  simpleQuery,
  syncMessage,
} from './wire.ts';

/** A role name as a quoted SQL identifier. */
const quoteIdent = (name: string) => `"${name.replace(/"/g, '""')}"`;

/**
 * Opens one client session on the shared PGlite instance as a socket-like byte
 * stream speaking the Postgres wire protocol. The gateway's WebSocket bridge and
 * its in-process `pg` clients (the HTTP path) both use it, so both get the same
 * authentication, roles and transaction serialisation:
 * - the session asks for a cleartext password (as Neon's proxy does), accepts
 *   the owner's and the Worker's logins of `local`, and answers 28P01 / 3D000
 *   like Postgres for wrong credentials;
 * - it takes the shared lock when it sends work and keeps it while PGlite
 *   reports an open transaction, so no one sees its uncommitted rows;
 * - each time it takes the lock it makes PGlite's one session act as its login's
 *   role (`SET SESSION AUTHORIZATION`): PGlite's own user is a superuser, which
 *   row-level security would not bind. Whatever role the previous holder left
 *   behind (it may have switched itself: docs/local-stack.md) ends there;
 * - when the client goes away mid-transaction it rolls back and lets go.
 */
export function openPgliteSession(db: PGlite, lock: Lock, local: LocalDatabase): Duplex {
  const owner = Symbol('pglite-session');
  const reader = createMessageReader();
  let phase: 'startup' | 'password' | 'ready' | 'closed' = 'startup';
  let startup: { packet: Uint8Array; user?: string; database?: string } | undefined;
  let work = Promise.resolve();
  /** The role this connection acts as, once its password is checked. */
  let role = '';

  const exec = async (bytes: Uint8Array): Promise<Uint8Array> => {
    if (!lock.holds(owner)) {
      await lock.acquire(owner);
      // The session is idle here (the lock passes only between transactions): the role is session state.
      const out = await db.execProtocolRaw(simpleQuery(`SET SESSION AUTHORIZATION ${quoteIdent(role)}`), {
        syncToFs: false,
      });
      const error = firstError(out);
      if (error !== undefined) {
        lock.release(owner);
        throw new Error(`the embedded database cannot act as role ${role}: ${error}`);
      }
    }
    const out = await db.execProtocolRaw(bytes);
    if (lastReadyStatus(out) === 'I') lock.release(owner);
    return out;
  };

  const abandon = async (): Promise<void> => {
    if (phase === 'closed') return;
    phase = 'closed';
    if (!lock.holds(owner)) return;
    // A half-sent extended query or an open transaction would leak into the next client.
    const reset = new Uint8Array([...syncMessage(), ...simpleQuery('ROLLBACK')]);
    await db.execProtocolRaw(reset).catch(() => undefined);
    lock.release(owner);
  };

  const refuse = (code: string, text: string): void => {
    stream.push(errorResponse('FATAL', code, text));
    stream.push(null);
    void abandon();
  };

  const drain = async (): Promise<void> => {
    for (;;) {
      if (phase === 'startup') {
        const msg = reader.next(false);
        if (!msg) return;
        const { code, params } = parseStartup(msg.body);
        if (code === PROTOCOL_3) {
          startup = { packet: msg.bytes, user: params.user, database: params.database ?? params.user };
          phase = 'password';
          stream.push(authCleartextRequest());
        } else if (code === CANCEL_REQUEST) {
          stream.push(null);
          return;
        } else {
          stream.push(Buffer.from('N')); // no SSL / GSS encryption: the gateway is loopback-only
        }
      } else if (phase === 'password') {
        const msg = reader.next(true);
        if (!msg) return;
        const login = [local.owner, local.worker].find((l) => l.user === startup?.user);
        if (!startup || msg.type !== 'p' || !login || parseCString(msg.body) !== login.password) {
          return refuse('28P01', `password authentication failed for user "${startup?.user ?? ''}"`);
        }
        if (startup.database !== local.database) {
          return refuse('3D000', `database "${startup.database}" does not exist`);
        }
        role = login.user;
        phase = 'ready';
        stream.push(await exec(startup.packet));
      } else if (phase === 'ready') {
        const batch: Uint8Array[] = [];
        let terminate = false;
        for (let msg = reader.next(true); msg; msg = reader.next(true)) {
          if (msg.type === 'X') {
            terminate = true;
            break;
          }
          batch.push(msg.bytes);
        }
        if (batch.length > 0) {
          const out = await exec(Buffer.concat(batch));
          if (out.length > 0) stream.push(out);
        }
        if (terminate) {
          await abandon();
          stream.push(null);
        }
        return;
      } else {
        return;
      }
    }
  };

  const stream = new Duplex({
    read() {},
    write(chunk: Buffer, _encoding, done) {
      reader.push(chunk);
      work = work.then(drain).catch((err) => {
        stream.destroy(err as Error);
      });
      done();
    },
    final(done) {
      void work.then(abandon).finally(() => {
        stream.push(null);
        done();
      }); // abandon() never rejects
    },
    destroy(err, done) {
      void work.then(abandon).finally(() => done(err));
    },
  });
  // What `pg` expects of a net.Socket.
  Object.assign(stream, {
    connect: () => {
      queueMicrotask(() => stream.emit('connect'));
      return stream;
    },
    setNoDelay: () => stream,
    setKeepAlive: () => stream,
    ref: () => stream,
    unref: () => stream,
  });
  return stream;
}
