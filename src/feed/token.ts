/**
 * A change feed's `since` / `next` tokens: opaque to clients (base64url
 * JSON), they carry a position in the feed, the feed they belong to, the
 * owner they were issued to (as a hash: row-level security does the
 * enforcing, this only tells a mixed-up token from a view into nobody's
 * changes) and when they were issued.
 */
import { decodeBase64url, encodeBase64url } from '../lib/base64url.ts';
import { sha256Hex } from '../lib/sha256.ts';
import { isCanonicalUuid, NIL_UUID } from '../lib/uuid.ts';
import type { Feed } from './source.ts';

/**
 * A place in the feed: every change at or before (xid, kind, id) has been
 * handed out, changes ordered by the transaction that made them (xid, a
 * Postgres xid8 in decimal), then by kind (in the feed's order), then by id.
 * (xid, first kind, nil UUID) means "everything written by transactions below xid".
 */
export interface FeedPosition {
  xid: string;
  kind: string;
  id: string;
}

/** 2 since ids are UUIDs. A token of format 1 holds an int4 todo id of before migration 0010: every id has changed since. */
const FORMAT = 2;
const FORMAT_OF_INT_IDS = 1;

/** The position before every change of transaction `xid`. */
export const startOfXid = (feed: Feed, xid: string): FeedPosition => ({
  xid,
  kind: feed.sources[0]!.kind,
  id: NIL_UUID,
});

/** Where a first pass starts: before every change (existing rows stand at xid 1). */
export const feedStart = (feed: Feed): FeedPosition => startOfXid(feed, '0');

/** A kind's place in the feed's order of kinds (-1: not one of its kinds). */
export const rankOf = (feed: Feed, kind: string) => feed.sources.findIndex((source) => source.kind === kind);

/**
 * What a token carries of its owner: 64 bits of the owner's SHA-256, enough to
 * tell owners apart by accident and saying nothing of who they are. Computed
 * once per request, for reading `since` and writing `next`.
 */
export const feedOwnerTag = async (owner: string) => (await sha256Hex(`feed:${owner}`)).slice(0, 16);

/** A feed without a marker (the todos feed) writes the layout its tokens always had: no marker, its one kind implied. */
export function encodeFeedToken(feed: Feed, position: FeedPosition, ownerTag: string, issuedAt: Date): string {
  const issued = Math.floor(issuedAt.getTime() / 1000);
  const fields: unknown[] = [FORMAT, ownerTag, position.xid, position.id, issued];
  if (feed.marker !== null) fields.push(feed.marker, position.kind);
  return encodeBase64url(JSON.stringify(fields));
}

export type DecodedFeedToken =
  | { ok: true; position: FeedPosition; issuedAt: Date }
  /**
   * `another feed`: a token of another change feed (each takes only its own: their positions differ).
   * `ids changed`: issued before todo ids became UUIDs; the client's copy names ids that no longer exist.
   */
  | { ok: false; reason: 'malformed' | 'another owner' | 'another feed' | 'ids changed' };

/** xid8 is unsigned 64-bit; 19 digits keep every accepted value below 2^63 and within Postgres's input. */
const XID = /^(0|[1-9]\d{0,18})$/;
const MARKER = /^[a-z]{1,32}$/;

/** The token inside `value`, or why it is not one `feed` issued to the owner of `ownerTag`. */
export function decodeFeedToken(feed: Feed, value: string, ownerTag: string): DecodedFeedToken {
  let decoded: unknown;
  try {
    decoded = JSON.parse(decodeBase64url(value));
  } catch {
    return { ok: false, reason: 'malformed' };
  }
  if (!Array.isArray(decoded)) return { ok: false, reason: 'malformed' };
  // Tokens of integer ids were the todos feed's, before any other feed existed.
  if (decoded.length === 5 && decoded[0] === FORMAT_OF_INT_IDS)
    return { ok: false, reason: feed.marker === null ? 'ids changed' : 'another feed' };
  const [format, tag, xid, id, issued, ...marked] = decoded as unknown[];
  const [marker, kind] = marked.length === 0 ? [null, feed.sources[0]!.kind] : marked;
  if (
    format !== FORMAT ||
    typeof tag !== 'string' ||
    typeof xid !== 'string' ||
    !XID.test(xid) ||
    !isCanonicalUuid(id) ||
    typeof issued !== 'number' ||
    !Number.isInteger(issued) ||
    issued < 0 ||
    !(marked.length === 0 || (marked.length === 2 && typeof marker === 'string' && MARKER.test(marker))) ||
    typeof kind !== 'string'
  ) {
    return { ok: false, reason: 'malformed' };
  }
  if (marker !== feed.marker) return { ok: false, reason: 'another feed' };
  if (rankOf(feed, kind) < 0) return { ok: false, reason: 'malformed' };
  if (tag !== ownerTag) return { ok: false, reason: 'another owner' };
  return { ok: true, position: { xid, kind, id }, issuedAt: new Date(issued * 1000) };
}

/**
 * The later of two positions of `feed` (xid compared as the 64-bit numbers they are, then the kind's
 * rank, then id: canonical lowercase UUIDs compare as text the way Postgres compares uuid, byte by byte).
 */
export function laterPosition(feed: Feed, a: FeedPosition, b: FeedPosition): FeedPosition {
  const [x, y] = [BigInt(a.xid), BigInt(b.xid)];
  if (x !== y) return x > y ? a : b;
  const [r, s] = [rankOf(feed, a.kind), rankOf(feed, b.kind)];
  if (r !== s) return r > s ? a : b;
  return a.id >= b.id ? a : b;
}
