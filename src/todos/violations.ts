/**
 * What the database's rules for a todo's list, parent and position mean for
 * the client, in words that name the field to fix. The rules themselves are
 * the database's (migrations 0012 and 0013: foreign keys, a CHECK, a domain),
 * so no write reads before it writes; this only explains their refusals.
 */
import { ProblemError } from '../lib/problem.ts';
import { POSITION_MAX_LENGTH } from '../lib/position.ts';
import type { NewTodo, TodoPatch } from './schemas.ts';

const invalid = (path: string, message: string, detail: string) =>
  new ProblemError(400, detail, { errors: [{ path, message }] });

/** A subtask's parent: what todos_parent_fk and todos_parent_depth_top keep. */
export const PARENT_RULE = 'must be a top-level todo (not a subtask) in the same list as this one';

/** 400 for a todo named as its own parent (found before the database is asked). */
export const ownParent = () =>
  invalid('parentId', 'must not be the todo itself', 'A todo cannot be its own parent: nothing was changed.');

/**
 * The problem for the violated `constraint` of a create or a patch that sent
 * `request`, or undefined for a constraint this does not explain.
 */
export function todoViolation(constraint: string, request: NewTodo | TodoPatch): ProblemError | undefined {
  switch (constraint) {
    case 'todos_list_fk':
      // Another owner's list and a list that does not exist are answered alike.
      return new ProblemError(
        404,
        request.listId === undefined
          ? "The todo's list does not exist (any more): nothing was changed."
          : `There is no list with id ${request.listId}: nothing was changed.`,
        { errors: [{ path: 'listId', message: 'names none of your lists' }] },
      );
    case 'todos_parent_fk':
      // Without a new parent, the list changed under an existing one: a subtask cannot leave its parent's list.
      if (request.parentId === undefined)
        return invalid(
          'listId',
          "a subtask stays in its parent's list",
          "A subtask stays in its parent's list: move the parent, or set parentId null to move this todo alone. Nothing was changed.",
        );
      return invalid(
        'parentId',
        PARENT_RULE,
        `parentId ${PARENT_RULE}: subtasks are one level deep. Nothing was changed.`,
      );
    case 'todos_parent_depth_top':
      return invalid(
        'parentId',
        'a todo with subtasks cannot become a subtask',
        'A todo with subtasks cannot become a subtask (subtasks are one level deep): move its subtasks out first, or give it no parent. Nothing was changed.',
      );
    case 'app_position_valid':
      return invalid(
        'position',
        `must be a key fractional-indexing accepts (base 62, at most ${POSITION_MAX_LENGTH} characters, no trailing 0)`,
        'position is not a valid key: compute it with fractional-indexing (e.g. generateKeyBetween) between its neighbours, or leave it out and let the server place the todo. Nothing was changed.',
      );
    default:
      return undefined;
  }
}
