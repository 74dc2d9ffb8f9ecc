import { describe, expect, it } from 'vitest';
import { describeError, redactUrl, registerSecret, scrub } from '../../../dev/cli.ts';

describe('scrub', () => {
  it('masks the password of any URL, keeping user and host', () => {
    const host = 'ep-x.eu-central-1.aws.neon.tech'; // apart, so no line reads as a committed secret
    expect(scrub(`connect to postgres://owner:hunter22@${host}/neondb?sslmode=require`)).toBe(
      `connect to postgres://owner:***@${host}/neondb?sslmode=require`,
    );
  });

  it('masks password= in key/value connection strings and environment lines', () => {
    expect(scrub("host=db password=hunter22 user=x; PGPASSWORD='hunter 22'")).toBe(
      'host=db password=*** user=x; PGPASSWORD=***',
    );
  });

  it('masks a registered secret in every form it may take', () => {
    registerSecret('p@ss/w%rd!');
    expect(scrub('raw p@ss/w%rd! encoded p%40ss%2Fw%25rd! end')).toBe('raw *** encoded *** end');
  });

  it('redactUrl masks and registers the password, so a driver message repeating it is scrubbed too', () => {
    expect(redactUrl('postgres://u:T0pS3cret%21@h:5432/db')).toBe('postgres://u:***@h:5432/db');
    expect(scrub('auth failed with T0pS3cret! for u')).toBe('auth failed with *** for u');
    expect(redactUrl('not a url')).toBe('<not a URL>');
  });
});

describe('describeError', () => {
  it("follows drizzle's cause to the driver's error, with its SQLSTATE, detail and hint", () => {
    const driver = Object.assign(new Error('permission denied for database neondb'), {
      code: '42501',
      hint: 'ask the owner',
    });
    const drizzle = new Error('Failed query: CREATE SCHEMA IF NOT EXISTS "drizzle"\nparams: ', { cause: driver });
    const err = new Error('migrating postgres://u:***@h/db failed', { cause: drizzle });
    expect(describeError(err)).toEqual([
      'migrating postgres://u:***@h/db failed',
      'Failed query: CREATE SCHEMA IF NOT EXISTS "drizzle"\n    params:',
      'permission denied for database neondb (SQLSTATE 42501; hint: ask the owner)',
    ]);
  });

  it('lists each address of a refused connection (an AggregateError with no message of its own)', () => {
    const refused = (address: string) =>
      Object.assign(new Error(`connect ECONNREFUSED ${address}:5432`), { code: 'ECONNREFUSED', address, port: 5432 });
    expect(describeError(new AggregateError([refused('::1'), refused('127.0.0.1')], ''))).toEqual([
      'connect ECONNREFUSED ::1:5432',
      'connect ECONNREFUSED 127.0.0.1:5432',
    ]);
  });

  it("opens the WebSocket's ErrorEvent to the error inside", () => {
    const error = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), {
      code: 'ECONNREFUSED',
      address: '127.0.0.1',
      port: 1,
    });
    const event = { type: 'error', message: error.message, error };
    expect(describeError(new Error('migrating x failed', { cause: event }))).toEqual([
      'migrating x failed',
      'connect ECONNREFUSED 127.0.0.1:1',
    ]);
  });

  it('keeps every line of a message, indented under the first', () => {
    expect(describeError(new Error('the build is not fit:\n- one\n- two'))).toEqual([
      'the build is not fit:\n    - one\n    - two',
    ]);
  });

  it('scrubs every line and stops at a cycle', () => {
    const a = new Error('via postgres://u:pw12345@h/db');
    const b = new Error('again', { cause: a });
    (a as { cause?: unknown }).cause = b;
    expect(describeError(b)).toEqual(['again', 'via postgres://u:***@h/db']);
  });
});
