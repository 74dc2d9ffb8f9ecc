/**
 * Zod's public entry (v4 classic, node_modules/zod/v4/classic/external.js)
 * WITHOUT `locales` (~260 KiB of translated error messages this English-only
 * API never shows) and without the JSON Schema converters and `compile`, which
 * neither we nor the OpenAPI libraries call. @hono/zod-openapi extends the `z` namespace
 * object, which keeps every member of it in the bundle, so tree-shaking cannot
 * drop them. wrangler.toml aliases `zod` to this file for the Worker bundle
 * (tests import zod itself; the wrangler-dev tests run the aliased bundle).
 * English stays the default locale: Zod registers it on first use.
 * Keep in step with the pinned zod version's external.js.
 */
export * as core from "./zod-core.ts";
export * from "../../node_modules/zod/v4/classic/schemas.js";
export * from "../../node_modules/zod/v4/classic/checks.js";
export * from "../../node_modules/zod/v4/classic/errors.js";
export * from "../../node_modules/zod/v4/classic/parse.js";
export * from "../../node_modules/zod/v4/classic/compat.js";
export { globalRegistry, registry, config, memoizer, $output, $input, $brand, clone, regexes, treeifyError, prettifyError, formatError, flattenError, TimePrecision, util, NEVER, INVALID, toZod, getDiscriminatedOption, } from "./zod-core.ts";
// Types and values both, from one module — re-exporting the types from core would collide.
export { input, output } from "../../node_modules/zod/v4/classic/in-out.js";
// iso must be exported from top-level https://github.com/colinhacks/zod/issues/4491
export { ZodISODateTime, ZodISODate, ZodISOTime, ZodISODuration } from "../../node_modules/zod/v4/classic/iso.js";
export * as iso from "../../node_modules/zod/v4/classic/iso.js";
export * as coerce from "../../node_modules/zod/v4/classic/coerce.js";

import * as z from "./zod.ts";
export { z, z as default };
