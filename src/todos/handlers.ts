import type { RouteHandler } from '@hono/zod-openapi';
import type { AppEnv } from '../env.ts';
import { encodeCursor } from '../lib/cursor.ts';
import { ProblemError } from '../lib/problem.ts';
import { placementOf } from '../db/placement.ts';
import type { Drizzle } from '../db/client.ts';
import { idempotencyKey, requestHash } from '../idempotency/key.ts';
import { textSha256 } from '../lib/sha256.ts';
import { keyedResponse } from '../idempotency/statement.ts';
import { negotiate } from '../lib/accept.ts';
import { logFailure } from '../lib/log-failure.ts';
import { csvExport, EXPORT_PAGE_ROWS } from './export.ts';
import { listExportPage, type ListExportRow } from './list-export.ts';
import { IMPORT_MAX_BYTES, importReader } from './import-rows.ts';
import { bodyText } from '../middleware/body.ts';
import * as queries from './queries.ts';
import { TODO_ID, type TodoId } from './fields.ts';
import type { Todo, TodoPatch } from './schemas.ts';
import type * as routes from './routes.ts';
import { ifMatchVersions, todoEtag } from './versions.ts';
import { ownParent, todoViolation } from './violations.ts';
import { noneMatchHits, revalidate } from '../lib/conditional.ts';
import { cursorAfter, listingOf, type Listing } from './listing.ts';
import { answerChanges } from '../feed/serve.ts';
import { todosFeed } from './feed.ts';
import { listNotFound, namingList } from './list-problem.ts';

/** Lists, the feed and the export are one caller's data, read fresh each time: no cache, shared or private, keeps them. */
const NOT_STORED = { 'Cache-Control': 'private, no-store' } as const;

const notFound = (id: TodoId) => new ProblemError(404, `There is no todo with id ${id}.`);

/**
 * The todo id in the path. Anything that is not a todo id (a UUID in canonical
 * lowercase form) names no todo: a 404 like any missing todo (not echoed: it may be anything).
 */
function pathId(id: string): TodoId {
  if (!TODO_ID.is(id)) throw new ProblemError(404, 'There is no todo with this id.');
  return id;
}

/** 412 for a write whose If-Match named another version than `current`'s. */
const stale = (current: Todo) =>
  new ProblemError(
    412,
    `The todo is at version ${current.version}, not the one If-Match names: nothing was changed. Read it again, then retry.`,
    { headers: { ETag: todoEtag(current) }, extensions: { currentVersion: current.version } },
  );

/**
 * Whether a 412 met by the Worker's own retry of a conditional PATCH is its
 * first attempt's success (its answer was lost): the version is one past an
 * expected one and the row holds what the patch set. Then the answer is that
 * row, with 200. (A concurrent client that wrote the same values at that very
 * version is indistinguishable, and was itself told 200 for it: same state.)
 * Each patched field is compared as the JSON shows it: a field whose JSON is
 * not what a client sends (a date-time Postgres normalises) needs its own rule.
 */
const landedEarlier = (current: Todo, patch: TodoPatch, versions: number[]) =>
  versions.includes(current.version - 1) &&
  Object.entries(patch).every(([name, value]) => value === undefined || value === current[name as keyof Todo]);

export const createTodo: RouteHandler<typeof routes.createTodo, AppEnv> = async (c) => {
  const input = c.req.valid('json');
  const { id, after: _after, before: _before, ...todo } = input;
  const placement = placementOf(input);
  if (id !== undefined && todo.parentId === id) throw ownParent();
  const violation = (constraint: string) => todoViolation(constraint, todo);
  const key = idempotencyKey(c.req.header('idempotency-key'));
  const created = (made: Todo, replayed: boolean) =>
    c.json(made, 201, {
      Location: `/todos/${made.id}`,
      ...(made.version === undefined ? {} : revalidate(todoEtag(made))), // a replay stored before versions existed has none
      ...(replayed ? { 'Idempotent-Replayed': 'true' } : {}),
    });
  if (key === undefined && id === undefined) {
    // Without a key or an id a repeat would create a second todo, so it is never retried.
    return created(
      await c.var.db.query((tx) => queries.insertTodo(tx, todo, placement), { idempotent: false, violation }),
      false,
    );
  }
  if (key === undefined) {
    // The id makes a repeat harmless: the same request again is a replay.
    const made = await c.var.db.query((tx) => queries.insertTodoWithId(tx, id!, todo, placement), {
      idempotent: true,
      violation,
    });
    return created(made.todo, made.replayed);
  }
  const hash = await requestHash(input);
  // A repeat replays the stored response, so retrying is harmless.
  const outcome = await c.var.db.query((tx) => queries.insertTodoOnce(tx, { key, hash, id, todo, placement }), {
    idempotent: true,
    violation,
  });
  const { response, replayed } = keyedResponse(outcome, hash);
  // A key claimed now whose id named the caller's todo of the same request replays that create too.
  return created(JSON.parse(response) as Todo, replayed || outcome.effectRows === 0);
};

const LIST_FORMATS = ['application/json', 'text/csv'] as const;

export const listTodos: RouteHandler<typeof routes.listTodos, AppEnv> = async (c) => {
  const { listId, parentId, subtasks, done, dueBefore, dueAfter, limit = 20, cursor } = c.req.valid('query');
  // Valid: the query's schema refused every other combination.
  const listing = listingOf({ listId, parentId, subtasks, cursor }) as Listing;
  const filters = { listing, done, dueBefore, dueAfter };
  const format = negotiate(c.req.header('accept'), LIST_FORMATS);
  c.header('Vary', 'Accept', { append: true });
  if (format === undefined) throw new ProblemError(406, `The todos are available as ${LIST_FORMATS.join(' or ')}.`);
  // The CSV representation is outside the route's type (see routes.ts), hence the cast.
  if (format === 'text/csv') return (await exportTodos(c, filters, c.req.query())) as never;
  const rows = await c.var.db.query((tx) => queries.listTodos(tx, { ...filters, limit, after: cursor }), {
    idempotent: true,
  });
  const items = rows.slice(0, limit);
  const last = items[items.length - 1];
  const nextCursor = rows.length > limit && last ? encodeCursor(cursorAfter(listing, JSON.parse(last) as Todo)) : null;
  // Each todo's JSON as Postgres wrote it; text, not c.json (hence the cast, as for the feed).
  const body = `{"items":[${items.join(',')}],"nextCursor":${JSON.stringify(nextCursor)}}`;
  return c.body(body, 200, { 'Content-Type': 'application/json', ...NOT_STORED }) as never;
};

/** The CSV answer's headers. */
const CSV_HEADERS = {
  'Content-Type': 'text/csv; charset=utf-8',
  'Content-Disposition': 'attachment; filename="todos.csv"',
  ...NOT_STORED,
};

/**
 * Streams every todo of the listing (honouring its filters) as CSV: every todo oldest first, or a
 * list's in their manual order. The first page is read before answering, so a database outage is still a 503.
 */
async function exportTodos(
  c: Parameters<typeof listTodos>[0],
  filters: Pick<queries.ListOptions, 'done' | 'dueBefore' | 'dueAfter'> & { listing: Listing },
  query: Record<string, string>,
): Promise<Response> {
  const paging = ['limit', 'cursor'].filter((name) => name in query);
  if (paging.length > 0) {
    throw new ProblemError(400, 'The CSV export has every matching todo: limit and cursor apply to JSON pages only.', {
      errors: paging.map((path) => ({ path, message: 'not allowed with Accept: text/csv' })),
    });
  }
  const { listing, done, dueBefore, dueAfter } = filters;
  const onError = (err: unknown) => logFailure(c, err, 'CSV export, after the first page');
  if (
    listing.order === 'position' &&
    listing.listId &&
    !listing.parentId &&
    [done, dueBefore, dueAfter].every((f) => f === undefined)
  ) {
    // A whole list: each top-level todo followed by its subtasks, what an import into a list recreates.
    const listId = listing.listId;
    const listPage = (after?: ListExportRow) => (tx: Drizzle) => listExportPage(tx, listId, after);
    const first = await c.var.db.query(listPage(), { idempotent: true });
    if (!first.found) throw listNotFound(listId);
    const next = async (after: ListExportRow) =>
      (await c.var.openDb().query(listPage(after), { idempotent: true })).rows;
    return c.body(csvExport(first.rows, next, onError), 200, CSV_HEADERS);
  }
  const page = (last?: Todo) => async (tx: Drizzle) =>
    (
      await queries.listTodos(tx, {
        ...filters,
        limit: EXPORT_PAGE_ROWS,
        after: last && cursorAfter(filters.listing, last),
        oldestFirst: true,
      })
    ).map((json) => JSON.parse(json) as Todo);
  const first = await c.var.db.query(page(), { idempotent: true });
  // Each later page is its own statement with its own deadline: a long export is not one slow query.
  const next = (last: Todo) => c.var.openDb().query(page(last), { idempotent: true });
  return c.body(csvExport(first, next, onError), 200, CSV_HEADERS);
}

/** The change feed of todos (src/feed serves it, as it serves GET /changes). */
export const listChanges: RouteHandler<typeof routes.listChanges, AppEnv> = async (c) =>
  // Text, not c.json: the typed client still reads the route's declared JSON (hence the cast).
  (await answerChanges(c, todosFeed, c.req.valid('query'))) as never;

export const getTodo: RouteHandler<typeof routes.getTodo, AppEnv> = async (c) => {
  const id = pathId(c.req.valid('param').id);
  const todo = await c.var.db.query((tx) => queries.findTodo(tx, id), { idempotent: true });
  if (!todo) throw notFound(id);
  const etag = todoEtag(todo);
  if (noneMatchHits(c.req.header('if-none-match'), etag)) return c.body(null, 304, revalidate(etag));
  return c.json(todo, 200, revalidate(etag));
};

export const updateTodo: RouteHandler<typeof routes.updateTodo, AppEnv> = async (c) => {
  const id = pathId(c.req.valid('param').id);
  const { after: _after, before: _before, ...patch } = c.req.valid('json');
  const placement = placementOf(c.req.valid('json'));
  if (patch.parentId === id) throw ownParent();
  const violation = (constraint: string) => todoViolation(constraint, patch);
  const versions = ifMatchVersions(c.req.header('if-match'), id);
  if (versions === undefined || versions === '*') {
    // Setting absolute values twice leaves the same values, so a retry is allowed. The trade-off
    // (README, "Versions and conditional requests"): a retry whose first attempt did land adds 1 to
    // the version again, and may undo a change another client made in between. If-Match avoids both.
    const todo = await c.var.db.query((tx) => queries.updateTodo(tx, id, patch, placement), {
      idempotent: true,
      violation,
    });
    if (!todo) throw notFound(id);
    return c.json(todo, 200, revalidate(todoEtag(todo)));
  }
  // A retry is safe: a repeat of an attempt that landed meets a 412, recognised below.
  let attempts = 0;
  const result = await c.var.db.query(
    (tx) => {
      attempts++;
      return queries.updateTodoIfMatch(tx, id, patch, versions, placement);
    },
    { idempotent: true, violation },
  );
  if (result.outcome === 'missing') throw notFound(id);
  if (result.outcome === 'stale') {
    if (attempts > 1 && landedEarlier(result.current, patch, versions))
      return c.json(result.current, 200, revalidate(todoEtag(result.current)));
    throw stale(result.current);
  }
  return c.json(result.result, 200, revalidate(todoEtag(result.result)));
};

export const deleteTodo: RouteHandler<typeof routes.deleteTodo, AppEnv> = async (c) => {
  const id = pathId(c.req.valid('param').id);
  const versions = ifMatchVersions(c.req.header('if-match'), id);
  // Not retried: a repeat of a delete that did land would answer 404.
  const result = await c.var.db.query((tx) => queries.deleteTodo(tx, id, versions === '*' ? undefined : versions), {
    idempotent: false,
  });
  if (result.outcome === 'missing') throw notFound(id);
  if (result.outcome === 'stale') throw stale(result.current);
  return c.body(null, 204);
};

/**
 * How the import's rows are named: from the client's `firstId` on (its last
 * 32 bits count up one per row, and must not overflow), or by the server.
 */
function importIds(firstId: string | undefined, rows: number): queries.ImportIds | undefined {
  if (firstId === undefined) return undefined;
  const hex = firstId.replace(/-/g, '');
  const firstLow = Number.parseInt(hex.slice(24), 16);
  if (firstLow + rows - 1 > 0xffffffff) {
    const message = `leaves no room for ${rows} rows: its last 32 bits count up one per row and must not overflow`;
    throw new ProblemError(400, `firstId ${message}.`, { errors: [{ path: 'firstId', message }] });
  }
  return { prefix: hex.slice(0, 24), firstLow };
}

export const importTodos: RouteHandler<typeof routes.importTodos, AppEnv> = async (c) => {
  const { firstId, listId } = c.req.valid('query');
  const key = idempotencyKey(c.req.header('idempotency-key'));
  // The accepted text, whatever the framing (Content-Length or chunked) or a BOM: the same file is the same request.
  const fingerprint = key === undefined ? undefined : textSha256();
  const reader = importReader();
  for await (const piece of bodyText(c.req.raw, IMPORT_MAX_BYTES)) {
    await fingerprint?.write(piece);
    if (!reader.push(piece)) break;
  }
  const rows = reader.end();
  if (!rows.ok) {
    const what = rows.invalidRows > 0 ? `${rows.invalidRows} row(s) are invalid` : 'the CSV cannot be read';
    throw new ProblemError(400, `Nothing was imported: ${what}; see rows.`, {
      extensions: { rows: rows.problems, invalidRows: rows.invalidRows },
    });
  }
  const ids = importIds(firstId, rows.count);
  /** The answer; a list not found when nothing was to be inserted (else the insert's foreign key said so) is a 404. */
  const answer = (outcome: queries.ImportOutcome, headers: Record<string, string> = {}) => {
    if (outcome.listFound === false) throw listNotFound(listId!);
    return c.json({ inserted: outcome.inserted, replayed: outcome.replayed }, 201, headers);
  };
  if (fingerprint === undefined || key === undefined) {
    // Without a key or the client's ids a repeat would insert every row again, so it is retried only with ids.
    const outcome = await c.var.db.query((tx) => namingList(listId, () => queries.insertTodos(tx, rows, ids, listId)), {
      idempotent: ids !== undefined,
    });
    return answer(outcome);
  }
  // The ids and the list are part of the request: the same key with others is another request (422).
  const hash = await fingerprint
    .hex()
    .then((body) => [body, firstId && `firstId=${firstId}`, listId && `listId=${listId}`].filter(Boolean).join(' '));
  const outcome = await c.var.db.query(
    (tx) => namingList(listId, () => queries.insertTodosOnce(tx, { key, hash, ids, listId, ...rows })),
    { idempotent: true },
  );
  const { response, replayed } = keyedResponse(outcome, hash);
  // A response stored before imports counted replayed rows has only `inserted`.
  const stored = JSON.parse(response) as queries.ImportOutcome;
  return answer({ ...stored, replayed: stored.replayed ?? 0 }, replayed ? { 'Idempotent-Replayed': 'true' } : {});
};
