/**
 * Keyset pagination cursors: the (createdAt, id) of the last item of a page,
 * opaque to clients (base64url JSON). Decoding validates strictly, so a
 * tampered cursor is a 400, never a database error.
 */
import { decodeBase64url, encodeBase64url } from './base64url.ts';

export interface Cursor<Id = number> {
  createdAt: string;
  id: Id;
}

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

export function encodeCursor(cursor: Cursor<unknown>): string {
  return encodeBase64url(JSON.stringify([cursor.createdAt, cursor.id]));
}

/** The cursor inside `value`, or undefined when it is not one we issued (`isId` says which ids are the resource's). */
export function decodeCursor<Id>(value: string, isId: (value: unknown) => value is Id): Cursor<Id> | undefined {
  try {
    const decoded: unknown = JSON.parse(decodeBase64url(value));
    if (!Array.isArray(decoded) || decoded.length !== 2) return undefined;
    const [createdAt, id] = decoded as unknown[];
    if (typeof createdAt !== 'string' || !isRealTimestamp(createdAt)) return undefined;
    if (!isId(id)) return undefined;
    return { createdAt, id };
  } catch {
    return undefined;
  }
}
