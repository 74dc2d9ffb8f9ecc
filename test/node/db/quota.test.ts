import { NeonDbError } from '@neondatabase/serverless';
import { describe, expect, it } from 'vitest';
import { quotaProblem, quotaRefusal } from '../../../src/db/quota.ts';

// What the quota triggers of todos (migration 0011) and lists (0013) say in DETAIL, read back for the 409.
const refused = (detail: unknown) => Object.assign(new NeonDbError('quota'), { code: 'QUOTA', detail });

describe('quotaRefusal', () => {
  it.each([
    ['todos', { quota: 3, todos: 3, adding: 2 }, { kind: 'todos', quota: 3, count: 3, adding: 2 }],
    ['lists', { quota: 1000, lists: 1000, adding: 1 }, { kind: 'lists', quota: 1000, count: 1000, adding: 1 }],
  ])('reads the %s trigger’s numbers', (_, detail, refusal) => {
    expect(quotaRefusal(refused(JSON.stringify(detail)))).toEqual(refusal);
  });

  it.each([
    ['no detail', undefined],
    ['not JSON', 'quota exceeded'],
    ['no kind', JSON.stringify({ quota: 3, adding: 1 })],
    ['a negative count', JSON.stringify({ quota: 3, lists: -1, adding: 1 })],
    ['a count that is text', JSON.stringify({ quota: 3, todos: '3', adding: 1 })],
  ])('is undefined for %s', (_, detail) => {
    expect(quotaRefusal(refused(detail))).toBeUndefined();
  });
});

describe('quotaProblem', () => {
  it('names the kind in words and as a member', () => {
    const problem = quotaProblem(refused(JSON.stringify({ quota: 2, lists: 2, adding: 1 })));
    expect(problem.status).toBe(409);
    expect(problem.message).toBe(
      'This would exceed your quota of 2 lists: you have 2, and this adds 1. Nothing was written; delete some lists first, or send fewer.',
    );
    expect(problem.options.extensions).toEqual({ quota: 2, lists: 2, adding: 1 });
  });

  it('still says what happened when the detail cannot be read', () => {
    expect(quotaProblem(refused(undefined)).message).toBe('This would exceed your quota; nothing was written.');
  });
});
