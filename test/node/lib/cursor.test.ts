import { describe, expect, it } from 'vitest';
import { encodeBase64url } from '../../../src/lib/base64url.ts';
import { cursorOrder, decodeCursor, encodeCursor, type Cursor } from '../../../src/lib/cursor.ts';
import { isCanonicalUuid } from '../../../src/lib/uuid.ts';

const ID = '0192e4a4-7b0c-7d3e-9a41-5f1c2b3d4e5f';
const PARENT = 'a192e4a4-7b0c-7d3e-9a41-5f1c2b3d4e5f';
const decode = (value: string) => decodeCursor(value, isCanonicalUuid);
const raw = (parts: unknown) => encodeBase64url(JSON.stringify(parts));

describe('list cursors of each order', () => {
  it.each<[string, Cursor<string>]>([
    ['created', { createdAt: '2026-11-25T10:00:00.000000Z', id: ID }],
    ['position', { position: 'Zz', id: ID }],
    ['grouped', { group: PARENT, position: 'a0V', id: ID }],
  ])('carry a %s cursor there and back, and say its order', (order, cursor) => {
    const decoded = decode(encodeCursor(cursor))!;
    expect(decoded).toEqual(cursor);
    expect(cursorOrder(decoded)).toBe(order);
  });

  it('keep the newest-first cursor as it was issued before the manual orders', () => {
    expect(encodeCursor({ createdAt: '2026-11-25T10:00:00.000000Z', id: ID })).toBe(
      raw(['2026-11-25T10:00:00.000000Z', ID]),
    );
  });

  it.each([
    ['a key with a space', ['p', 'a 0', ID]],
    ['a key of another alphabet', ['p', 'añ', ID]],
    ['a key too long', ['p', `a${'1'.repeat(128)}`, ID]],
    ['a key that is a number', ['p', 5, ID]],
    ['an empty key', ['p', '', ID]],
    ['an id not canonical', ['p', 'a0', ID.toUpperCase()]],
    ['a grouped cursor without its group', ['g', 'a0', ID]],
    ['a group not canonical', ['g', 'x', 'a0', ID]],
    ['an unknown order', ['q', 'a0', ID]],
    ['a position cursor with a fourth part', ['p', 'a0', ID, ID]],
    ['an object', { position: 'a0', id: ID }],
  ])('refuse %s', (_, parts) => {
    expect(decode(raw(parts))).toBeUndefined();
  });
});
