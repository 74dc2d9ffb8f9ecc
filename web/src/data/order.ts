import { generateKeyBetween } from 'fractional-indexing';

/** Something kept in manual order: an id and a fractional-indexing key (todos and lists alike). */
export interface Ordered {
  id: string;
  position: string;
}

/** The API's order within a sibling group: by key byte-wise (base 62 is ASCII, so code units compare the same), then by id. */
export const byPosition = (a: Ordered, b: Ordered) =>
  a.position < b.position ? -1 : a.position > b.position ? 1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0;

/** Where a move puts an item: a key computed here, or the server's placement after an item (null: the top). */
export type Placement = { position: string } | { after: string | null };

/** The longest key the API takes (POSITION_MAX_LENGTH in src/lib/position.ts); past it, the server renumbers. */
const MAX_KEY_LENGTH = 128;

/**
 * What a move sends to put an item between `above` and `below` (either absent at an end): a key computed
 * here between theirs, or, when no key fits between them (two items inserted at once can share a key),
 * the server's placement right after the item above.
 */
export function placementBetween(above: Ordered | undefined, below: Ordered | undefined): Placement {
  const server = { after: above?.id ?? null };
  try {
    const position = generateKeyBetween(above?.position ?? null, below?.position ?? null);
    return position.length <= MAX_KEY_LENGTH ? { position } : server;
  } catch {
    return server;
  }
}
