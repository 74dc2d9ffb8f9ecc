import type { OpenAPIHono } from '@hono/zod-openapi';
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

type DocumentConfig = Parameters<OpenAPIHono<AppEnv>['getOpenAPI31Document']>[0];

/**
 * Serves the OpenAPI 3.1 document and the docs page. The document is generated
 * once, on the first request for it, not on every request nor at start-up;
 * only `servers` is filled in per request, so "Try it out" targets the origin
 * that served the page.
 */
export function mountDocs(app: OpenAPIHono<AppEnv>, config: DocumentConfig): void {
  let document: ReturnType<OpenAPIHono<AppEnv>['getOpenAPI31Document']> | undefined;
  app.get('/openapi.json', (c) => {
    document ??= app.getOpenAPI31Document(config);
    return c.json({ ...document, servers: [{ url: new URL(c.req.url).origin, description: 'This server' }] });
  });
  app.get('/docs', (c) => c.html(DOCS_HTML));
}
