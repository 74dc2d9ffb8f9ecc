import { describe, expect, it } from 'vitest';
import { importerOf, rowIdSpace } from '../../../dev/import/row-ids.ts';
import { chosenIdProblem } from '../../../src/lib/uuid.ts';

const FILE = 'a'.repeat(64);
const jwt = (claims: object) =>
  ['{"alg":"RS256"}', JSON.stringify(claims), 'signature'].map((p) => Buffer.from(p).toString('base64url')).join('.');

describe("the import's row ids", () => {
  it('are UUIDs the API accepts from a client, increasing in file order, the same on every run', () => {
    const rowId = rowIdSpace('token\nsecret', FILE);
    const ids = [0, 1, 2, 255, 256, 65_535, 100_000, 0xffffffff].map(rowId);
    for (const id of ids) expect(chosenIdProblem(id)).toBeUndefined();
    expect([...ids].sort()).toEqual(ids);
    expect(new Set(ids).size).toBe(ids.length);
    expect(rowIdSpace('token\nsecret', FILE)(256)).toBe(ids[4]);
    expect(rowId(7).slice(-8)).toBe('00000007');
  });

  it('differ between importers and between files', () => {
    const first = rowIdSpace('token\nsecret', FILE)(0);
    expect(rowIdSpace('token\nother', FILE)(0).slice(0, 23)).not.toBe(first.slice(0, 23));
    expect(rowIdSpace('token\nsecret', 'b'.repeat(64))(0).slice(0, 23)).not.toBe(first.slice(0, 23));
  });

  it('refuse a row index outside 32 bits', () => {
    expect(() => rowIdSpace('x', FILE)(2 ** 32)).toThrow(RangeError);
    expect(() => rowIdSpace('x', FILE)(-1)).toThrow(RangeError);
  });
});

describe('who imports', () => {
  it("is a JWT's issuer and subject, whatever else the token holds, so a fresh token gives the same ids", () => {
    const a = jwt({ iss: 'https://id.example', sub: 'alice', exp: 1 });
    const b = jwt({ iss: 'https://id.example', sub: 'alice', exp: 2, aud: 'x' });
    expect(importerOf(a)).toBe(importerOf(b));
    expect(importerOf(jwt({ iss: 'https://id.example', sub: 'bob' }))).not.toBe(importerOf(a));
  });

  it('is the token itself for any other token, and one name for anonymous access', () => {
    expect(importerOf('static-token-0123456789abcdef0123')).toBe('token\nstatic-token-0123456789abcdef0123');
    expect(importerOf('a.b.c')).toBe('token\na.b.c');
    expect(importerOf(undefined)).toBe('anonymous');
  });
});
