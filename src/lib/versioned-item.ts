/**
 * One item of a resource at `/<things>/{id}`, versioned: the rules its GET,
 * PATCH and DELETE share whatever the resource (a todo, a list): which path
 * ids name nothing, the 404 and 412 problems, and how a conditional PATCH or
 * DELETE (If-Match) runs and is retried. The resource gives its word for the
 * item and its queries; the SQL of conditional writes is src/db/conditional-writes.ts.
 */
import type { Database } from '../db/client.ts';
import type { Drizzle } from '../db/client.ts';
import type { Conditional } from '../db/conditional-writes.ts';
import { ifMatchVersions, versionEtag } from './conditional.ts';
import { ProblemError } from './problem.ts';

interface Versioned {
  id: string;
  version: number;
}

export function versionedItem<Item extends Versioned>(thing: string, isId: (value: string) => boolean) {
  const notFound = (id: string) => new ProblemError(404, `There is no ${thing} with id ${id}.`);

  /**
   * The id in the path. Anything that is not an id of this resource (a UUID
   * in canonical lowercase form) names nothing: a 404 like any missing item
   * (not echoed: it may be anything).
   */
  const pathId = (id: string): string => {
    if (!isId(id)) throw new ProblemError(404, `There is no ${thing} with this id.`);
    return id;
  };

  /** 412 for a write whose If-Match named another version than `current`'s. */
  const stale = (current: Item) =>
    new ProblemError(
      412,
      `The ${thing} is at version ${current.version}, not the one If-Match names: nothing was changed. Read it again, then retry.`,
      { headers: { ETag: versionEtag(current) }, extensions: { currentVersion: current.version } },
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
  const landedEarlier = (current: Item, patch: object, versions: number[]) =>
    versions.includes(current.version - 1) &&
    Object.entries(patch).every(([name, value]) => value === undefined || value === current[name as keyof Item]);

  /**
   * A PATCH, conditional on If-Match when the header names versions: `write`
   * runs the patch at `versions` (undefined: any version), `unconditional`
   * (when the resource has a plainer statement for it) without a condition.
   * Retried when the database hiccups: setting absolute values twice leaves
   * the same values; a conditional retry whose first attempt landed meets a
   * 412, recognised by landedEarlier. (Without If-Match, a retry whose first
   * attempt did land adds 1 to the version again, and may undo a change
   * another client made in between: docs/api.md, "Versions and conditional requests".)
   */
  async function patch(
    db: Database,
    {
      id,
      patch: values,
      ifMatch,
      write,
      unconditional,
    }: {
      id: string;
      patch: object;
      ifMatch: string | undefined;
      write: (tx: Drizzle, versions: number[] | undefined) => Promise<Conditional<Item>>;
      unconditional?: (tx: Drizzle) => Promise<Item | undefined>;
    },
  ): Promise<Item> {
    const versions = ifMatchVersions(ifMatch, id);
    const conditionOn = versions === '*' ? undefined : versions;
    if (conditionOn === undefined && unconditional) {
      const item = await db.query(unconditional, { idempotent: true });
      if (!item) throw notFound(id);
      return item;
    }
    let attempts = 0;
    const result = await db.query(
      (tx) => {
        attempts++;
        return write(tx, conditionOn);
      },
      { idempotent: true },
    );
    if (result.outcome === 'missing') throw notFound(id);
    if (result.outcome === 'stale') {
      if (conditionOn && attempts > 1 && landedEarlier(result.current, values, conditionOn)) return result.current;
      throw stale(result.current);
    }
    return result.result;
  }

  /** A DELETE, conditional on If-Match when the header names versions; not retried: a repeat of one that landed would answer 404. */
  async function remove(
    db: Database,
    {
      id,
      ifMatch,
      write,
    }: {
      id: string;
      ifMatch: string | undefined;
      write: (tx: Drizzle, versions: number[] | undefined) => Promise<Conditional<Item, true>>;
    },
  ): Promise<void> {
    const versions = ifMatchVersions(ifMatch, id);
    const result = await db.query((tx) => write(tx, versions === '*' ? undefined : versions), {
      idempotent: false,
    });
    if (result.outcome === 'missing') throw notFound(id);
    if (result.outcome === 'stale') throw stale(result.current);
  }

  return { notFound, pathId, stale, patch, remove };
}
