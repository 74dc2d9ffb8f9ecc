import { env } from 'cloudflare:workers';
import { neon } from '@neondatabase/serverless';
import { PgDialect } from 'drizzle-orm/pg-core';
import { SET_OWNER_SQL } from '../../../src/db/client.ts';
import { lists } from '../../../src/db/schema.ts';
import { jsonOf } from '../../../src/lib/fields.ts';
import { listFields } from '../../../src/lists/fields.ts';
import type { FeedCaller, List } from './feed-client.ts';

// Lists written through the API (POST, PATCH and DELETE /lists), and read back from the table as the Worker's login
// role with the caller's owner set (row-level security applies), each as the list's JSON as the API writes it.

/** A list's JSON, as the lists resource and the change feed write it (one declaration: src/lists/fields.ts). */
const LIST_JSON = new PgDialect().sqlToQuery(jsonOf(listFields, (name) => lists[name as keyof typeof listFields])).sql;

/** `statement` as the Worker's login role in one transaction, with `owner` set. */
export async function asOwner(owner: string, statement: string, params: unknown[] = []): Promise<any[]> {
  const sql = neon(env.DATABASE_URL);
  const [, rows] = await sql.transaction([sql.query(SET_OWNER_SQL, [owner]), sql.query(statement, params)]);
  return rows as any[];
}

const listsOf = (rows: { list: string }[]) => rows.map((row) => JSON.parse(row.list) as List);

/** A new list of `who`'s, at the end of their lists (the database places it), through the API. */
export async function createList(who: FeedCaller, title: string): Promise<List> {
  const res = await who.send<List>('POST', '/lists', { title });
  if (res.status !== 201) throw new Error(`POST /lists: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

/** Sets a list's title or position through the API; undefined when it is not there (another writer deleted it). */
export async function updateList(
  who: FeedCaller,
  id: string,
  change: { title?: string; position?: string },
): Promise<List | undefined> {
  const res = await who.send<List>('PATCH', `/lists/${id}`, change);
  if (res.status === 404) return undefined;
  if (res.status !== 200) throw new Error(`PATCH /lists/${id}: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

/** Deletes a list (and, by the database's cascade, its todos) through the API; whether it was there. */
export async function deleteList(who: FeedCaller, id: string): Promise<boolean> {
  const res = await who.send('DELETE', `/lists/${id}`);
  if (res.status !== 204 && res.status !== 404) throw new Error(`DELETE /lists/${id}: ${res.status}`);
  return res.status === 204;
}

/** Every list of `who`'s, by id, read from the table (not the feed). */
export const storedLists = async (who: FeedCaller): Promise<Map<string, List>> =>
  new Map(listsOf(await asOwner(who.owner, `select ${LIST_JSON} as list from lists`)).map((list) => [list.id, list]));
