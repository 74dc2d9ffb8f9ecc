/**
 * Conditional requests (RFC 9110 §13): entity tags as headers carry them.
 * Nothing here knows a resource; a resource says how its tags are made.
 */

/** One entity tag of a header: its opaque value (with quotes) and whether it was weak (`W/`). */
export interface EntityTag {
  weak: boolean;
  tag: string;
}

const ENTITY_TAG = /^(W\/)?("[\x21\x23-\x7e\x80-\xff]*")$/;

/**
 * The tags of an `If-Match` or `If-None-Match` header: `'*'`, or the list of
 * well-formed tags (malformed members are dropped: they match nothing), or
 * undefined when the header is absent.
 */
export function entityTags(header: string | undefined): '*' | EntityTag[] | undefined {
  if (header === undefined) return undefined;
  if (header.trim() === '*') return '*';
  const tags: EntityTag[] = [];
  for (const member of header.split(',')) {
    const match = ENTITY_TAG.exec(member.trim());
    if (match) tags.push({ weak: match[1] !== undefined, tag: match[2]! });
  }
  return tags;
}

/**
 * Whether `If-None-Match` matches the current strong `etag` (weak comparison,
 * RFC 9110 §8.8.3.2): a GET then answers 304.
 */
export function noneMatchHits(header: string | undefined, etag: string): boolean {
  const tags = entityTags(header);
  if (tags === undefined) return false;
  return tags === '*' || tags.some(({ tag }) => tag === etag);
}

/** The headers of a representation that a client must revalidate before reusing (it has an ETag). */
export const revalidate = (etag: string) => ({ ETag: etag, 'Cache-Control': 'private, no-cache' });

/** A versioned resource's strong entity tag: its id and version, so it changes with every write and never repeats for another item. */
export const versionEtag = ({ id, version }: { id: string; version: number }) => `"${id}-${version}"`;

/**
 * What an `If-Match` header on item `id` asks for: undefined (absent) or `'*'`
 * (any current version) make the change unconditional; otherwise the versions
 * it names. A weak tag, another item's tag or a malformed one names none (If-Match
 * compares strongly), so it can only fail with 412 (or 404 for a missing item).
 */
export function ifMatchVersions(header: string | undefined, id: string): '*' | number[] | undefined {
  const tags = entityTags(header);
  if (tags === undefined || tags === '*') return tags;
  const versions: number[] = [];
  for (const { weak, tag } of tags) {
    // The id is the text before the last `-` (an id may hold `-` itself), compared as versionEtag writes it.
    const match = /^"(.{1,100})-(\d{1,10})"$/.exec(tag);
    if (!weak && match && match[1] === id && Number(match[2]) <= 2147483647) versions.push(Number(match[2]));
  }
  return versions;
}
