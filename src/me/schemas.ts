import { z } from '@hono/zod-openapi';
import { documentOnly, lazySchema } from '../lib/document-only.ts';
import type { QuotaKind } from '../db/quota.ts';
import { problemSchema } from '../lib/problem.ts';

/** How the caller was identified (src/auth/identify.ts): an OpenID Connect JWT, a static token, or anonymous access. */
export const IDENTITY_KINDS = ['jwt', 'token', 'anonymous'] as const;
export type IdentityKind = (typeof IDENTITY_KINDS)[number];

/** GET /me: who the caller is, what they use, and the limits that apply to them. */
export const meSchema = documentOnly(() =>
  z
    .object({
      owner: z
        .object({
          kind: z.enum(IDENTITY_KINDS).openapi({ description: 'How the caller was identified.', example: 'jwt' }),
          id: z.string().openapi({
            description:
              'The owner every row of the caller belongs to: `jwt:<sub>`, `token:<name>`, `default` (a bare static token) or `anonymous`.',
            example: 'jwt:alice',
          }),
        })
        .openapi('Owner'),
      usage: z
        .object({
          todos: z.number().int().min(0).openapi({ description: 'Todos the caller has now.', example: 1200 }),
          quota: z
            .number()
            .int()
            .min(1)
            .openapi({ description: 'The most todos the caller may have.', example: 100000 }),
          lists: z.number().int().min(1).openapi({
            description: 'Lists the caller has now, the default list included (even before a write has made it).',
            example: 3,
          }),
          listQuota: z
            .number()
            .int()
            .min(1)
            .openapi({ description: 'The most lists the caller may have.', example: 1000 }),
        })
        .openapi('Usage'),
      limits: z
        .object({
          todos: z.number().int().min(1).openapi({
            description: 'The quota of todos: a create or import past it is a 409 (QuotaExceeded) and writes nothing.',
            example: 100000,
          }),
          lists: z.number().int().min(1).openapi({
            description:
              'The quota of lists, the default list included: a create past it is a 409 (ListQuotaExceeded) and writes nothing.',
            example: 1000,
          }),
          keptDeletions: z.number().int().min(1).openapi({
            description:
              'Deletions the change feed keeps for the caller: past it, the oldest are forgotten before the retention ends (a `since` before them is then a 410).',
            example: 100000,
          }),
          changesRetentionDays: z
            .number()
            .int()
            .min(1)
            .openapi({ description: 'Days the change feed keeps a deletion, at most.', example: 30 }),
          importRows: z
            .number()
            .int()
            .min(1)
            .openapi({ description: 'Rows one POST /todos/import may carry.', example: 100000 }),
          importBytes: z
            .number()
            .int()
            .min(1)
            .openapi({ description: 'Bytes one POST /todos/import may carry.', example: 10485760 }),
          textLength: z
            .number()
            .int()
            .min(1)
            .openapi({ description: "Characters a todo's text may have.", example: 1000 }),
          titleLength: z
            .number()
            .int()
            .min(1)
            .openapi({ description: "Characters a list's title may have.", example: 200 }),
        })
        .openapi('Limits'),
    })
    .openapi('Me'),
);

export type Me = z.infer<ReturnType<typeof meSchema>>;

/**
 * A write refused by a quota (409): the numbers are members too, so a client
 * need not parse the detail. One schema per kind (`todos`, `lists`), named `name`.
 */
const quotaExceededOf = (kind: QuotaKind, name: string, examples: { quota: number; count: number; adding: number }) =>
  documentOnly(() =>
    problemSchema()
      .extend({
        quota: z
          .number()
          .int()
          .min(1)
          .openapi({ description: `The most ${kind} the caller may have.`, example: examples.quota }),
        [kind]: z
          .number()
          .int()
          .min(0)
          .openapi({
            description: `${capitalised(kind)} the caller has (the write changed nothing).`,
            example: examples.count,
          }),
        adding: z
          .number()
          .int()
          .min(1)
          .openapi({
            description: `${capitalised(kind)} the refused write would have added.`,
            example: examples.adding,
          }),
      })
      .openapi(name),
  );

const capitalised = (word: string) => word[0]!.toUpperCase() + word.slice(1);

export const quotaExceededSchema = quotaExceededOf('todos', 'QuotaExceeded', {
  quota: 100000,
  count: 99990,
  adding: 25,
});
export const listQuotaExceededSchema = quotaExceededOf('lists', 'ListQuotaExceeded', {
  quota: 1000,
  count: 1000,
  adding: 1,
});

/** The 409 of an operation that creates todos, for its route's responses. */
export const quotaExceededResponse = {
  409: {
    description:
      'The write would take the caller past their quota of todos (GET /me shows it): nothing was written. `quota`, `todos` and `adding` say by how much.',
    content: { 'application/problem+json': lazySchema(quotaExceededSchema) },
  },
};

/** The 409 of an operation that creates lists, for its route's responses. */
export const listQuotaExceededResponse = {
  409: {
    description:
      'The write would take the caller past their quota of lists (GET /me shows it): nothing was written. `quota`, `lists` and `adding` say by how much.',
    content: { 'application/problem+json': lazySchema(listQuotaExceededSchema) },
  },
};
