/**
 * The members of Zod the Worker calls, and no others: the routing shim
 * (zod-openapi.ts) takes its `z` from here, so the bundle keeps only these and
 * what they need instead of every schema type, check and format of Zod's API.
 */
export {
  array,
  boolean,
  enum,
  literal,
  NEVER,
  number,
  object,
  preprocess,
  strictObject,
  string,
  union,
  ZodError,
  ZodType,
} from 'zod';
export type { infer, input, output } from 'zod';
