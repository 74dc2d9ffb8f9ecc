/**
 * Which todos GET /todos reads and in which order, from its query
 * (docs/api.md, "Listing todos"). Each listing is one range of one index:
 * - no listId or parentId: every todo, newest first (createdAt, id);
 * - listId: the list's top-level todos in their manual order (position, id);
 * - parentId (with or without listId): that todo's subtasks in their manual order;
 * - listId and subtasks=true: every subtask of the list, grouped by parent (parentId, position, id).
 */
import { cursorOrder, type Cursor, type CursorOrder } from '../lib/cursor.ts';
import type { FieldError } from '../lib/problem.ts';
import type { TodoId } from './fields.ts';
import type { Todo } from './schemas.ts';

export type Listing =
  | { order: 'created' }
  | { order: 'position'; listId?: string; parentId?: TodoId }
  | { order: 'grouped'; listId: string };

export interface ListingQuery {
  listId?: string;
  parentId?: TodoId;
  subtasks?: boolean;
  cursor?: Cursor<TodoId>;
}

const ORDER_NAMES: Record<CursorOrder, string> = {
  created: 'newest first (no listId or parentId)',
  position: 'a manual order (listId or parentId)',
  grouped: 'the subtasks of a list (subtasks=true)',
};

/** The listing the query asks for, or what is wrong with it (a combination no listing has, a cursor of another order). */
export function listingOf({ listId, parentId, subtasks, cursor }: ListingQuery): Listing | FieldError[] {
  let listing: Listing;
  if (subtasks) {
    const errors: FieldError[] = [];
    if (listId === undefined)
      errors.push({ path: 'subtasks', message: 'needs listId: subtasks=true lists the subtasks of one list' });
    if (parentId !== undefined)
      errors.push({
        path: 'parentId',
        message: "not allowed with subtasks=true: one parent's subtasks are ?parentId= without subtasks",
      });
    if (errors.length > 0 || listId === undefined) return errors;
    listing = { order: 'grouped', listId };
  } else if (listId !== undefined || parentId !== undefined) listing = { order: 'position', listId, parentId };
  else listing = { order: 'created' };
  if (cursor !== undefined && cursorOrder(cursor) !== listing.order)
    return [
      {
        path: 'cursor',
        message: `is a cursor of ${ORDER_NAMES[cursorOrder(cursor)]}, not of this listing's order, ${ORDER_NAMES[listing.order]}`,
      },
    ];
  return listing;
}

/** Where `todo` stands in `listing`'s order: the cursor of the page that ends with it. */
export function cursorAfter(listing: Listing, todo: Todo): Cursor<TodoId> {
  if (listing.order === 'created') return { createdAt: todo.createdAt, id: todo.id };
  if (listing.order === 'position') return { position: todo.position, id: todo.id };
  // Only subtasks are in this listing, so each has its parent.
  return { group: todo.parentId!, position: todo.position, id: todo.id };
}
