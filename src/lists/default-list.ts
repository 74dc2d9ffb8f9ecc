/**
 * The owner's default list, which the database writes on the first write that
 * needs it (app_ensure_default_list, migration 0013) and the Worker shows
 * before then, so that a read never writes: the same id (derived from the
 * owner by app_default_list_id), title, position and version 1 it will have.
 */
import { sql, type SQL } from 'drizzle-orm';
import { jsonOf } from '../lib/fields.ts';
import { lists } from '../db/schema.ts';
import { DEFAULT_LIST_TITLE, listFields } from './fields.ts';

/** Where the default list stands until it is moved: first (app_ensure_default_list writes the same). */
const DEFAULT_LIST_POSITION = 'a0';

/** The caller's default list's id, derived from the transaction's owner. */
export const callerDefaultListId = sql`app_default_list_id(current_setting('app.user_id', true))`;

/** The default list's values as written when it is made; its times are the statement's (see unwrittenDefaultList). */
const unwritten: Record<keyof typeof listFields, SQL> = {
  id: sql`d.id`,
  title: sql`${DEFAULT_LIST_TITLE}::text`,
  position: sql`${DEFAULT_LIST_POSITION}::app_position`,
  version: sql`1`,
  isDefault: sql`true`,
  createdAt: sql`now()`,
  updatedAt: sql`now()`,
};

/**
 * The caller's default list while no write has made it, as one row of
 * `json`, `position` and `id` (none once it is in the table, or when
 * `onlyId` names another list): its createdAt and updatedAt are the time of
 * the read, the only honest times for a list that does not exist yet.
 */
export const unwrittenDefaultList = (onlyId?: string) => sql`
  select ${jsonOf(listFields, (name) => unwritten[name as keyof typeof listFields])} as json,
    ${unwritten.position} as position, d.id as id
  from (select ${callerDefaultListId} as id) as d
  where not exists (select from ${lists} where ${lists.id} = d.id)${onlyId === undefined ? sql`` : sql` and d.id = ${onlyId}::uuid`}`;

/**
 * Writes the caller's default list if one of `ids` is its id and it is not in
 * the table yet: the first statement of a PATCH or DELETE that may name it
 * (as the list written, or as the neighbour a PATCH places a list by), so the
 * write that follows finds it (a DELETE is then refused by lists_keep_default,
 * and the transaction, this insert included, rolls back). Concurrent first
 * writes make one list: the id is the key, and ON CONFLICT waits for the other.
 * (Any INSERT into lists, this one even when it inserts nothing, runs
 * app_ensure_default_list first, which writes the same row; this one says so
 * itself rather than lean on that.)
 */
export const ensureDefaultList = (ids: string[]) => sql`
  insert into ${lists} (id, title, position, is_default)
  select d.id, ${DEFAULT_LIST_TITLE}, ${DEFAULT_LIST_POSITION}, true from (select ${callerDefaultListId} as id) as d
  where d.id in (${sql.join(
    ids.map((id) => sql`${id}::uuid`),
    sql`, `,
  )})
  on conflict (id) do nothing`;

/**
 * Whether `id` may be a default list's: those are version 8 UUIDs, which no
 * client may choose and the server makes for nothing else (migration 0013),
 * so only such an id needs ensureDefaultList before a write.
 */
export const mayBeDefaultListId = (id: string) => id[14] === '8';
