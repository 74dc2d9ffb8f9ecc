import { ProblemError } from '../lib/problem.ts';
import { rootCause } from './errors.ts';

/** What the quota trigger says when it refuses a write (its DETAIL, as JSON). */
export interface QuotaRefusal {
  /** The owner's quota of todos. */
  quota: number;
  /** How many todos the owner has: the write changed nothing. */
  todos: number;
  /** How many todos the refused write would have added. */
  adding: number;
}

/** HTTP status of a write refused by the quota: the owner's data, not the request, must change first. */
export const QUOTA_STATUS = 409;

const isCount = (value: unknown): value is number => Number.isInteger(value) && (value as number) >= 0;

/** The trigger's numbers from a failure with SQLSTATE QUOTA, or undefined when its DETAIL is not what it writes. */
export function quotaRefusal(err: unknown): QuotaRefusal | undefined {
  const detail = rootCause(err).detail;
  if (typeof detail !== 'string') return undefined;
  try {
    const { quota, todos, adding } = JSON.parse(detail) as Record<string, unknown>;
    return isCount(quota) && isCount(todos) && isCount(adding) ? { quota, todos, adding } : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The 409 problem for a write the quota refused: the quota, the owner's
 * count and what the write would have added, in words and as members
 * (`quota`, `todos`, `adding`: the QuotaExceeded schema, src/me/schemas.ts).
 */
export function quotaProblem(err: unknown): ProblemError {
  const refusal = quotaRefusal(err);
  if (!refusal) return new ProblemError(QUOTA_STATUS, 'This would exceed your quota of todos; nothing was written.');
  const { quota, todos, adding } = refusal;
  return new ProblemError(
    QUOTA_STATUS,
    `This would exceed your quota of ${quota} todos: you have ${todos}, and this adds ${adding}. Nothing was written; delete some todos first, or send fewer.`,
    { extensions: { quota, todos, adding } },
  );
}
