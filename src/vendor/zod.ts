/**
 * Zod's public entry (v4 classic, node_modules/zod/v4/classic/external.js)
 * WITHOUT `locales` (~260 KiB of translated error messages this English-only
 * API never shows) and without the JSON Schema converters and `compile`, which
 * neither we nor the OpenAPI libraries call. In the Worker only zod-worker.ts
 * imports it, by name, so tree-shaking keeps just the members the Worker calls
 * (a namespace import of all of it kept every schema type: 53 KB of minified
 * code to compile at start-up). wrangler.jsonc aliases `zod` to this file for the Worker bundle
 * (tests import zod itself; the wrangler-dev tests run the aliased bundle).
 * English stays the default locale: Zod registers it on first use.
 * Keep in step with the pinned zod version's external.js.
 */
import * as z from './zod-api.ts';

export * from './zod-api.ts';
export { z, z as default };
