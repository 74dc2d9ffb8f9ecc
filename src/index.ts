import { createApp } from './app.ts';
import type { Env } from './env.ts';
import { scheduled } from './scheduled/index.ts';

/** The API: what the Worker serves, and what tests and tools call directly (`app.request`). */
export const app = createApp();

/** The Worker: requests go to the Hono app, cron triggers to the cleanup jobs. */
export default { fetch: app.fetch, scheduled } satisfies ExportedHandler<Env>;
export type { AppType } from './app.ts';
