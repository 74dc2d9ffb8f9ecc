/**
 * Keyset pagination cursors: where the last item of a page stands in its
 * listing's order, opaque to clients (base64url JSON). Decoding validates
 * strictly, so a tampered cursor is a 400, never a database error.
 *
 * Three orders, each with its own cursor: newest first by (createdAt, id); a
 * manual order by (position, id); and a manual order within groups (each
 * parent's subtasks) by (group, position, id). A cursor says which order it
 * belongs to, so one of another order is refused, not read as a position in
 * this one.
 */
import { decodeBase64url, encodeBase64url } from './base64url.ts';
import { positionProblem } from './position.ts';

export type Cursor<Id = number> =
  | { createdAt: string; id: Id }
  | { position: string; id: Id; group?: undefined }
  | { group: Id; position: string; id: Id };

/** The order a cursor belongs to. */
export type CursorOrder = 'created' | 'position' | 'grouped';

export const cursorOrder = (cursor: Cursor<unknown>): CursorOrder =>
  'createdAt' in cursor ? 'created' : cursor.group === undefined ? 'position' : 'grouped';

const TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/;

/**
 * Whether `value` has our shape and names an instant Postgres accepts: Date.parse
 * rolls 2026-02-30 over to March, and Postgres has no year 0, so both would
 * reach the database as a refused value rather than be a 400 here.
 */
function isRealTimestamp(value: string): boolean {
  if (!TIMESTAMP.test(value) || value.startsWith('0000')) return false;
  const ms = Date.parse(value);
  return !Number.isNaN(ms) && new Date(ms).toISOString().slice(0, 19) === value.slice(0, 19);
}

const isPosition = (value: unknown): value is string => typeof value === 'string' && !positionProblem(value);

// The newest-first cursor is the bare pair it has always been, so cursors issued before the manual orders still work.
export function encodeCursor(cursor: Cursor<unknown>): string {
  const parts =
    'createdAt' in cursor
      ? [cursor.createdAt, cursor.id]
      : cursor.group === undefined
        ? ['p', cursor.position, cursor.id]
        : ['g', cursor.group, cursor.position, cursor.id];
  return encodeBase64url(JSON.stringify(parts));
}

/** The cursor inside `value`, or undefined when it is not one we issued (`isId` says which ids are the resource's). */
export function decodeCursor<Id>(value: string, isId: (value: unknown) => value is Id): Cursor<Id> | undefined {
  try {
    const decoded: unknown = JSON.parse(decodeBase64url(value));
    if (!Array.isArray(decoded)) return undefined;
    const parts = decoded as unknown[];
    if (parts.length === 2) {
      const [createdAt, id] = parts;
      return typeof createdAt === 'string' && isRealTimestamp(createdAt) && isId(id) ? { createdAt, id } : undefined;
    }
    if (parts.length === 3 && parts[0] === 'p') {
      const [, position, id] = parts;
      return isPosition(position) && isId(id) ? { position, id } : undefined;
    }
    if (parts.length === 4 && parts[0] === 'g') {
      const [, group, position, id] = parts;
      return isId(group) && isPosition(position) && isId(id) ? { group, position, id } : undefined;
    }
    return undefined;
  } catch {
    return undefined;
  }
}
