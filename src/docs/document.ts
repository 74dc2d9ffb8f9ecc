import type { OpenAPIHono } from '@hono/zod-openapi';
import type { AppEnv } from '../env.ts';
import { resources } from '../app.ts';

/**
 * The OpenAPI 3.1 document of `app`, generated from its route declarations by
 * @hono/zod-openapi. Tooling only (`npm run openapi` writes it to
 * openapi.json, a node test compares the two): the committed file is served
 * as a static asset, and the Worker is built without the generator (src/vendor/zod-openapi.ts).
 */
export function openApiDocument(app: OpenAPIHono<AppEnv>) {
  // The scheme defineRoute's PROTECTED names (registering it again on a second call changes nothing).
  app.openAPIRegistry.registerComponent('securitySchemes', 'bearerAuth', {
    type: 'http',
    scheme: 'bearer',
    bearerFormat: 'JWT',
    description:
      'An access token from the OpenID Connect provider the server trusts (AUTH_ISSUER), or a static token from API_TOKENS. Without one, only a server with AUTH_ANONYMOUS=on answers.',
  });
  return app.getOpenAPI31Document({
    openapi: '3.1.0',
    info: {
      title: 'Todo API',
      version: '1.0.0',
      license: { name: 'MIT' },
      description: 'Todos at the edge: Cloudflare Workers + Neon Postgres. Errors are RFC 9457 problem details.',
    },
    tags: resources.map((r) => r.tag),
  });
}

/** openapi.json's text: the document with a relative `servers` entry, so "Try it out" calls whichever origin served it. */
export function documentFileText(app: OpenAPIHono<AppEnv>): string {
  const document = {
    ...openApiDocument(app),
    servers: [{ url: '/', description: 'The origin serving this document' }],
  };
  return `${JSON.stringify(document, null, 2)}\n`;
}
