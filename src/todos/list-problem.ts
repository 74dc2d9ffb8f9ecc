import { rootCause } from '../db/errors.ts';
import { ProblemError } from '../lib/problem.ts';

/** The 404 of a request naming a list the caller cannot see (none of theirs has this id). */
export const listNotFound = (listId: string) =>
  new ProblemError(404, `There is no list with id ${listId}: nothing was changed.`, {
    errors: [{ path: 'listId', message: 'names none of your lists' }],
  });

/**
 * `statement`, with a write refused by the todos' foreign key to their list
 * (todos_list_fk: the list is not the caller's, or does not exist) answered as
 * that 404. A ProblemError is never retried, and nothing was written.
 */
export async function namingList<T>(listId: string | undefined, statement: () => Promise<T>): Promise<T> {
  try {
    return await statement();
  } catch (err) {
    const root = rootCause(err) as { code?: unknown; constraint?: unknown };
    if (listId !== undefined && root.code === '23503' && root.constraint === 'todos_list_fk')
      throw listNotFound(listId);
    throw err;
  }
}
