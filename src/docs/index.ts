import type { Hono } from 'hono';
import type { AppEnv } from '../env.ts';
// The document `npm run openapi` writes from the routes; a test fails when it no longer matches them.
import document from '../../openapi.json';

/** The Swagger UI page; its script and styles are static assets under /docs/ (see public/docs). */
const DOCS_HTML = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Todo API docs</title>
<link rel="icon" href="/docs/favicon-32x32.png">
<link rel="stylesheet" href="/docs/swagger-ui.css">
</head>
<body>
<div id="swagger-ui"></div>
<script src="/docs/swagger-ui-bundle.js"></script>
<script src="/docs/swagger-init.js"></script>
</body>
</html>`;

/**
 * Serves the OpenAPI 3.1 document and the docs page. The document is the
 * committed openapi.json, not generated in the isolate: generating it would
 * put the OpenAPI generator and every schema's metadata into the Worker's
 * bundle and start-up, for a text that only changes with the code (the node
 * test test/node/api/openapi-drift.test.ts regenerates it and compares). Only
 * `servers` is filled in per request, so "Try it out" targets the origin that
 * served the page.
 */
export function mountDocs(app: Hono<AppEnv>): void {
  app.get('/openapi.json', (c) =>
    c.json({ ...document, servers: [{ url: new URL(c.req.url).origin, description: 'This server' }] }),
  );
  app.get('/docs', (c) => c.html(DOCS_HTML));
}
