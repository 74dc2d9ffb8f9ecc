/**
 * Placement by the server: a create or a patch may say `"after": <id>` or
 * `"before": <id>` (a sibling: a todo of the same list, or a subtask of the
 * same parent; a list of the caller's) instead of a `position` key, and the
 * database computes the key in the same statement (migrations/0014_placement.sql,
 * docs/database.md "Positions"). `"after": null` is first, `"before": null` last.
 * The fields are not stored: they say where the stored `position` goes.
 */
import { z } from '@hono/zod-openapi';
import { sql, type AnyColumn, type Placeholder, type SQL } from 'drizzle-orm';
import { ProblemError } from '../lib/problem.ts';
import { isCanonicalUuid } from '../lib/uuid.ts';
import { rootCause } from './errors.ts';

/** Where the client asked the server to put the item: next to `anchor` (null: at an end). */
export interface Placement {
  anchor: string | null;
  /** True for `before` (before the anchor, or last), false for `after` (after it, or first). */
  before: boolean;
}

const anchorSchema = (field: 'after' | 'before', end: string, what: string) =>
  z
    .string({ error: 'must be a UUID string or null' })
    .refine(isCanonicalUuid, 'must be a UUID in canonical lowercase form')
    .nullable()
    .openapi({
      format: 'uuid',
      description: `Place the ${what} just ${field} this sibling (the server computes \`position\`); null: ${end}. Not with \`position\`, nor with \`${field === 'after' ? 'before' : 'after'}\`.`,
    });

/** The body fields `after` and `before`, for a resource's create and patch schemas (`what`: "todo", "list"). */
export const placementFields = (what: string) => ({
  after: anchorSchema('after', 'first', what),
  before: anchorSchema('before', 'last', what),
});

const twoWays = (path: string, other: string) =>
  new ProblemError(400, `Give one of position, after and before: ${path} cannot be given with ${other}.`, {
    errors: [{ path, message: `not allowed with ${other}` }],
  });

/**
 * The placement a validated body asks for, or undefined (then its `position`,
 * if any, is the client's key). 400 for more than one of `position`, `after`
 * and `before`: each says where the item goes.
 */
export function placementOf(body: { position?: unknown; after?: string | null; before?: string | null }) {
  const { position, after, before } = body;
  if (after !== undefined && before !== undefined) throw twoWays('before', 'after');
  const given = after !== undefined ? 'after' : before !== undefined ? 'before' : undefined;
  if (given === undefined) return undefined;
  if (position !== undefined) throw twoWays(given, 'position');
  // Not `after ?? before`: that is undefined for `after: null`, which a statement does not take as null.
  return { anchor: (given === 'after' ? after : before)!, before: given === 'before' } satisfies Placement;
}

type Value = SQL | AnyColumn | Placeholder | string | null;

/** A placement's values, or a compiled statement's placeholders for them. */
export type PlacementValues = Placement | { anchor: Placeholder; before: Placeholder };

/**
 * The position of the caller's todo `moving` (null on a create that has no id
 * yet) placed in the group of `list` (null: the default list) and `parent`:
 * an expression for the value of the statement's position column.
 */
export const todoPlacementSql = (
  placement: PlacementValues,
  group: { list: Value; parent: Value; moving: Value },
): SQL =>
  sql`app_todo_position(${group.list}::uuid, ${group.parent}::uuid, ${placement.anchor}::uuid, ${placement.before}::boolean, ${group.moving}::uuid)`;

/**
 * True, once the group's placement lock is held: a statement that locks a
 * todo before it places it (a conditional PATCH's locked read) takes this
 * first, in the locked read's WHERE, so it never holds a row of the group
 * while it waits for the group (a renumbering holding the group would wait
 * for that row: a deadlock).
 */
export const todoGroupLockedSql = (group: { list: Value; parent: Value }): SQL =>
  sql`app_todo_group_locked(${group.list}, ${group.parent})`;

/** As todoGroupLockedSql, for the caller's lists: a conditional PATCH of a list takes it before it locks the list. */
export const LIST_GROUP_LOCKED_SQL = sql`app_list_group_locked()`;

/** The position of the caller's list `moving` (null on a create without an id) among the caller's lists. */
export const listPlacementSql = (placement: PlacementValues, moving: Value): SQL =>
  sql`app_list_position(${placement.anchor}::uuid, ${placement.before}::boolean, ${moving}::uuid)`;

/** The 400 for a placement the database refused (PLACEMENT_SQLSTATE): the anchor names no sibling the caller can see. */
export function placementProblem(err: unknown): ProblemError {
  const detail = rootCause(err).detail;
  const path = detail === 'before' ? 'before' : 'after';
  const message =
    'must name another item of the same group (a todo of the same list, or of the same parent; a list of yours)';
  return new ProblemError(400, `${path} ${message}: nothing was changed.`, { errors: [{ path, message }] });
}
