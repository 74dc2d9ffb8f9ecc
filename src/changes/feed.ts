import { listTombstones, lists } from '../db/schema.ts';
import { feedSource, type Feed } from '../feed/source.ts';
import { listFields } from '../lists/fields.ts';
import { todoChanges } from '../todos/feed.ts';

/** Lists in a change feed: each at its latest change in `lists`, or its tombstone. */
const listChanges = feedSource('list', listFields, lists, listTombstones);

/**
 * GET /changes: lists and todos in one stream. Within one transaction a list
 * comes before todos, so a list made with its first todos arrives before them.
 */
export const changesFeed: Feed = {
  route: 'GET /changes',
  marker: 'changes',
  sources: [listChanges, todoChanges],
  kindInChanges: true,
};
