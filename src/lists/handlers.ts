import type { RouteHandler } from '@hono/zod-openapi';
import type { AppEnv } from '../env.ts';
import { placementOf } from '../db/placement.ts';
import { idempotencyKey, requestHash } from '../idempotency/key.ts';
import { keyedResponse } from '../idempotency/statement.ts';
import { noneMatchHits, revalidate, versionEtag } from '../lib/conditional.ts';
import { encodePositionCursor } from '../lib/position-cursor.ts';
import { versionedItem } from '../lib/versioned-item.ts';
import { LIST_ID } from './fields.ts';
import * as queries from './queries.ts';
import type * as routes from './routes.ts';
import { LISTS_MAX_LIMIT, type List } from './schemas.ts';

/** What GET, PATCH and DELETE of one list share with every versioned item (src/lib/versioned-item.ts). */
const item = versionedItem<List>('list', (id) => LIST_ID.is(id));

export const createList: RouteHandler<typeof routes.createList, AppEnv> = async (c) => {
  const input = c.req.valid('json');
  const { id, after: _after, before: _before, ...list } = input;
  const placement = placementOf(input);
  const key = idempotencyKey(c.req.header('idempotency-key'));
  const created = (made: List, replayed: boolean) =>
    c.json(made, 201, {
      Location: `/lists/${made.id}`,
      ...revalidate(versionEtag(made)),
      ...(replayed ? { 'Idempotent-Replayed': 'true' } : {}),
    });
  if (key === undefined && id === undefined) {
    // Without a key or an id a repeat would create a second list, so it is never retried.
    return created(await c.var.db.query((tx) => queries.insertList(tx, list, placement), { idempotent: false }), false);
  }
  if (key === undefined) {
    // The id makes a repeat harmless: the same request again is a replay.
    const made = await c.var.db.query((tx) => queries.insertListWithId(tx, id!, list, placement), { idempotent: true });
    return created(made.list, made.replayed);
  }
  const hash = await requestHash(input);
  // A repeat replays the stored response, so retrying is harmless.
  const outcome = await c.var.db.query((tx) => queries.insertListOnce(tx, { key, hash, id, list, placement }), {
    idempotent: true,
  });
  const { response, replayed } = keyedResponse(outcome, hash);
  // A key claimed now whose id named the caller's list of the same request replays that create too.
  return created(JSON.parse(response) as List, replayed || outcome.effectRows === 0);
};

export const listLists: RouteHandler<typeof routes.listLists, AppEnv> = async (c) => {
  const { limit = LISTS_MAX_LIMIT, cursor } = c.req.valid('query');
  const rows = await c.var.db.query((tx) => queries.listLists(tx, { limit, after: cursor }), { idempotent: true });
  const items = rows.slice(0, limit);
  const last = items[items.length - 1];
  const nextCursor = rows.length > limit && last ? encodePositionCursor(JSON.parse(last) as List) : null;
  // Each list's JSON as Postgres wrote it; text, not c.json (hence the cast, as for todos).
  const body = `{"items":[${items.join(',')}],"nextCursor":${JSON.stringify(nextCursor)}}`;
  // One caller's data, read fresh each time: no cache keeps it.
  return c.body(body, 200, { 'Content-Type': 'application/json', 'Cache-Control': 'private, no-store' }) as never;
};

export const getList: RouteHandler<typeof routes.getList, AppEnv> = async (c) => {
  const id = item.pathId(c.req.valid('param').id);
  const list = await c.var.db.query((tx) => queries.findList(tx, id), { idempotent: true });
  if (!list) throw item.notFound(id);
  const etag = versionEtag(list);
  if (noneMatchHits(c.req.header('if-none-match'), etag)) return c.body(null, 304, revalidate(etag));
  return c.json(list, 200, revalidate(etag));
};

export const updateList: RouteHandler<typeof routes.updateList, AppEnv> = async (c) => {
  const id = item.pathId(c.req.valid('param').id);
  const { after: _after, before: _before, ...patch } = c.req.valid('json');
  const placement = placementOf(c.req.valid('json'));
  const list = await item.patch(c.var.db, {
    id,
    patch,
    ifMatch: c.req.header('if-match'),
    write: (tx, versions) => queries.updateList(tx, id, patch, versions, placement),
  });
  return c.json(list, 200, revalidate(versionEtag(list)));
};

export const deleteList: RouteHandler<typeof routes.deleteList, AppEnv> = async (c) => {
  const id = item.pathId(c.req.valid('param').id);
  await item.remove(c.var.db, {
    id,
    ifMatch: c.req.header('if-match'),
    write: (tx, versions) => queries.deleteList(tx, id, versions),
  });
  return c.body(null, 204);
};
