/**
 * The change feed's `since` / `next` tokens: opaque to clients (base64url
 * JSON), they carry a position in the feed, the owner they were issued to
 * (as a hash: row-level security does the enforcing, this only tells a
 * mixed-up token from a view into nobody's changes) and when they were issued.
 */
import { decodeBase64url, encodeBase64url } from '../lib/base64url.ts';
import { sha256Hex } from '../lib/sha256.ts';
import { TODO_ID, type TodoId } from './fields.ts';

/**
 * A place in the feed: every change at or before (xid, id) has been handed
 * out. xid is a Postgres xid8 in decimal; (horizon, nil UUID) means "everything
 * written by transactions below the horizon".
 */
export interface FeedPosition {
  xid: string;
  id: TodoId;
}

/** Where a first pass starts: before every change (existing rows stand at xid 1). */
export const FEED_START: FeedPosition = { xid: '0', id: TODO_ID.start };

/** 2 since ids are UUIDs. A token of format 1 holds an int4 id of before migration 0010: every id has changed since. */
const FORMAT = 2;
const FORMAT_OF_INT_IDS = 1;

/** The position before every change of transaction `xid`. */
export const startOfXid = (xid: string): FeedPosition => ({ xid, id: TODO_ID.start });
/**
 * What a token carries of its owner: 64 bits of the owner's SHA-256, enough to
 * tell owners apart by accident and saying nothing of who they are. Computed
 * once per request, for reading `since` and writing `next`.
 */
export const feedOwnerTag = async (owner: string) => (await sha256Hex(`feed:${owner}`)).slice(0, 16);

export function encodeFeedToken(position: FeedPosition, ownerTag: string, issuedAt: Date): string {
  const issued = Math.floor(issuedAt.getTime() / 1000);
  return encodeBase64url(JSON.stringify([FORMAT, ownerTag, position.xid, position.id, issued]));
}

export type DecodedFeedToken =
  | { ok: true; position: FeedPosition; issuedAt: Date }
  /** `ids changed`: issued before todo ids became UUIDs; the client's copy names ids that no longer exist. */
  | { ok: false; reason: 'malformed' | 'another owner' | 'ids changed' };

/** xid8 is unsigned 64-bit; 19 digits keep every accepted value below 2^63 and within Postgres's input. */
const XID = /^(0|[1-9]\d{0,18})$/;

/** The token inside `value`, or why it is not one issued to the owner of `ownerTag`. */
export function decodeFeedToken(value: string, ownerTag: string): DecodedFeedToken {
  let decoded: unknown;
  try {
    decoded = JSON.parse(decodeBase64url(value));
  } catch {
    return { ok: false, reason: 'malformed' };
  }
  if (!Array.isArray(decoded) || decoded.length !== 5) return { ok: false, reason: 'malformed' };
  const [format, tag, xid, id, issued] = decoded as unknown[];
  if (format === FORMAT_OF_INT_IDS) return { ok: false, reason: 'ids changed' };
  if (
    format !== FORMAT ||
    typeof tag !== 'string' ||
    typeof xid !== 'string' ||
    !XID.test(xid) ||
    !TODO_ID.is(id, true) ||
    typeof issued !== 'number' ||
    !Number.isInteger(issued) ||
    issued < 0
  ) {
    return { ok: false, reason: 'malformed' };
  }
  if (tag !== ownerTag) return { ok: false, reason: 'another owner' };
  return { ok: true, position: { xid, id }, issuedAt: new Date(issued * 1000) };
}

/**
 * The later of two positions (xid compared as the 64-bit numbers they are, then
 * id: canonical lowercase UUIDs compare as text the way Postgres compares uuid, byte by byte).
 */
export function laterPosition(a: FeedPosition, b: FeedPosition): FeedPosition {
  const [x, y] = [BigInt(a.xid), BigInt(b.xid)];
  if (x !== y) return x > y ? a : b;
  return a.id >= b.id ? a : b;
}
