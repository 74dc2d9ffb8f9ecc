import { createApp } from './app.ts';
import type { Env } from './env.ts';
import { scheduled } from './scheduled/index.ts';
import { isWebAppUrl, serveWebApp } from './web-app/serve.ts';

/** The API: what the Worker serves, and what tests and tools call directly (`app.request`). */
export const app = createApp();

/**
 * The Worker: requests go to the Hono app, cron triggers to the cleanup jobs. The web app's pages
 * (/app, not its built files, which the asset layer serves) are answered apart from the API's middleware.
 */
export default {
  fetch: (request, env, ctx) => (isWebAppUrl(request.url) ? serveWebApp(request, env) : app.fetch(request, env, ctx)),
  scheduled,
} satisfies ExportedHandler<Env>;
export type { AppType } from './app.ts';
