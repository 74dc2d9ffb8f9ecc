import { describe, expect, it } from 'vitest';
import { decodeCursor, encodeCursor } from '../../../src/lib/cursor.ts';
import { encodeBase64url } from '../../../src/lib/base64url.ts';
import { NIL_UUID } from '../../../src/lib/uuid.ts';
import { decodeFeedToken, encodeFeedToken, FEED_START, laterPosition } from '../../../src/todos/feed-token.ts';
import { TODO_ID } from '../../../src/todos/fields.ts';

const TAG = '0123456789abcdef';
const ID = '0192e4a4-7b0c-7d3e-9a41-5f1c2b3d4e5f';
const AT = '2026-11-25T10:00:00.000000Z';

describe('feed tokens with UUID ids', () => {
  it('carry a UUID position there and back', () => {
    const issued = new Date('2026-12-01T00:00:00Z');
    expect(decodeFeedToken(encodeFeedToken({ xid: '42', id: ID }, TAG, issued), TAG)).toEqual({
      ok: true,
      position: { xid: '42', id: ID },
      issuedAt: issued,
    });
    expect(FEED_START).toEqual({ xid: '0', id: NIL_UUID });
  });

  it('tell a token of the integer ids (format 1) from one that is not ours', () => {
    const old = encodeBase64url(JSON.stringify([1, TAG, '42', 7, 1_700_000_000]));
    expect(decodeFeedToken(old, TAG)).toEqual({ ok: false, reason: 'ids changed' });
    expect(decodeFeedToken(old, 'fedcba9876543210')).toEqual({ ok: false, reason: 'ids changed' });
    for (const id of [7, ID.toUpperCase(), `${ID} `, 'x'])
      expect(decodeFeedToken(encodeBase64url(JSON.stringify([2, TAG, '42', id, 1])), TAG)).toEqual({
        ok: false,
        reason: 'malformed',
      });
  });

  it('order positions of one transaction by id as Postgres orders uuid, byte by byte', () => {
    const low = { xid: '5', id: '0192e4a4-7b0c-7d3e-9a41-5f1c2b3d4e5f' };
    const high = { xid: '5', id: 'a192e4a4-7b0c-7d3e-9a41-5f1c2b3d4e5f' };
    expect(laterPosition(low, high)).toBe(high);
    expect(laterPosition(high, low)).toBe(high);
    expect(laterPosition({ xid: '6', id: NIL_UUID }, high)).toEqual({ xid: '6', id: NIL_UUID });
  });
});

describe('list cursors with UUID ids', () => {
  it('carry a UUID there and back', () => {
    expect(decodeCursor(encodeCursor({ createdAt: AT, id: ID }), (id) => TODO_ID.is(id))).toEqual({
      createdAt: AT,
      id: ID,
    });
  });

  it('refuse a cursor of the integer ids, and any id not a canonical UUID', () => {
    for (const id of [42, ID.toUpperCase(), '42', null])
      expect(decodeCursor(encodeBase64url(JSON.stringify([AT, id])), (value) => TODO_ID.is(value))).toBeUndefined();
  });
});
