import type { RouteHandler } from '@hono/zod-openapi';
import type { AppEnv } from '../env.ts';
import { answerChanges } from '../feed/serve.ts';
import { changesFeed } from './feed.ts';
import type * as routes from './routes.ts';

/** GET /changes (src/feed serves it, as it serves GET /todos/changes). */
export const listAllChanges: RouteHandler<typeof routes.listAllChanges, AppEnv> = async (c) =>
  // Text, not c.json: the typed client still reads the route's declared JSON (hence the cast).
  (await answerChanges(c, changesFeed, c.req.valid('query'))) as never;
