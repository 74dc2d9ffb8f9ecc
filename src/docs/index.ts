import type { Hono } from 'hono';
import type { AppEnv } from '../env.ts';

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
 * Serves the docs page. The OpenAPI document it shows is not the Worker's: the
 * build copies the committed openapi.json into public/ (dev/build-assets.mjs),
 * and the asset layer serves it with the headers of public/_headers, so neither
 * the document nor a generator is in the bundle. Its `servers` entry is `/`, so
 * "Try it out" targets whichever origin served the page.
 */
export function mountDocs(app: Hono<AppEnv>): void {
  app.get('/docs', (c) => c.html(DOCS_HTML));
}
