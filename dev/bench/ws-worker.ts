// Bench-only Worker entry: the same app as src/index.ts, with each request's
// database over a WebSocket Pool (made per request, ended with waitUntil)
// instead of SQL over HTTP. `npm run bench -- --transport ws` builds this file
// with the same wrangler.jsonc (aliases, flags, minify) and serves it; the
// deployed Worker (src/index.ts) never imports it, so its bundle is unchanged.
import { createApp } from '../../src/app.ts';
import { openWsDatabase } from '../../src/db/ws-database.ts';

export default createApp({ database: openWsDatabase });
