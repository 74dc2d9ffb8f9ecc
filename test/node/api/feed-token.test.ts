import { describe, expect, it } from 'vitest';
import { decodeCursor, encodeCursor } from '../../../src/lib/cursor.ts';
import { encodeBase64url } from '../../../src/lib/base64url.ts';
import { NIL_UUID } from '../../../src/lib/uuid.ts';
import { changesFeed } from '../../../src/changes/feed.ts';
import {
  decodeFeedToken,
  encodeFeedToken,
  feedStart,
  laterPosition,
  type FeedPosition,
} from '../../../src/feed/token.ts';
import { todosFeed } from '../../../src/todos/feed.ts';
import { TODO_ID } from '../../../src/todos/fields.ts';

const TAG = '0123456789abcdef';
const ID = '0192e4a4-7b0c-7d3e-9a41-5f1c2b3d4e5f';
const AT = '2026-11-25T10:00:00.000000Z';

describe('feed tokens with UUID ids', () => {
  it('carry a UUID position there and back, in the layout todos feed tokens always had', () => {
    const issued = new Date('2026-12-01T00:00:00Z');
    const token = encodeFeedToken(todosFeed, { xid: '42', kind: 'todo', id: ID }, TAG, issued);
    expect(JSON.parse(Buffer.from(token, 'base64url').toString())).toEqual([2, TAG, '42', ID, 1796083200]);
    expect(decodeFeedToken(todosFeed, token, TAG)).toEqual({
      ok: true,
      position: { xid: '42', kind: 'todo', id: ID },
      issuedAt: issued,
    });
    expect(feedStart(todosFeed)).toEqual({ xid: '0', kind: 'todo', id: NIL_UUID });
  });

  it('tell a token of the integer ids (format 1) from one that is not ours', () => {
    const old = encodeBase64url(JSON.stringify([1, TAG, '42', 7, 1_700_000_000]));
    expect(decodeFeedToken(todosFeed, old, TAG)).toEqual({ ok: false, reason: 'ids changed' });
    expect(decodeFeedToken(todosFeed, old, 'fedcba9876543210')).toEqual({ ok: false, reason: 'ids changed' });
    for (const id of [7, ID.toUpperCase(), `${ID} `, 'x'])
      expect(decodeFeedToken(todosFeed, encodeBase64url(JSON.stringify([2, TAG, '42', id, 1])), TAG)).toEqual({
        ok: false,
        reason: 'malformed',
      });
  });

  it('order positions of one transaction by id as Postgres orders uuid, byte by byte', () => {
    const low = { xid: '5', kind: 'todo', id: '0192e4a4-7b0c-7d3e-9a41-5f1c2b3d4e5f' };
    const high = { xid: '5', kind: 'todo', id: 'a192e4a4-7b0c-7d3e-9a41-5f1c2b3d4e5f' };
    expect(laterPosition(todosFeed, low, high)).toBe(high);
    expect(laterPosition(todosFeed, high, low)).toBe(high);
    const next = { xid: '6', kind: 'todo', id: NIL_UUID };
    expect(laterPosition(todosFeed, next, high)).toEqual(next);
  });
});

describe('tokens of the feed of lists and todos', () => {
  const issued = new Date('2026-12-01T00:00:00Z');

  it('carry the feed and the kind there and back', () => {
    for (const kind of ['list', 'todo']) {
      const position: FeedPosition = { xid: '42', kind, id: ID };
      const token = encodeFeedToken(changesFeed, position, TAG, issued);
      expect(decodeFeedToken(changesFeed, token, TAG)).toEqual({ ok: true, position, issuedAt: issued });
    }
    expect(feedStart(changesFeed)).toEqual({ xid: '0', kind: 'list', id: NIL_UUID });
  });

  it("are another feed's to each other: neither feed takes the other's tokens", () => {
    const ours = encodeFeedToken(changesFeed, { xid: '42', kind: 'todo', id: ID }, TAG, issued);
    const theirs = encodeFeedToken(todosFeed, { xid: '42', kind: 'todo', id: ID }, TAG, issued);
    expect(decodeFeedToken(todosFeed, ours, TAG)).toEqual({ ok: false, reason: 'another feed' });
    expect(decodeFeedToken(changesFeed, theirs, TAG)).toEqual({ ok: false, reason: 'another feed' });
    // Even one from before the UUID ids: it was a token of the todos feed.
    const old = encodeBase64url(JSON.stringify([1, TAG, '42', 7, 1_700_000_000]));
    expect(decodeFeedToken(changesFeed, old, TAG)).toEqual({ ok: false, reason: 'another feed' });
  });

  it('refuse a kind the feed does not carry, and a half-marked token', () => {
    for (const tail of [['changes', 'note'], ['changes', 1], ['changes'], [null, 'todo'], ['Changes!', 'todo']])
      expect(
        decodeFeedToken(changesFeed, encodeBase64url(JSON.stringify([2, TAG, '42', ID, 1, ...tail])), TAG),
        JSON.stringify(tail),
      ).toEqual({ ok: false, reason: 'malformed' });
  });

  it('order one transaction by kind, lists first, then by id', () => {
    const list = { xid: '5', kind: 'list', id: 'f192e4a4-7b0c-7d3e-9a41-5f1c2b3d4e5f' };
    const todo = { xid: '5', kind: 'todo', id: '0192e4a4-7b0c-7d3e-9a41-5f1c2b3d4e5f' };
    expect(laterPosition(changesFeed, list, todo)).toBe(todo);
    expect(laterPosition(changesFeed, todo, list)).toBe(todo);
    expect(laterPosition(changesFeed, { ...list, xid: '6' }, todo)).toEqual({ ...list, xid: '6' });
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
