import { createRouter } from '../lib/create-router.ts';
import { resource } from '../lib/resource.ts';
import * as handlers from './handlers.ts';
import * as routes from './routes.ts';

/** GET /me: the caller, their usage and limits. */
const router = createRouter().openapi(routes.getMe, handlers.getMe);

export const me = resource({
  router,
  tag: { name: 'me', description: 'The caller: identity, usage against the quota, and limits.' },
});
