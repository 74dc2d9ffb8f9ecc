import { describe, expect, it } from 'vitest';
import { indexOfSecret, secretsEqual } from '../../../src/auth/secrets.ts';

// Timing is not asserted here (a timed assertion fails on a busy machine and proves little):
// secretsEqual compares SHA-256 digests byte by byte without an early exit, so where two
// tokens first differ, and their lengths, do not decide how much work it does.
describe('secretsEqual', () => {
  const secret = `tok_${'s'.repeat(60)}`;
  it.each([
    ['the same token', secret, true],
    ['all but the last character', `${secret.slice(0, -1)}x`, false],
    ['nothing in common', 'x'.repeat(secret.length), false],
    ['a prefix of it', secret.slice(0, 10), false],
    ['it plus one character', `${secret}s`, false],
    ['the empty string', '', false],
  ])('%s -> %s', async (_, presented, equal) => {
    expect(await secretsEqual(presented, secret)).toBe(equal);
  });
});

describe('indexOfSecret', () => {
  it('finds the one that matches, wherever it is, and -1 for none', async () => {
    expect(await indexOfSecret('b', ['a', 'b', 'c'])).toBe(1);
    expect(await indexOfSecret('c', ['a', 'b', 'c'])).toBe(2);
    expect(await indexOfSecret('d', ['a', 'b', 'c'])).toBe(-1);
    expect(await indexOfSecret('', [])).toBe(-1);
    expect(await indexOfSecret('a', ['a'])).toBe(0);
    expect(await indexOfSecret('ab', ['a', 'b'])).toBe(-1);
  });
});
