import { defineRoute } from '../lib/define-route.ts';
import { lazySchema } from '../lib/document-only.ts';
import { problemResponses } from '../lib/openapi-responses.ts';
import { meSchema } from './schemas.ts';

export const getMe = defineRoute({
  method: 'get',
  path: '/me',
  operationId: 'getMe',
  tags: ['me'],
  summary: 'Who the caller is, their usage and their limits',
  description:
    'One read: how the caller was identified, how many todos they have against their quota, and the limits that apply to them. A client checks it before a large import rather than failing mid-way.',
  responses: {
    200: {
      description: 'The caller, their usage and limits.',
      headers: {
        'Cache-Control': {
          description: 'Always `private, no-store`.',
          schema: { type: 'string', example: 'private, no-store' },
        },
      },
      content: { 'application/json': lazySchema(meSchema) },
    },
    ...problemResponses([400, 429, 500, 503]),
  },
});
