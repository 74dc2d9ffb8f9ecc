/**
 * Resource ids: UUIDs (RFC 9562) in canonical form, lowercase, as JSON strings.
 * The server makes version 7 ones (time-ordered, so a primary-key index grows
 * at its end: the database's app_uuidv7, migrations/0010); a client may choose
 * its own, version 4 or 7, so that it can refer to a record before the server
 * has seen it.
 */

/** Canonical and lowercase: 8-4-4-4-12 hex digits. */
const CANONICAL = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
/** Version 4 or 7 (the 13th digit), RFC 9562 variant (the 17th digit is 8, 9, a or b). */
const CHOOSABLE = /^[0-9a-f]{8}-[0-9a-f]{4}-[47][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

/** The id before every other, in the order Postgres sorts uuid (byte-wise): where a scan of ids starts. */
export const NIL_UUID = '00000000-0000-0000-0000-000000000000';

/** Whether `value` is a UUID in canonical lowercase form, of any version (an id the server may have made or stored). */
export const isCanonicalUuid = (value: unknown): value is string => typeof value === 'string' && CANONICAL.test(value);

/**
 * Why `value` cannot be an id a client chooses, or undefined when it can: a
 * canonical lowercase UUID of version 4 or 7 with the RFC 9562 variant. The
 * nil and max UUIDs fail the version rule already.
 */
export function chosenIdProblem(value: string): string | undefined {
  if (!CANONICAL.test(value)) return 'must be a UUID in canonical lowercase form (8-4-4-4-12 hex digits)';
  if (!CHOOSABLE.test(value)) return 'must be a version 4 or 7 UUID (RFC 9562 variant)';
  return undefined;
}

/** What the OpenAPI document says of an id. */
export const UUID_EXAMPLE = '0192e4a4-7b0c-7d3e-9a41-5f1c2b3d4e5f';
