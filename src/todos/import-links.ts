import type { FieldError } from '../lib/problem.ts';

/** The longest file id an import takes: ids in a file are labels that tie a subtask to its parent row. */
export const IMPORT_MAX_LABEL_CHARS = 64;

/** Why a label cell is not one, or undefined. */
export const labelProblem = (label: string): string | undefined =>
  label.length > IMPORT_MAX_LABEL_CHARS ? `must be at most ${IMPORT_MAX_LABEL_CHARS} characters` : undefined;

/** A row's problems with its links, found when it is read or at the end of the file. */
export interface LinkProblem {
  row: number;
  line: number;
  errors: FieldError[];
}

const NO_SUCH_ROW =
  'names no row of this file: a parentId names the id of another row in the same file (the ids of a file are labels, not todos)';

/**
 * The parent links of one import, as its rows are read: each row may have a
 * label (`id`) and name another row's label as its parent (`parentId`), before
 * or after it in the file. What the statement needs is only each row's parent
 * as a row number (1-based, 0 for none): the file's labels never reach the
 * database. Kept per row: the row's parent and line (two 32-bit numbers), the
 * labels seen (a map), and the references to rows not read yet.
 *
 * A parent must be a row without a parent of its own (subtasks are one level
 * deep), another row than itself, and its label must be the only row with it;
 * a cycle of parents always names a row that has a parent, and is told as one.
 */
export function importLinks() {
  /** Label → row number; negative for a row that has a parent itself. */
  const labels = new Map<string, number>();
  /** Per row (index row - 1): its parent's row number; 0 for none; -(k + 1) while waiting for the k-th forward reference. */
  let parents = new Int32Array(1024);
  /** Per row: the line it starts on, to name a parent row's line in a problem. */
  let lines = new Int32Array(1024);
  const forward: { row: number; label: string }[] = [];
  let rows = 0;
  let linked = 0;

  const grow = () => {
    const more = (old: Int32Array) => {
      const next = new Int32Array(old.length * 2);
      next.set(old);
      return next;
    };
    parents = more(parents);
    lines = more(lines);
  };

  /** Whether the row `at` names `row` as its parent (directly, or by a reference not resolved yet). */
  const namesRow = (at: number, row: number) => {
    const parent = parents[at - 1]!;
    if (parent >= 0) return parent === row;
    const label = forward[-parent - 1]?.label;
    return label !== undefined && Math.abs(labels.get(label) ?? 0) === row;
  };

  /** Why `row` may not have the row `parent` (as `labels` has it) as its parent, or undefined. */
  const parentProblem = (row: number, parent: number): string | undefined => {
    if (parent > 0) return undefined;
    const at = -parent;
    const cycle = namesRow(at, row) ? ', whose parent is this row: a cycle' : '';
    return `names the row on line ${lines[at - 1]}, which is a subtask itself${cycle} (subtasks are one level deep)`;
  };

  return {
    /** Rows that name a parent. */
    get linked() {
      return linked;
    },
    /**
     * Takes the next row's labels (empty: none) and returns its problems now
     * known; a reference to a later row is checked by `finish`.
     */
    add(line: number, id: string, parentId: string): FieldError[] {
      const row = ++rows;
      if (row > parents.length) grow();
      lines[row - 1] = line;
      const errors: FieldError[] = [];
      if (id !== '') {
        const taken = labels.get(id);
        if (taken !== undefined)
          errors.push({ path: 'id', message: `is also the id of the row on line ${lines[Math.abs(taken) - 1]}` });
        else labels.set(id, parentId === '' ? row : -row);
      }
      if (parentId === '') return errors;
      linked++;
      if (parentId === id) {
        errors.push({ path: 'parentId', message: 'names this row itself' });
        return errors;
      }
      const parent = labels.get(parentId);
      if (parent === undefined) {
        forward.push({ row, label: parentId });
        parents[row - 1] = -forward.length;
        return errors;
      }
      const problem = parentProblem(row, parent);
      if (problem) errors.push({ path: 'parentId', message: problem });
      // Kept even when refused: a later row's problem then tells a cycle.
      parents[row - 1] = Math.abs(parent);
      return errors;
    },
    /** The problems of references to later rows, in row order, now that every row is read. */
    finish(): LinkProblem[] {
      const problems: LinkProblem[] = [];
      for (const { row, label } of forward) {
        const parent = labels.get(label);
        const problem = parent === undefined ? NO_SUCH_ROW : parentProblem(row, parent);
        if (problem) problems.push({ row, line: lines[row - 1]!, errors: [{ path: 'parentId', message: problem }] });
        parents[row - 1] = Math.abs(parent ?? 0);
      }
      forward.length = 0;
      labels.clear();
      return problems;
    },
    /** Each row's parent row number (0: none), once `finish` found no problem. */
    parentRows(): Int32Array {
      return parents.subarray(0, rows);
    },
  };
}

export type ImportLinks = ReturnType<typeof importLinks>;
