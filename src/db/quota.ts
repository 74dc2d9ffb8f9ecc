import { ProblemError } from '../lib/problem.ts';
import { rootCause } from './errors.ts';

/** What an owner has a quota of: each kind is counted by its table's triggers (migrations 0011 and 0013). */
export const QUOTA_KINDS = ['todos', 'lists'] as const;
export type QuotaKind = (typeof QUOTA_KINDS)[number];

/** What a quota trigger says when it refuses a write (its DETAIL, as JSON: `{"quota", "<kind>", "adding"}`). */
export interface QuotaRefusal {
  kind: QuotaKind;
  /** The owner's quota of this kind. */
  quota: number;
  /** How many the owner has: the write changed nothing. */
  count: number;
  /** How many the refused write would have added. */
  adding: number;
}

/** HTTP status of a write refused by the quota: the owner's data, not the request, must change first. */
export const QUOTA_STATUS = 409;

const isCount = (value: unknown): value is number => Number.isInteger(value) && (value as number) >= 0;

/** The trigger's numbers from a failure with SQLSTATE QUOTA, or undefined when its DETAIL is not what one writes. */
export function quotaRefusal(err: unknown): QuotaRefusal | undefined {
  const detail = rootCause(err).detail;
  if (typeof detail !== 'string') return undefined;
  try {
    const numbers = JSON.parse(detail) as Record<string, unknown>;
    const kind = QUOTA_KINDS.find((name) => name in numbers);
    const { quota, adding } = numbers;
    const count = kind && numbers[kind];
    return kind && isCount(quota) && isCount(count) && isCount(adding) ? { kind, quota, count, adding } : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The 409 problem for a write a quota refused: the quota, the owner's count
 * and what the write would have added, in words and as members (`quota`,
 * `adding` and `todos` or `lists`: the QuotaExceeded and ListQuotaExceeded
 * schemas, src/me/schemas.ts).
 */
export function quotaProblem(err: unknown): ProblemError {
  const refusal = quotaRefusal(err);
  if (!refusal) return new ProblemError(QUOTA_STATUS, 'This would exceed your quota; nothing was written.');
  const { kind, quota, count, adding } = refusal;
  return new ProblemError(
    QUOTA_STATUS,
    `This would exceed your quota of ${quota} ${kind}: you have ${count}, and this adds ${adding}. Nothing was written; delete some ${kind} first, or send fewer.`,
    { extensions: { quota, [kind]: count, adding } },
  );
}
