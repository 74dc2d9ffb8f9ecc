import { apiDocument, operationsOf, type Operation as Described } from '../../support/operations.ts';
import { exampleBody } from '../../support/resource-examples.ts';
import type { CallOptions } from './client.ts';

/** A well-formed todo id that no row has (an id that is not a UUID is answered 404 before the database is asked). */
export const NO_SUCH_ID = '00000000-0000-4000-8000-00000000dead';

export interface Operation {
  name: string;
  method: string;
  path: string;
  /** Fresh each call (a new Idempotency-Key). */
  options: () => CallOptions;
  /** Attempts on a transient failure: 3 where repeating is harmless (reads, PATCH, keyed writes), else 1. */
  attempts: 1 | 3;
}

/**
 * Attempts for a request without an Idempotency-Key, by method: a read and a PATCH (absolute values) may be
 * repeated; a repeated POST makes a second row and a repeated DELETE answers 404 for a delete that landed.
 * A method not listed is an error: decide its rule here.
 */
const UNKEYED_ATTEMPTS: Record<string, 1 | 3> = { GET: 3, PATCH: 3, POST: 1, DELETE: 1 };

function attemptsOf(op: Described, keyed: boolean): 1 | 3 {
  if (keyed) return 3;
  const attempts = UNKEYED_ATTEMPTS[op.method];
  if (!attempts) throw new Error(`${op.method} ${op.template}: no retry rule for ${op.method} in UNKEYED_ATTEMPTS`);
  return attempts;
}

/**
 * Each way a client sends `op`: every request media type, every answer media type of a read, and with and
 * without an Idempotency-Key where it takes one; ids in the path are NO_SUCH_ID.
 */
function requestsOf(op: Described): Operation[] {
  const path = op.template.replace(/\{[^}]+\}/g, String(NO_SUCH_ID));
  const name = `${op.method} ${op.template}`;
  const bodies = op.bodyTypes.length ? op.bodyTypes : [undefined];
  const accepts = op.method === 'GET' && op.successTypes.length > 1 ? op.successTypes : [undefined];
  const keys = op.parameters.header?.includes('idempotency-key') ? [false, true] : [false];
  return bodies.flatMap((type) =>
    accepts.flatMap((accept) =>
      keys.map((keyed) => ({
        name: [name, type && `(${type})`, accept && `accepting ${accept}`, keyed && 'with an Idempotency-Key']
          .filter(Boolean)
          .join(' '),
        method: op.method,
        path,
        options: (): CallOptions => ({
          ...(type ? { body: exampleBody(op, type, 'x') } : {}),
          headers: {
            ...(type ? { 'content-type': type } : {}),
            ...(accept ? { accept } : {}),
            ...(keyed ? { 'idempotency-key': crypto.randomUUID() } : {}),
          },
        }),
        attempts: attemptsOf(op, keyed),
      })),
    ),
  );
}

/** Every operation of the served document (each reaches the database), each every way a client sends it. */
export const databaseOperations: Operation[] = operationsOf(apiDocument).flatMap(requestsOf);
