import { describe, expect, it } from 'vitest';
import { chosenIdProblem, isCanonicalUuid, NIL_UUID } from '../../../src/lib/uuid.ts';

describe('ids a client may choose', () => {
  it.each([
    ['a version 4 UUID', '9b2f4c1e-3a5d-4e6f-8a7b-0c1d2e3f4a5b'],
    ['a version 7 UUID', '0192e4a4-7b0c-7d3e-9a41-5f1c2b3d4e5f'],
    ['the variant digit b', '0192e4a4-7b0c-7d3e-bfff-5f1c2b3d4e5f'],
  ])('accepts %s', (_, id) => {
    expect(chosenIdProblem(id)).toBeUndefined();
  });

  it.each([
    ['uppercase', '9B2F4C1E-3A5D-4E6F-8A7B-0C1D2E3F4A5B', /canonical lowercase/],
    ['braces', '{9b2f4c1e-3a5d-4e6f-8a7b-0c1d2e3f4a5b}', /canonical lowercase/],
    ['no hyphens', '9b2f4c1e3a5d4e6f8a7b0c1d2e3f4a5b', /canonical lowercase/],
    ['a URN', 'urn:uuid:9b2f4c1e-3a5d-4e6f-8a7b-0c1d2e3f4a5b', /canonical lowercase/],
    ['an integer', '42', /canonical lowercase/],
    ['the nil UUID', NIL_UUID, /version 4 or 7/],
    ['the max UUID', 'ffffffff-ffff-ffff-ffff-ffffffffffff', /version 4 or 7/],
    ['version 1', '9b2f4c1e-3a5d-1e6f-8a7b-0c1d2e3f4a5b', /version 4 or 7/],
    ['version 8', '9b2f4c1e-3a5d-8e6f-8a7b-0c1d2e3f4a5b', /version 4 or 7/],
    ['the NCS variant', '9b2f4c1e-3a5d-4e6f-0a7b-0c1d2e3f4a5b', /version 4 or 7/],
    ['the Microsoft variant', '9b2f4c1e-3a5d-4e6f-ca7b-0c1d2e3f4a5b', /version 4 or 7/],
    ['a trailing newline', '9b2f4c1e-3a5d-4e6f-8a7b-0c1d2e3f4a5b\n', /canonical lowercase/],
  ])('refuses %s', (_, id, problem) => {
    expect(chosenIdProblem(id)).toMatch(problem);
  });

  it('tells a canonical UUID of any version from anything else', () => {
    expect(isCanonicalUuid(NIL_UUID)).toBe(true);
    expect(isCanonicalUuid('9B2F4C1E-3A5D-4E6F-8A7B-0C1D2E3F4A5B')).toBe(false);
    expect(isCanonicalUuid(42)).toBe(false);
  });
});
