import { describe, expect, it } from 'vitest';
import { validTraceparent } from '../../../src/lib/traceparent.ts';

const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';
const PARENT_ID = '00f067aa0ba902b7';
const VALID = `00-${TRACE_ID}-${PARENT_ID}-01`;

describe('validTraceparent (W3C Trace Context)', () => {
  it('accepts version 00 as sent, sampled or not', () => {
    expect(validTraceparent(VALID)).toBe(VALID);
    expect(validTraceparent(`00-${TRACE_ID}-${PARENT_ID}-00`)).toBe(`00-${TRACE_ID}-${PARENT_ID}-00`);
  });

  it('reads a later version by its first four fields, passed on as version 00', () => {
    expect(validTraceparent(`01-${TRACE_ID}-${PARENT_ID}-01`)).toBe(VALID);
    expect(validTraceparent(`cc-${TRACE_ID}-${PARENT_ID}-01-what-the-future-adds`)).toBe(VALID);
  });

  it.each([
    ['uppercase hex', `00-${TRACE_ID.toUpperCase()}-${PARENT_ID}-01`],
    ['version ff', `ff-${TRACE_ID}-${PARENT_ID}-01`],
    ['an all-zero trace id', `00-${'0'.repeat(32)}-${PARENT_ID}-01`],
    ['an all-zero parent id', `00-${TRACE_ID}-${'0'.repeat(16)}-01`],
    ['version 00 with more after the flags', `${VALID}-extra`],
    ['a later version run on without a dash', `01-${TRACE_ID}-${PARENT_ID}-01x`],
    ['a short trace id', `00-${TRACE_ID.slice(1)}-${PARENT_ID}-01`],
    ['a long parent id', `00-${TRACE_ID}-${PARENT_ID}0-01`],
    ['one-digit flags', `00-${TRACE_ID}-${PARENT_ID}-1`],
    ['non-hex characters', `00-${TRACE_ID.slice(0, 31)}g-${PARENT_ID}-01`],
    ['two headers joined', `${VALID}, ${VALID}`],
    ['surrounding text', ` ${VALID}`],
    ['a line break', `${VALID}\n`],
    ['an empty value', ''],
  ])('ignores %s', (_name, header) => {
    expect(validTraceparent(header)).toBeUndefined();
  });
});
