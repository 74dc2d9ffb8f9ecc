import { entityTags } from '../lib/conditional.ts';
import type { TodoId } from './fields.ts';

/** A todo's strong entity tag: its id and version, so it changes with every PATCH and never repeats for another todo. */
export const todoEtag = ({ id, version }: { id: TodoId; version: number }) => `"${id}-${version}"`;

/**
 * What an `If-Match` header on todo `id` asks for: undefined (absent) or `'*'`
 * (any current version) make the change unconditional; otherwise the versions
 * it names. A weak tag, another todo's tag or a malformed one names none (If-Match
 * compares strongly), so it can only fail with 412 (or 404 for a missing todo).
 */
export function ifMatchVersions(header: string | undefined, id: TodoId): '*' | number[] | undefined {
  const tags = entityTags(header);
  if (tags === undefined || tags === '*') return tags;
  const versions: number[] = [];
  for (const { weak, tag } of tags) {
    // The id is the text before the last `-` (an id may hold `-` itself), compared as todoEtag writes it.
    const match = /^"(.{1,100})-(\d{1,10})"$/.exec(tag);
    if (!weak && match && match[1] === String(id) && Number(match[2]) <= 2147483647) versions.push(Number(match[2]));
  }
  return versions;
}
