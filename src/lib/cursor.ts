/**
 * Keyset pagination cursors: the (createdAt, id) of the last item of a page,
 * opaque to clients (base64url JSON). Decoding validates strictly, so a
 * tampered cursor is a 400, never a database error.
 */
export interface Cursor {
  createdAt: string;
  id: number;
}

const TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/;

export function encodeCursor(cursor: Cursor): string {
  return btoa(JSON.stringify([cursor.createdAt, cursor.id])).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

/** The cursor inside `value`, or undefined when it is not one we issued. */
export function decodeCursor(value: string): Cursor | undefined {
  try {
    const [createdAt, id] = JSON.parse(atob(value.replace(/-/g, '+').replace(/_/g, '/'))) as unknown[];
    if (typeof createdAt !== 'string' || !TIMESTAMP.test(createdAt) || Number.isNaN(Date.parse(createdAt))) return undefined;
    if (typeof id !== 'number' || !Number.isInteger(id) || id < 1 || id > 2147483647) return undefined;
    return { createdAt, id };
  } catch {
    return undefined;
  }
}
