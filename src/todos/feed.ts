import { todoTombstones, todos } from '../db/schema.ts';
import { feedSource, type Feed } from '../feed/source.ts';
import { todoFields } from './fields.ts';

/** Todos in a change feed: each at its latest change in `todos`, or its tombstone. */
export const todoChanges = feedSource('todo', todoFields, todos, todoTombstones);

/** GET /todos/changes: todos only, as it has always been (its tokens unmarked, its changes without `kind`). */
export const todosFeed: Feed = {
  route: 'GET /todos/changes',
  marker: null,
  sources: [todoChanges],
  kindInChanges: false,
};
