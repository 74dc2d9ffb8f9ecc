import { Duplex } from 'node:stream';
import type { PGlite } from '@electric-sql/pglite';
import type { Lock } from './lock.ts';
import {
  authCleartextRequest,
  CANCEL_REQUEST,
  createMessageReader,
  errorResponse,
  lastReadyStatus,
  parseCString,
  parseStartup,
  PROTOCOL_3,
  simpleQuery,
  syncMessage,
} from './wire.ts';

export interface Credentials {
  user: string;
  password: string;
  database: string;
}

/**
 * Opens one client session on the shared PGlite instance as a socket-like byte
 * stream speaking the Postgres wire protocol. The gateway's WebSocket bridge and
 * its in-process `pg` clients (the HTTP path) both use it, so both get the same
 * authentication and the same transaction serialisation:
 * - the session asks for a cleartext password (as Neon's proxy does) and
 *   answers 28P01 / 3D000 like Postgres for wrong credentials;
 * - it takes the shared lock when it sends work and keeps it while PGlite
 *   reports an open transaction, so no one sees its uncommitted rows;
 * - when the client goes away mid-transaction it rolls back and lets go.
 */
export function openPgliteSession(db: PGlite, lock: Lock, credentials: Credentials): Duplex {
  const owner = Symbol('pglite-session');
  const reader = createMessageReader();
  let phase: 'startup' | 'password' | 'ready' | 'closed' = 'startup';
  let startup: { packet: Uint8Array; user?: string; database?: string } | undefined;
  let work = Promise.resolve();

  const exec = async (bytes: Uint8Array): Promise<Uint8Array> => {
    await lock.acquire(owner);
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
        if (msg.type !== 'p' || startup?.user !== credentials.user || parseCString(msg.body) !== credentials.password) {
          return refuse('28P01', `password authentication failed for user "${startup?.user ?? ''}"`);
        }
        if (startup.database !== credentials.database) {
          return refuse('3D000', `database "${startup.database}" does not exist`);
        }
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
