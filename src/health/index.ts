import { z } from '@hono/zod-openapi';
import { sql } from 'drizzle-orm';
import { createRouter } from '../lib/create-router.ts';
import { defineRoute } from '../lib/define-route.ts';
import { documentOnly, lazySchema } from '../lib/document-only.ts';
import { problemResponses } from '../lib/openapi-responses.ts';
import { resource } from '../lib/resource.ts';

const healthSchema = documentOnly(() =>
  z
    .object({ status: z.literal('ok'), database: z.literal('ok'), databaseMs: z.number().openapi({ example: 3 }) })
    .openapi('Health'),
);

const healthRoute = defineRoute({
  method: 'get',
  path: '/health',
  operationId: 'health',
  tags: ['health'],
  protect: false,
  summary: 'Liveness and a database ping (SELECT 1)',
  responses: {
    200: {
      description: 'The Worker and the database answer.',
      content: { 'application/json': lazySchema(healthSchema) },
    },
    ...problemResponses([429, 500, 503]),
  },
});

/** GET /health: one round trip; 503 with Retry-After while the database is unreachable. */
const router = createRouter().openapi(healthRoute, async (c) => {
  const started = Date.now();
  await c.var.db.query((tx) => tx.execute(sql`select 1`), { idempotent: true });
  return c.json({ status: 'ok' as const, database: 'ok' as const, databaseMs: Date.now() - started }, 200);
});

export const health = resource({ router, tag: { name: 'health', description: 'Liveness and database reachability.' } });
