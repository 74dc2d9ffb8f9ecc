import type { Context } from 'hono';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { logFailure } from '../../../src/lib/log-failure.ts';

const context = { get: (name: string) => (name === 'requestId' ? 'req-1' : undefined) } as unknown as Context;

/** What logFailure wrote, parsed, and the longest text a regular expression replaced in while it ran. */
function logged(err: unknown) {
  const lines: string[] = [];
  vi.spyOn(console, 'error').mockImplementation((line: string) => void lines.push(line));
  const replace = RegExp.prototype[Symbol.replace];
  let longest = 0;
  RegExp.prototype[Symbol.replace] = function (this: RegExp, text: string, replacement: never) {
    longest = Math.max(longest, text.length);
    return replace.call(this, text, replacement);
  };
  try {
    logFailure(context, err);
  } finally {
    RegExp.prototype[Symbol.replace] = replace;
  }
  expect(lines).toHaveLength(1);
  return { entry: JSON.parse(lines[0]!), longest };
}

afterEach(() => vi.restoreAllMocks());

describe('logFailure', () => {
  it('logs the request id, the error name and the first line with URLs scrubbed', () => {
    const err = new TypeError(
      'Error connecting to database: postgres://u:secret@db.example.test/db failed\nat line 2 SELECT 1',
    );
    expect(logged(err).entry).toEqual({
      requestId: 'req-1',
      error: 'TypeError',
      message: 'Error connecting to database: <url> failed',
    });
  });

  // The scrubbing pattern is quadratic on long runs of word characters (80,000 took 4.9 s),
  // so it must only ever see the 200 characters that are kept.
  it('scrubs only the 200 characters it keeps of a huge message', () => {
    const { entry, longest } = logged(new Error('a'.repeat(80_000)));
    expect(entry.message).toBe('a'.repeat(200));
    expect(longest).toBeLessThanOrEqual(200);
  });

  it('logs the cause of a wrapped query failure, never the SQL of the wrapper', () => {
    const driver = Object.assign(new Error('relation "todos" does not exist'), { name: 'NeonDbError' });
    const wrapped = new Error('Failed query: select "id", "text" from "todos" where "id" = $1\nparams: 42', {
      cause: driver,
    });
    expect(logged(wrapped).entry).toEqual({
      requestId: 'req-1',
      error: 'NeonDbError',
      message: 'relation "todos" does not exist',
    });
  });

  it('still scrubs a URL that the cut leaves unfinished', () => {
    const { entry } = logged(new Error(`${'x'.repeat(180)} postgres://user:password@host/db`));
    expect(entry.message).toBe(`${'x'.repeat(180)} <url>`);
    expect(entry.message).not.toMatch(/pass/);
  });
});
