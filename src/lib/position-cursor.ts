/**
 * Keyset pagination cursors of a manual order: the (position, id) of the last
 * item of a page, opaque to clients (base64url JSON). Decoding validates
 * strictly, so a tampered cursor is a 400, never a database error.
 */
import { decodeBase64url, encodeBase64url } from './base64url.ts';
import { positionProblem } from './position.ts';

export interface PositionCursor<Id = string> {
  position: string;
  id: Id;
}

export const encodePositionCursor = ({ position, id }: PositionCursor<unknown>): string =>
  encodeBase64url(JSON.stringify([position, id]));

/** The cursor inside `value`, or undefined when it is not one we issued (`isId` says which ids are the resource's). */
export function decodePositionCursor<Id>(
  value: string,
  isId: (value: unknown) => value is Id,
): PositionCursor<Id> | undefined {
  try {
    const decoded: unknown = JSON.parse(decodeBase64url(value));
    if (!Array.isArray(decoded) || decoded.length !== 2) return undefined;
    const [position, id] = decoded as unknown[];
    if (typeof position !== 'string' || positionProblem(position) !== undefined || !isId(id)) return undefined;
    return { position, id };
  } catch {
    return undefined;
  }
}
