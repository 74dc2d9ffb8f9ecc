/**
 * The parts of the route declarations that every versioned resource at
 * `/<things>` and `/<things>/{id}` shares (todos, lists): headers of a
 * representation, conditional-request headers, the 412, the keyed create's
 * headers. Each is worded for the resource that asks (`thing`: "todo").
 */
import { z } from '@hono/zod-openapi';
import { documentOnly, lazySchema } from './document-only.ts';
import { once } from './once.ts';
import { problemSchema } from './problem.ts';

/** A 412's body: the item's current version, as members. */
export const preconditionFailedSchema = documentOnly(() =>
  problemSchema()
    .extend({
      currentVersion: z.number().int().min(1).openapi({
        description: "The item's version now (its ETag is also in the ETag header).",
        example: 3,
      }),
    })
    .openapi('PreconditionFailed'),
);

/** Request headers are built on first use (src/lib/request-parts.ts); the rest is the document's. */
export function itemRouteParts(thing: string, idExample: string) {
  const idempotencyHeaders = once(() =>
    z.object({
      'idempotency-key': z
        .string()
        .optional()
        .openapi({
          param: { in: 'header' },
          // No `example`: Swagger UI would pre-fill it, and a second "Try it out" with another body would get a 422.
          description:
            'Makes retries safe: the same key with the same body returns the original 201 and changes nothing (for 24 h); with another body, 422. A UUID is a good key. A create that gives its own `id` is safe to retry without one, at any time (docs/api.md, "Ids").',
        } as never),
    }),
  );

  const replayedHeader = {
    'Idempotent-Replayed': {
      description: 'Present and `true` when this is a replay.',
      schema: { type: 'string' as const, enum: ['true'] },
    },
  };

  /** The headers of one item's representation: a client revalidates it (If-None-Match) or writes against it (If-Match). */
  const representationHeaders = {
    ETag: {
      description: `Strong entity tag of this version of the ${thing} (\`"<id>-<version>"\`).`,
      schema: { type: 'string' as const, example: `"${idExample}-1"` },
    },
    'Cache-Control': {
      description: 'Always `private, no-cache`: reuse it only after revalidating (If-None-Match).',
      schema: { type: 'string' as const, example: 'private, no-cache' },
    },
  };

  const ifMatchHeaders = once(() =>
    z.object({
      'if-match': z
        .string()
        .optional()
        .openapi({
          param: { in: 'header' },
          description: `Makes the change conditional: it happens only if the ${thing} is still at this ETag (\`*\`: any version); otherwise 412 and nothing changes. A missing ${thing} is still a 404.`,
        } as never),
    }),
  );

  const ifNoneMatchHeaders = once(() =>
    z.object({
      'if-none-match': z
        .string()
        .optional()
        .openapi({
          param: { in: 'header' },
          description: `The ETag of a copy the client holds: 304 without a body while the ${thing} is still at that version.`,
        } as never),
    }),
  );

  /** 412, with the version the item has now. */
  const preconditionFailed = {
    412: {
      description:
        'If-Match named another version: nothing changed. The body has `currentVersion`, the ETag header the current tag.',
      headers: { ETag: representationHeaders.ETag },
      content: { 'application/problem+json': lazySchema(preconditionFailedSchema) },
    },
  };

  return {
    idempotencyHeaders,
    replayedHeader,
    representationHeaders,
    ifMatchHeaders,
    ifNoneMatchHeaders,
    preconditionFailed,
  };
}
