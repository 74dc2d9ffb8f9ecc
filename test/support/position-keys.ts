import fc from 'fast-check';
import { BASE_62_DIGITS, generateKeyBetween } from 'fractional-indexing';

/** The heads of a key's integer part, in order: 'A'..'Z' the longest to the shortest negative integers, then 'a'..'z'. */
export const HEADS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

/** The smallest integer, which the library refuses as a key. */
export const SMALLEST_INTEGER = 'A' + '0'.repeat(26);

/** The longest key this project stores (app_key_valid). */
export const MAX_KEY_LENGTH = 128;

/** The length of the integer part that `head` announces (the library's getIntegerLength for its default heads). */
export const integerLength = (head: string): number => {
  const i = HEADS.indexOf(head);
  return i < 26 ? 27 - i : i - 24;
};

/** Whether the library accepts `key` (its validateOrderKey runs first in generateKeyBetween). */
export function libraryAccepts(key: string): boolean {
  try {
    generateKeyBetween(key, null);
    return true;
  } catch {
    return false;
  }
}

/** The project's rule for a key: what the library accepts, only base-62 digits, at most 128 characters. */
export const projectAccepts = (key: string): boolean =>
  key.length <= MAX_KEY_LENGTH && /^[0-9A-Za-z]+$/.test(key) && libraryAccepts(key);

// The digits at the ends of the alphabet are weighted up: they make the carries and borrows.
const digit = fc.oneof(fc.constantFrom('0', '1', 'y', 'z'), fc.constantFrom(...BASE_62_DIGITS));
const digits = (constraints: fc.ArrayConstraints) => fc.array(digit, constraints).map((d) => d.join(''));

/** Valid keys of every shape: short and long integer parts, fractions up to the length cap. */
export const validKey: fc.Arbitrary<string> = fc
  .tuple(
    fc.oneof({ weight: 3, arbitrary: fc.constantFrom('a', 'b', 'Z', 'Y') }, fc.constantFrom(...HEADS)),
    digits({ minLength: 26, maxLength: 26 }),
    fc.oneof({ weight: 3, arbitrary: digits({ maxLength: 8 }) }, digits({ maxLength: 100 })),
  )
  .map(([head, integer, fraction]) => head + integer.slice(0, integerLength(head) - 1) + fraction.replace(/0+$/, ''))
  .filter(projectAccepts);

/** Two different valid keys, the lower first: unrelated, one extending the other, or brought close by the library. */
export const orderedPair: fc.Arbitrary<[string, string]> = fc
  .oneof(
    fc.tuple(validKey, validKey),
    fc.tuple(validKey, digits({ minLength: 1, maxLength: 12 })).map(([a, more]) => [a, (a + more).replace(/0+$/, '')]),
    fc.tuple(validKey, validKey, fc.nat({ max: 60 })).map(([a, b, steps]) => {
      // Repeated placement just after the lower key: long common prefixes, as a busy spot makes.
      const [low, high] = a < b ? [a, b] : [b, a];
      let near = high;
      for (let i = 0; i < steps && low !== high; i++) {
        const next = generateKeyBetween(low, near);
        if (next.length > MAX_KEY_LENGTH) break;
        near = next;
      }
      return [low, near];
    }),
  )
  .filter(([a, b]) => a !== b && projectAccepts(a) && projectAccepts(b))
  .map(([a, b]) => (a < b ? [a, b] : [b, a]));

/** A placement's neighbours: two keys in order, or an open end on either side or both. */
export const neighbours: fc.Arbitrary<[string | null, string | null]> = fc.oneof(
  { weight: 4, arbitrary: orderedPair },
  fc.tuple(validKey, fc.constant(null)),
  fc.tuple(fc.constant(null), validKey),
  fc.constant<[null, null]>([null, null]),
);
