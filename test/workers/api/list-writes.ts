import { env } from 'cloudflare:workers';
import { neon } from '@neondatabase/serverless';
import { PgDialect } from 'drizzle-orm/pg-core';
import { SET_OWNER_SQL } from '../../../src/db/client.ts';
import { lists } from '../../../src/db/schema.ts';
import { jsonOf } from '../../../src/lib/fields.ts';
import { listFields } from '../../../src/lists/fields.ts';
import type { FeedCaller, List } from './feed-client.ts';

// Lists written as the Worker writes them, without its routes: SQL through the Worker's login role, in one
// transaction with the caller's owner set, as every request sets it (row-level security and the database's
// triggers apply as they do to the API's own statements). Each answer is the list's JSON as the API writes it.

/** A list's JSON, as the lists resource and the change feed write it (one declaration: src/lists/fields.ts). */
const LIST_JSON = new PgDialect().sqlToQuery(jsonOf(listFields, (name) => lists[name as keyof typeof listFields])).sql;

/** `statement` as the Worker's login role in one transaction, with `owner` set. */
export async function asOwner(owner: string, statement: string, params: unknown[] = []): Promise<any[]> {
  const sql = neon(env.DATABASE_URL);
  const [, rows] = await sql.transaction([sql.query(SET_OWNER_SQL, [owner]), sql.query(statement, params)]);
  return rows as any[];
}

const listsOf = (rows: { list: string }[]) => rows.map((row) => JSON.parse(row.list) as List);

/** A new list of `who`'s, at the end of their lists (the database places it). */
export const createList = async (who: FeedCaller, title: string): Promise<List> =>
  listsOf(
    await asOwner(who.owner, `insert into lists (title) values ($1) returning ${LIST_JSON} as list`, [title]),
  )[0]!;

/** Sets a list's title or position; undefined when it is not there (another writer deleted it). */
export const updateList = async (
  who: FeedCaller,
  id: string,
  change: { title?: string; position?: string },
): Promise<List | undefined> =>
  listsOf(
    await asOwner(
      who.owner,
      `update lists set title = coalesce($2, title), position = coalesce($3::app_position, position)
       where id = $1 returning ${LIST_JSON} as list`,
      [id, change.title ?? null, change.position ?? null],
    ),
  )[0];

/** Deletes a list (and, by the database's cascade, its todos); whether it was there. */
export const deleteList = async (who: FeedCaller, id: string): Promise<boolean> =>
  (await asOwner(who.owner, 'delete from lists where id = $1 returning id', [id])).length === 1;

/** Every list of `who`'s, by id, read from the table (not the feed). */
export const storedLists = async (who: FeedCaller): Promise<Map<string, List>> =>
  new Map(listsOf(await asOwner(who.owner, `select ${LIST_JSON} as list from lists`)).map((list) => [list.id, list]));
