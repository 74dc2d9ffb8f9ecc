/**
 * What a resource's id is, in one place: its column (the table's key, the
 * tombstones', a reference's), its SQL type, its schema in answers and in the
 * path, and which values read back from a token are ids. Todos and lists both
 * have UUIDs: the server's are version 7 (time-ordered, so the index grows at
 * its end), made by the database for Postgres 15 to 18 (app_uuidv7, migration
 * 0010); a create may choose its own, version 4 or 7 (src/lib/uuid.ts).
 */
import { z } from '@hono/zod-openapi';
import { sql } from 'drizzle-orm';
import { uuid } from 'drizzle-orm/pg-core';
import { chosenIdProblem, isCanonicalUuid, NIL_UUID, UUID_EXAMPLE } from './uuid.ts';

export function resourceId(thing: string) {
  const id = {
    /** The SQL type, for casts. */
    sqlType: 'uuid',
    /** The table's key: a UUID in canonical lowercase form. */
    key: (name: string) =>
      uuid(name)
        .primaryKey()
        .default(sql`app_uuidv7()`),
    /** A column holding an id (a tombstone's, a reference's). */
    column: (name: string) => uuid(name),
    schema: () => z.string().openapi({ format: 'uuid', example: UUID_EXAMPLE }),
    example: UUID_EXAMPLE,
    /** `{id}` in a path, as it comes: one that is not an id names nothing, and the handler answers 404 for it. */
    param: z.string().openapi({
      param: { name: 'id', in: 'path' },
      format: 'uuid',
      description: `The ${thing}'s id (a UUID in canonical lowercase form; anything else is a 404).`,
      example: UUID_EXAMPLE,
    } as never),
    /** Whether a value read back from a cursor, a feed token or a tag is an id (with `orStart`, the nil UUID is one too). */
    is: (value: unknown, orStart = false): value is string => isCanonicalUuid(value) && (orStart || value !== NIL_UUID),
    /** The position before every id (the nil UUID sorts first, as Postgres compares uuid), where a feed starts. */
    start: NIL_UUID,
  };
  return id;
}

/** An id a client chooses (a create's `id`, an import's `firstId`): a version 4 or 7 UUID in canonical form. */
export const chosenIdSchema = (description: string) =>
  z
    .string({ error: 'must be a string' })
    .superRefine((value, ctx) => {
      const problem = chosenIdProblem(value);
      if (problem) ctx.addIssue({ code: 'custom', message: problem });
    })
    .openapi({ format: 'uuid', description });
